// Micro-benchmarks of the hot path with tinybench: ortex against onnxruntime-node, task by task,
// in one process (both bindings load the same libonnxruntime from onnxruntime-node's package).
//
//   tensor.*  Tensor construction and validation (no session involved)
//   run.*     per-call overhead on a near-empty model (relu [3,4,5]): await session.run(feeds)
//             (ortex also with mode 'async', which always hops to the thread pool, and 'inline')
//   output.*  run + read the whole output: 768 KiB float32 (identity [65536,3]; ortex hands ORT's
//             memory over without a copy, then dispose() frees it)
//   string.*  identity over a [64,3] string tensor: encode, run, decode
//   float16.* identity over a [4096,3] float16 tensor (Uint16Array)
//
// tensor.* tasks time 100 constructions per sample (p50/p99 are per construction, averaged over 100).
//
//   node bench/micro.mjs [--time 500] [--warmup-time 100] [--filter REGEX] [--provider cpu]
// Prints a table and one JSON line ({"bench":"micro", ...}) on stdout; progress on stderr.
import { parseArgs } from 'node:util';
import { Bench } from 'tinybench';
import { MODELS } from './lib/models.mjs';
import { loadOrtex } from './lib/ortex.mjs';
import { formatTable } from './lib/report.mjs';
import { round } from './lib/stats.mjs';
import { normalizeApi, ortVersion, sessionOptions } from './lib/workload.mjs';

const { values: opt } = parseArgs({
  options: {
    time: { type: 'string', default: '500' },
    'warmup-time': { type: 'string', default: '100' },
    filter: { type: 'string' },
    provider: { type: 'string', default: 'cpu' },
  },
});
const filter = opt.filter ? new RegExp(opt.filter) : null;

const bindings = {
  ortex: await loadOrtex(),
  'onnxruntime-node': normalizeApi(await import('onnxruntime-node')),
};

const RELU = MODELS['relu-project'].path;
const IDENTITY_F32 = MODELS['relu-project'].path.replace('relu.onnx', 'identity_float32.onnx');
const IDENTITY_STR = MODELS['identity-string'].path;
const IDENTITY_F16 = MODELS['identity-float16'].path;
const options = sessionOptions({ provider: opt.provider, threads: 1 });

function randomF32(n) {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
  return a;
}
const small = randomF32(60);
const smallArray = Array.from(small);
const large = randomF32(8 * 3 * 48 * 320);
const strings = Array.from({ length: 64 * 3 }, (_, i) => `token-${i}-${'x'.repeat(i % 17)}`);
const halves = new Uint16Array(4096 * 3).map((_, i) => 0x3c00 + (i % 512)); // 1.0 .. ~1.5
const bigOut = randomF32(65536 * 3);

/** Per binding: sessions and feeds built with that binding's own Tensor class. */
async function setup(api) {
  const { Tensor, InferenceSession } = api;
  const [relu, f32, str, f16] = await Promise.all(
    [RELU, IDENTITY_F32, IDENTITY_STR, IDENTITY_F16].map((m) => InferenceSession.create(m, options)),
  );
  return {
    api,
    sessions: [relu, f32, str, f16],
    relu,
    f32,
    str,
    f16,
    reluFeeds: { x: new Tensor('float32', small, [3, 4, 5]) },
    f32Feeds: { x: new Tensor('float32', bigOut, [65536, 3]) },
    f16Feeds: { x: new Tensor('float16', halves, [4096, 3]) },
  };
}

let sink = 0; // keeps results observable so nothing is optimised away

function dispose(out) {
  for (const v of Object.values(out)) v.dispose?.();
}

/** Sub-microsecond operations are timed REPS at a time (a timer read costs about as much). */
const REPS = 100;
const repeat = (fn) => () => {
  for (let i = 0; i < REPS; i++) fn();
};

