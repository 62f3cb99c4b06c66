// Detaches (transfers) the memory a run or a create is using, then churns the heap so freed
// memory is reused, and prints one JSON line per round: { scenario, round, ok, code?, message?, maxError? }.
// argv[2]: the scenario — 'input', 'fetch', 'model' or 'before'. Run with --expose-gc.
import { readFileSync } from 'node:fs';
import { InferenceSession, Tensor } from '../../../dist/index.js';

const scenario = process.argv[2];
const models = new URL('../../models/', import.meta.url);
const MLP = new URL('mlp_256_512_512_10.onnx', models).pathname;
const BATCH = 1024; // 1 MiB inputs: runs long enough to overlap a collection; freed memory is unmapped
const transfer = (buffer) => structuredClone(buffer, { transfer: [buffer] });
// Collects and refills the heap until `promise` settles, so memory freed under a run is reused.
const churn = async (promise) => {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  const garbage = [];
  while (!settled) {
    globalThis.gc?.();
    garbage.push(new Float32Array(BATCH * 256).fill(-2e29));
    if (garbage.length > 8) garbage.shift();
    await new Promise((resolve) => setImmediate(resolve));
  }
};
const input = (seed) => new Float32Array(BATCH * 256).map((_, i) => Math.sin(seed * 1000 + i));
const maxError = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const report = (round, fields) => console.log(JSON.stringify({ scenario, round, ...fields }));
const failure = (e) => ({ ok: false, code: e?.code, message: e?.message });

const session = await InferenceSession.create(MLP, { intraOpNumThreads: 1 });
for (let round = 0; round < 6; round++) {
  const x = input(round);
  const expected = Array.from((await session.run({ x: new Tensor('float32', x.slice(), [BATCH, 256]) }, { mode: 'inline' })).logits.data);
  try {
    if (scenario === 'input') {
      // The input's ArrayBuffer is transferred away while the async run reads it, and its new
      // owner writes into it at once (then drops it: the memory is freed and reused).
      const run = session.run({ x: new Tensor('float32', x, [BATCH, 256]) }, { mode: 'async' });
      new Float32Array(transfer(x.buffer)).fill(-2e29);
      await churn(run);
      const out = await run;
      report(round, { ok: true, maxError: maxError(Array.from(out.logits.data), expected) });
    } else if (scenario === 'fetch') {
      // The caller-provided output buffer is transferred away while ORT is to write into it.
      const y = new Tensor('float32', new Float32Array(BATCH * 10), [BATCH, 10]);
      const run = session.run({ x: new Tensor('float32', x, [BATCH, 256]) }, { logits: y }, { mode: 'async' });
      const moved = new Float32Array(transfer(y.data.buffer)).fill(7);
      await churn(run);
      const untouched = moved.every((v) => v === 7); // ORT must not write into memory given away
      await run.then(
        () => report(round, { ok: true, untouched }),
        (e) => report(round, { ...failure(e), untouched }),
      );
    } else if (scenario === 'model') {
      // The model bytes are transferred away while ORT parses them, and overwritten.
      const bytes = new Uint8Array(readFileSync(MLP));
      const create = InferenceSession.create(bytes);
      new Uint8Array(transfer(bytes.buffer)).fill(0xff);
      await churn(create);
      const s = await create;
      const out = await s.run({ x: new Tensor('float32', x, [BATCH, 256]) });
      report(round, { ok: true, maxError: maxError(Array.from(out.logits.data), expected) });
      await s.release();
    } else if (scenario === 'before') {
      // Detached before the call: refused with a coded error, not read.
      const t = new Tensor('float32', x, [BATCH, 256]);
      transfer(x.buffer);
      await session.run({ x: t }, { mode: round % 2 ? 'async' : 'inline' }).then(
        () => report(round, { ok: true }),
        (e) => report(round, failure(e)),
      );
    }
  } catch (e) {
    report(round, failure(e));
  }
}
await session.release();
