// Compatibility: the valid calls of onnxruntime-common's API give the same results on ortex:
// every create() form (path, Uint8Array, ArrayBuffer, onnxruntime-common's (buffer, byteOffset,
// byteLength?, options?) slice), run() with and without fetches and run options; outputs have the
// same names, types, dims and values (bit for bit: same ORT library, same kernels).
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { model } from '../helpers/index.mjs';
import { CONTENDERS, check, summary } from './contenders.mjs';

const MLP = model('mlp_256_512_512_10.onnx'); // x: float32 [batch, 256] -> logits [batch, 10]
const SHAPES = model('shapes.onnx'); // a: float32 [2, W], b: int64 [3] -> a_doubled, b_plus_one
const bytes = readFileSync(MLP);
const embedded = (() => {
  const b = new Uint8Array(bytes.byteLength + 100);
  b.set(bytes, 40);
  return b.buffer;
})();
const exact = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);

const input = Float32Array.from({ length: 4 * 256 }, (_, i) => Math.sin(i));
const mlpFeeds = (lib) => ({ x: new lib.Tensor('float32', input, [4, 256]) });
const shapesFeeds = (lib) => ({
  a: new lib.Tensor('float32', [1, 2, 3, 4, 5, 6], [2, 3]),
  b: new lib.Tensor('int64', [1n, -2n, 3n], [3]),
});
const plain = (out) =>
  Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { type: t.type, dims: [...t.dims], data: Array.from(t.data) }]));

const CREATE = [
  ['create(path)', (lib) => lib.InferenceSession.create(MLP)],
  ['create(path, options)', (lib) => lib.InferenceSession.create(MLP, { graphOptimizationLevel: 'basic', intraOpNumThreads: 1 })],
  ['create(Buffer)', (lib) => lib.InferenceSession.create(bytes)],
  ['create(Uint8Array, options)', (lib) => lib.InferenceSession.create(new Uint8Array(bytes), { executionProviders: ['cpu'] })],
  ['create(ArrayBuffer)', (lib) => lib.InferenceSession.create(exact)],
  ['create(ArrayBuffer, options)', (lib) => lib.InferenceSession.create(exact, { executionMode: 'sequential' })],
  ['create(ArrayBuffer, byteOffset, byteLength)', (lib) => lib.InferenceSession.create(embedded, 40, bytes.byteLength)],
  [
    'create(ArrayBuffer, byteOffset, byteLength, options)',
    (lib) => lib.InferenceSession.create(embedded, 40, bytes.byteLength, { executionProviders: [{ name: 'cpu' }] }),
  ],
  ['create(ArrayBuffer, 0): the rest of the buffer', (lib) => lib.InferenceSession.create(exact, 0)],
];

const reference = new Map();
for (const [what, make] of CREATE) {
  for (const c of CONTENDERS) {
    test(`${c.name}: ${what} loads the model and runs it the same`, async () => {
      const { value: s } = await check(c, what, 'ok', make);
      assert.equal(s.inputNames, ['x']);
      const out = plain(await s.run(mlpFeeds(c.lib)));
      await s.release();
      if (!reference.has(what)) reference.set(what, out);
      else assert.equal(out, reference.get(what), 'the same outputs as onnxruntime-node');
    });
  }
}

const RUNS = [
  ['run(feeds)', (s, lib) => s.run(shapesFeeds(lib))],
  ['run(feeds, [names])', (s, lib) => s.run(shapesFeeds(lib), ['b_plus_one'])],
  ['run(feeds, { name: null })', (s, lib) => s.run(shapesFeeds(lib), { a_doubled: null })],
  ['run(feeds, [names], options)', (s, lib) => s.run(shapesFeeds(lib), ['a_doubled', 'b_plus_one'], { logSeverityLevel: 3 })],
  ['run(feeds, options)', (s, lib) => s.run(shapesFeeds(lib), { logSeverityLevel: 4, tag: 'compat' })],
  ['run(feeds, { name: null }, options)', (s, lib) => s.run(shapesFeeds(lib), { b_plus_one: null }, { logVerbosityLevel: 0 })],
  ['run(feeds, { terminate: false })', (s, lib) => s.run(shapesFeeds(lib), { terminate: false })],
];
const sessions = new Map();
const runReference = new Map();
for (const [what, call] of RUNS) {
  for (const c of CONTENDERS) {
    test(`${c.name}: ${what}`, async () => {
      if (!sessions.has(c.lib)) sessions.set(c.lib, await c.lib.InferenceSession.create(SHAPES));
      const { value } = await check(c, what, 'ok', (lib) => call(sessions.get(lib), lib));
      const out = plain(value);
      if (!runReference.has(what)) runReference.set(what, out);
      else assert.equal(out, runReference.get(what), 'the same outputs as onnxruntime-node');
    });
  }
}

test.after(async () => {
  for (const s of sessions.values()) await s.release();
  summary('results');
});
test.run();