/** Tasks: [name, fn, reps]. */
function tasks(ctx, binding) {
  const { Tensor } = ctx.api;
  const t = [
    [
      'tensor.float32 [3,4,5] from Float32Array',
      repeat(() => {
        sink += new Tensor('float32', small, [3, 4, 5]).size;
      }),
      REPS,
    ],
    [
      'tensor.float32 [8,3,48,320] from Float32Array',
      repeat(() => {
        sink += new Tensor('float32', large, [8, 3, 48, 320]).size;
      }),
      REPS,
    ],
    [
      'tensor.float32 [3,4,5] from number[] (convert)',
      repeat(() => {
        sink += new Tensor('float32', smallArray, [3, 4, 5]).size;
      }),
      REPS,
    ],
    [
      'tensor.string [64,3]',
      repeat(() => {
        sink += new Tensor('string', strings, [64, 3]).size;
      }),
      REPS,
    ],
    [
      'tensor.rejects wrong length',
      () => {
        try {
          new Tensor('float32', small, [3, 4, 6]);
        } catch {
          sink++;
        }
      },
    ],
    [
      'run.relu [3,4,5] await run()',
      async () => {
        const out = await ctx.relu.run(ctx.reluFeeds);
        sink += out.y.dims.length;
        dispose(out);
      },
    ],
    [
      'output.identity [65536,3] float32: run + read all',
      async () => {
        const out = await ctx.f32.run(ctx.f32Feeds);
        const d = out.y.data;
        let s = 0;
        for (let i = 0; i < d.length; i += 64) s += d[i];
        sink += s;
        dispose(out);
      },
    ],
    [
      'string.identity [64,3]: create + run + read',
      async () => {
        const out = await ctx.str.run({ x: new Tensor('string', strings, [64, 3]) });
        sink += out.y.data[191].length;
        dispose(out);
      },
    ],
    [
      'float16.identity [4096,3]: run + read',
      async () => {
        const out = await ctx.f16.run(ctx.f16Feeds);
        sink += out.y.data[12287];
        dispose(out);
      },
    ],
  ];
  if (binding === 'ortex') {
    const asyncOpt = { mode: 'async' };
    const inlineOpt = { mode: 'inline' };
    t.push(
      [
        'run.relu [3,4,5] mode async (thread pool hop)',
        async () => {
          const out = await ctx.relu.run(ctx.reluFeeds, asyncOpt);
          sink += out.y.dims.length;
          dispose(out);
        },
      ],
      [
        'run.relu [3,4,5] mode inline',
        async () => {
          const out = await ctx.relu.run(ctx.reluFeeds, inlineOpt);
          sink += out.y.dims.length;
          dispose(out);
        },
      ],
    );
  }
  return t.map(([name, fn, reps]) => [name, binding, fn, reps ?? 1]);
}

const contexts = {};
for (const [name, api] of Object.entries(bindings)) contexts[name] = await setup(api);

// Interleave bindings task by task so drift in machine load hits both alike.
const all = [];
const byName = new Map();
for (const [name, ctx] of Object.entries(contexts))
  for (const [task, binding, fn, reps] of tasks(ctx, name)) {
    if (filter && !filter.test(task)) continue;
    if (!byName.has(task)) byName.set(task, []);
    byName.get(task).push([binding, fn, reps]);
  }
for (const [task, entries] of byName) for (const [binding, fn, reps] of entries) all.push([task, binding, fn, reps]);

const results = [];
let i = 0;
for (const [task, binding, fn, reps] of all) {
  const bench = new Bench({ time: Number(opt.time), warmupTime: Number(opt['warmup-time']), iterations: 16, warmupIterations: 8 });
  bench.add(`${binding}: ${task}`, fn);
  process.stderr.write(`micro [${++i}/${all.length}] ${binding}: ${task}\n`);
  await bench.run();
  const r = bench.tasks[0].result;
  if (r.state !== 'completed') {
    results.push({ task, binding, error: r.error?.message ?? r.state });
    continue;
  }
  results.push({
    task,
    binding,
    ops_per_s: round(r.throughput.mean * reps, 1),
    mean_us: round((r.latency.mean * 1e3) / reps, 4),
    p50_us: round((r.latency.p50 * 1e3) / reps, 4),
    p99_us: round((r.latency.p99 * 1e3) / reps, 4),
    rme_pct: round(r.latency.rme, 2),
    samples: r.latency.samplesCount,
    ops_per_sample: reps,
  });
}
for (const ctx of Object.values(contexts)) for (const s of ctx.sessions) await s.release?.();

// Table: one row per task, the two bindings side by side.
const rows = [];
for (const task of byName.keys()) {
  const a = results.find((r) => r.task === task && r.binding === 'ortex');
  const b = results.find((r) => r.task === task && r.binding === 'onnxruntime-node');
  const us = (r) => (r && !r.error ? r.p50_us : null);
  rows.push([task, us(a), a?.p99_us ?? null, us(b), b?.p99_us ?? null, us(a) != null && us(b) != null ? round(us(b) / us(a), 2) : null]);
}
console.log(`micro-benchmarks (tinybench, ${opt.time} ms per task, µs per op; speedup = onnxruntime-node p50 / ortex p50)`);
console.log(formatTable(['task', 'ortex p50', 'ortex p99', 'ort-node p50', 'ort-node p99', 'speedup'], rows));
for (const r of results.filter((x) => x.error)) console.log(`${r.binding}: ${r.task}: ${r.error}`);
const versions = Object.fromEntries(Object.entries(bindings).map(([k, api]) => [k, ortVersion(api)]));
console.log(
  JSON.stringify({ bench: 'micro', time_ms: Number(opt.time), provider: opt.provider, ort_versions: versions, sink: sink !== 0, results }),
);
