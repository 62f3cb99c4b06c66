// lib/session/run-options.ts: every run-option key is declared once with where it applies (session
// run, whole batch, one request); keys given elsewhere are refused with where they belong, and
// onnxruntime-common's `terminate` and `extra` do what they say instead of being ignored.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher, InferenceSession, Tensor } from '../../dist/index.js';
import { model, rejects } from '../helpers/index.mjs';

let mlp;
let shapes;
test.before(async () => {
  mlp = await InferenceSession.create(model('mlp_256_512_512_10.onnx'), { intraOpNumThreads: 1 });
  shapes = await InferenceSession.create(model('shapes.onnx'));
});
test.after(async () => {
  await mlp.release();
  await shapes.release();
});

const row = () => new Tensor('float32', new Float32Array(256).fill(0.5), [1, 256]);
const feeds = () => ({ a: new Tensor('float32', new Float32Array([1, 2]), [2, 1]), b: new Tensor('int64', new BigInt64Array(3), [3]) });

test('terminate: true ends the run at once with ERR_ABORTED (ORT meaning); false runs; a non-boolean is refused', async () => {
  await rejects(
    shapes.run(feeds(), { terminate: true }),
    'ERR_ABORTED',
    'the run was terminated before it started (run option terminate: true)',
  );
  const out = await shapes.run(feeds(), { terminate: false });
  assert.equal([...out.a_doubled.data], [2, 4]);
  await rejects(
    shapes.run(feeds(), { terminate: 1 }),
    'ERR_INVALID_ARGUMENT',
    'expected a boolean for run options terminate, received number 1',
  );
});

test('extra: nested run config entries, flattened like session extra and validated', async () => {
  const out = await shapes.run(feeds(), { extra: { memory: { enable_memory_arena_shrinkage: 'cpu:0' } } });
  assert.equal([...out.a_doubled.data], [2, 4]);
  await rejects(
    shapes.run(feeds(), { extra: { memory: { x: null } } }),
    'ERR_INVALID_ARGUMENT',
    'expected a string, number or boolean for config entry memory.x, received null',
  );
  // A key ORT does not know is ORT's to refuse: it reaches ORT instead of being dropped.
  await rejects(shapes.run(feeds(), { configEntries: { 'memory.enable_memory_arena_shrinkage': 'nonsense:0' } }), 'ERR_RUNTIME');
});

test('session run options refuse Batcher-only keys, saying where they belong', async () => {
  await rejects(
    shapes.run(feeds(), { priority: 1 }),
    'ERR_INVALID_ARGUMENT',
    /received "priority", a Batcher request option \(a session run does not queue\)$/,
  );
  await rejects(
    shapes.run(feeds(), { timeoutMs: 5 }),
    'ERR_INVALID_ARGUMENT',
    /received "timeoutMs", a Batcher request option .*cancel a run with signal$/,
  );
  await rejects(shapes.run(feeds(), { mdoe: 'inline' }), 'ERR_INVALID_ARGUMENT', /the second argument of run\(\), received key 'mdoe'$/);
  await rejects(
    shapes.run(feeds(), ['a_doubled'], { mdoe: 'inline' }),
    'ERR_INVALID_ARGUMENT',
    /^expected only known keys \(signal, .*\) for run options, received unknown key "mdoe"$/,
  );
});

test("Batcher.run({ terminate }) points at the request's signal, not at a Batcher option that refuses it", async () => {
  const b = new Batcher(mlp);
  try {
    const e = await rejects(b.run({ x: row() }, { terminate: 1 }), 'ERR_INVALID_ARGUMENT');
    assert.match(
      e.message,
      /received "terminate", a session run option that would end the whole batch: cancel this request with its signal$/,
    );
    assert.not.match(e.message, /runOptions/);
    await rejects(
      b.run({ x: row() }, { tag: 't' }),
      'ERR_INVALID_ARGUMENT',
      /received "tag", a run option of the whole batch: set it in the Batcher's runOptions$/,
    );
    await rejects(b.run({ x: row() }, { outputLocation: 'gpu' }), 'ERR_INVALID_ARGUMENT', /outputs cannot stay on the GPU$/);
    await rejects(b.run({ x: row() }, { extra: {} }), 'ERR_INVALID_ARGUMENT', /received "extra", a run option of the whole batch/);
    const out = await b.run({ x: row() }, { priority: 0, timeoutMs: 1000 });
    assert.equal(out.logits.dims, [1, 10]);
  } finally {
    await b.close();
  }
});

test("a Batcher's runOptions take whole-batch keys and refuse per-request and session-only ones", async () => {
  assert.throws(
    () => new Batcher(mlp, { runOptions: { terminate: true } }),
    (e) =>
      e.code === 'ERR_INVALID_ARGUMENT' &&
      /received "terminate", a session run option that would end every batch: cancel one request with its signal$/.test(e.message),
  );
  assert.throws(
    () => new Batcher(mlp, { runOptions: { signal: new AbortController().signal } }),
    (e) => /received "signal", an option of one Batcher request: pass it to batcher.run\(\)$/.test(e.message),
  );
  assert.throws(
    () => new Batcher(mlp, { runOptions: { priority: 0 } }),
    (e) => /received "priority", an option of one Batcher request/.test(e.message),
  );
  assert.throws(
    () => new Batcher(mlp, { runOptions: { mode: 'fast' } }),
    (e) => e.message === `expected one of 'auto', 'async', 'inline' for Batcher option runOptions.mode, received string "fast"`,
  );
  assert.throws(
    () => new Batcher(mlp, { runOptions: { tag: 5 } }),
    (e) => e.message === 'expected a string for Batcher option runOptions.tag, received number 5',
  );
  const b = new Batcher(mlp, { runOptions: { tag: 'batch', extra: { memory: { enable_memory_arena_shrinkage: 'cpu:0' } } } });
  try {
    const out = await b.run({ x: row() });
    assert.equal(out.logits.dims, [1, 10]);
  } finally {
    await b.close();
  }
});

test('run options are read once each: a getter runs once and its value is the one used', async () => {
  let reads = 0;
  const options = {
    get mode() {
      reads++;
      return reads === 1 ? 'inline' : 'nonsense';
    },
  };
  const out = await shapes.run(feeds(), options);
  assert.equal([...out.a_doubled.data], [2, 4]);
  assert.is(reads, 1);
});

test.run();
