// What the detach-safe async path costs: a run that leaves the JS thread copies inputs that live
// in V8 memory (an ArrayBuffer may be detached and freed at any time) and reads ortex's own
// native memory in place. Same model, same bytes, two kinds of input memory, interleaved in one
// process: a plain Float32Array (copied) vs an earlier output fed back (read in place). Reports
// the time run() holds the JS thread before returning its promise, and the whole awaited run.
//
//   node bench/async-input-copy.mjs [--rounds 5] [--runs 200]
import { parseArgs } from 'node:util';
import { InferenceSession, Tensor, stats } from '../dist/index.js';
import { MODELS } from './lib/models.mjs';
import { median, round } from './lib/stats.mjs';

const { values: opt } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, runs: { type: 'string', default: '200' } } });
const rounds = Number(opt.rounds);
const runs = Number(opt.runs);
const identity = await InferenceSession.create(new URL('../test/models/identity_float32.onnx', import.meta.url).pathname);

const CASES = [
  { name: 'MLP batch 64', model: new URL('../test/models/mlp_256_512_512_10.onnx', import.meta.url).pathname, dims: [64, 256], runs },
  { name: 'PP-OCR rec batch 8', model: MODELS['ocr-rec'].path, dims: [8, 3, 48, 320], runs: Math.max(4, Math.floor(runs / 40)) },
];

/** The same values in ortex's native memory: a view of an output of the identity model. */
async function native(values, dims) {
  const padded = new Float32Array(Math.ceil(values.length / 3) * 3);
  padded.set(values);
  const out = await identity.run({ x: new Tensor('float32', padded, [padded.length / 3, 3]) }, { mode: 'inline' });
  return new Tensor('float32', out.y.data.subarray(0, values.length), dims);
}

async function measure(session, input, n) {
  const held = [];
  let callNs = 0n;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const c0 = process.hrtime.bigint();
    const p = session.run({ [session.inputNames[0]]: input }, { mode: 'async' });
    callNs += process.hrtime.bigint() - c0;
    held.push(await p);
  }
  const totalNs = process.hrtime.bigint() - t0;
  for (const r of held) for (const t of Object.values(r)) t.dispose();
  return { callUs: Number(callNs) / n / 1e3, runUs: Number(totalNs) / n / 1e3 };
}

const results = [];
for (const c of CASES) {
  const session = await InferenceSession.create(c.model, { intraOpNumThreads: 1 });
  const count = c.dims.reduce((a, b) => a * b, 1);
  const values = new Float32Array(count).map((_, i) => (Math.sin(i) + 1) / 2);
  const v8 = new Tensor('float32', values, c.dims);
  const owned = await native(values, c.dims);
  await measure(session, v8, 2); // warm up
  const per = { copied: [], inPlace: [] };
  const s0 = stats();
  for (let r = 0; r < rounds; r++) {
    per.copied.push(await measure(session, v8, c.runs));
    per.inPlace.push(await measure(session, owned, c.runs));
  }
  const s1 = stats();
  const med = (xs, k) => median(xs.map((x) => x[k]));
  const row = {
    case: c.name,
    input_bytes: count * 4,
    runs_per_round: c.runs,
    rounds,
    call_us_copied: round(med(per.copied, 'callUs'), 2),
    call_us_in_place: round(med(per.inPlace, 'callUs'), 2),
    run_us_copied: round(med(per.copied, 'runUs'), 1),
    run_us_in_place: round(med(per.inPlace, 'runUs'), 1),
    input_bytes_copied: s1.inputBytesCopied - s0.inputBytesCopied,
  };
  row.copy_cost_us = round(row.call_us_copied - row.call_us_in_place, 2);
  row.run_ratio = round(row.run_us_copied / row.run_us_in_place, 3);
  results.push(row);
  await session.release();
}
await identity.release();

console.log(`async input copy, ${rounds} rounds, 1 intra-op thread, sequential awaited runs (medians)`);
console.log('case                 input      call µs copied  call µs in place  copy µs  run µs copied  run µs in place  ratio');
for (const r of results) {
  console.log(
    `${r.case.padEnd(20)} ${String(r.input_bytes).padStart(9)}  ${String(r.call_us_copied).padStart(14)}  ${String(r.call_us_in_place).padStart(16)}  ${String(r.copy_cost_us).padStart(7)}  ${String(r.run_us_copied).padStart(13)}  ${String(r.run_us_in_place).padStart(15)}  ${String(r.run_ratio).padStart(5)}`,
  );
}
console.log(JSON.stringify({ bench: 'async-input-copy', rounds, results }));
