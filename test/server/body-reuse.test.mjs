// Large infer bodies are reused once answered (body-buffers.ts): never while anything can still
// read them. Concurrent requests with distinct data each get their own answer (split across
// batches too), and tensors an observer keeps stay as they were sent after many later requests.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { BodyBuffers, MIN_POOLED_BYTES } from '../../dist/server/body-buffers.js';
import { IRIS, makeRepository, postBinary, readBinary, removeDir, startServer } from './helpers.mjs';

// 1,100 rows: a 17.6 KB body (pooled), split by the Batcher into parts of at most 32 rows.
const ROWS = 1100;
const session = await InferenceSession.create(IRIS);
// 'whole': each request runs on its own, the session reading the body's memory; 'merged': the
// default adaptive batching, requests split and merged into batches.
const repo = makeRepository({
  'whole/1': IRIS,
  'whole/config.yaml': 'batching: none\n',
  'merged/1': IRIS,
  'merged/config.yaml': 'limits:\n  maxQueueSize: 100000\n',
});

/** Request k's features: values that differ from every other request's. */
function features(k) {
  const f = new Float32Array(ROWS * 4);
  for (let i = 0; i < f.length; i++) f[i] = ((k * 7 + i * 3) % 61) / 8;
  return f;
}
const header = (f) => ({
  inputs: [{ name: 'features', shape: [ROWS, 4], datatype: 'FP32', parameters: { binary_data_size: f.byteLength } }],
  outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
});
async function answer(url, f) {
  const res = await readBinary(await postBinary(url, header(f), [f]));
  assert.is(res.status, 200);
  return new Float32Array(res.binary.buffer.slice(res.binary.byteOffset, res.binary.byteOffset + res.binary.byteLength));
}
const expected = async (f) => (await session.run({ features: new Tensor('float32', f, [ROWS, 4]) })).probabilities.data;

test('BodyBuffers: a given-back buffer is taken again; small ones, overflow and double gives are not kept', () => {
  const pool = new BodyBuffers(3 * MIN_POOLED_BYTES);
  const a = pool.take(MIN_POOLED_BYTES);
  assert.is(a.buffer.byteLength, MIN_POOLED_BYTES, 'its own ArrayBuffer');
  pool.give(a.subarray(5));
  pool.give(a);
  assert.is(pool.bytes, MIN_POOLED_BYTES, 'kept once');
  const b = pool.take(MIN_POOLED_BYTES);
  assert.is(b.buffer, a.buffer);
  assert.is.not(pool.take(MIN_POOLED_BYTES).buffer, a.buffer, 'taken once');
  assert.is(pool.bytes, 0);
  pool.give(pool.take(100));
  assert.is(pool.bytes, 0, 'small bodies are not kept');
  for (let i = 0; i < 4; i++) pool.give(pool.take(MIN_POOLED_BYTES + i));
  assert.is(pool.bytes, 2 * MIN_POOLED_BYTES + 1, 'kept while within maxBytes, the rest left to the GC');
});

test('concurrent requests with distinct data each get their own answer, round after round', async () => {
  const server = await startServer({ models: repo });
  try {
    const inputs = Array.from({ length: 16 }, (_, k) => features(k));
    const want = await Promise.all(inputs.map(expected));
    for (const name of ['whole', 'merged']) {
      const url = `${server.url}/v2/models/${name}/infer`;
      for (let round = 0; round < 3; round++) {
        const got = await Promise.all(inputs.map((f) => answer(url, f)));
        for (let k = 0; k < got.length; k++) assert.equal([...got[k]], [...want[k]], `${name}: request ${k}, round ${round}`);
      }
    }
  } finally {
    await server.close();
  }
});

test('tensors an observer keeps are never reused', async () => {
  const kept = [];
  const server = await startServer({ models: repo, observers: [{ afterRun: (e) => kept.push(e.feeds.features.data) }] });
  const url = `${server.url}/v2/models/whole/infer`;
  try {
    await answer(url, features(100));
    for (let k = 0; k < 16; k++) await answer(url, features(k));
    assert.equal([...kept[0]], [...features(100)]);
  } finally {
    await server.close();
  }
});

test.after(() => removeDir(repo));
test.run();
