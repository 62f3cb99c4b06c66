// The documented differences (docs/compat.md): each behaviour, asserted on both libraries, so the
// table stays true: if onnxruntime-node or ortex changes, this file fails and the table must
// change with it.
import { readFileSync, unlinkSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { model } from '../helpers/index.mjs';
import { check, ort, ortex, summary } from './contenders.mjs';

const ORT = { name: 'onnxruntime-node', lib: ort };
const OX = { name: 'ortex', lib: ortex };
const PATH = model('identity_float32.onnx');
const feeds = (lib) => ({ x: new lib.Tensor('float32', new Float32Array(6), [2, 3]) });

test('float16 from numbers without a Float16Array: onnxruntime-node refuses, ortex converts exactly', async () => {
  assert.is(typeof globalThis.Float16Array, 'undefined', 'Node 20 has no Float16Array');
  await check(ORT, "new Tensor('float16', numbers)", 'TypeError', (lib) => new lib.Tensor('float16', [1, 2.5], [2]));
  const { value: t } = await check(OX, "new Tensor('float16', numbers)", 'ok', (lib) => new lib.Tensor('float16', [1, 2.5], [2]));
  assert.equal(Array.from(t.data), [0x3c00, 0x4100], 'bit patterns of 1 and 2.5, rounded to nearest even');
});

test('a number array without a type: onnxruntime-node refuses, ortex makes float32', async () => {
  await check(ORT, 'new Tensor(numbers)', 'TypeError', (lib) => new lib.Tensor([1, 2, 3]));
  const { value: t } = await check(OX, 'new Tensor(numbers)', 'ok', (lib) => new lib.Tensor([1, 2, 3]));
  assert.is(t.type, 'float32');
});

test('numbers that do not fit: onnxruntime-node wraps or truncates, ortex refuses (RangeError) naming the element', async () => {
  const { value: a } = await check(ORT, "new Tensor('uint8', [300])", 'ok', (lib) => new lib.Tensor('uint8', [300]));
  assert.equal(Array.from(a.data), [44]);
  const { value: b } = await check(ORT, "new Tensor('int32', [1.5])", 'ok', (lib) => new lib.Tensor('int32', [1.5]));
  assert.equal(Array.from(b.data), [1]);
  const r = await check(OX, "new Tensor('uint8', [300])", 'RangeError', (lib) => new lib.Tensor('uint8', [300]));
  assert.match(r.error.message, 'data[0] of a uint8 tensor');
  await check(OX, "new Tensor('int32', [1.5])", 'RangeError', (lib) => new lib.Tensor('int32', [1.5]));
  await check(OX, "new Tensor('int32', ['1'])", 'TypeError', (lib) => new lib.Tensor('int32', ['1']));
});

test('unknown option keys: onnxruntime-node ignores them, ortex refuses (a typo is not silently dropped)', async () => {
  for (const c of [ORT, OX]) {
    const expected = c === ORT ? 'ok' : 'TypeError';
    const { value: s } = await check(c, 'session option intraOpThreads (typo)', expected, (lib) =>
      lib.InferenceSession.create(PATH, { intraOpThreads: 1 }),
    );
    await s?.release();
  }
  const sessions = await Promise.all([ort, ortex].map((lib) => lib.InferenceSession.create(PATH)));
  await check(ORT, 'run option tagg (typo)', 'ok', (lib) => sessions[0].run(feeds(lib), { tagg: 'x' }));
  await check(OX, 'run option tagg (typo)', 'TypeError', (lib) => sessions[1].run(feeds(lib), { tagg: 'x' }));
  await Promise.all(sessions.map((s) => s.release()));
});

test("errors that are plain Errors in onnxruntime-node are named 'OrtexError' (and are instanceof Error)", async () => {
  const a = await check(ORT, 'create(missing file)', 'Error', (lib) => lib.InferenceSession.create('/no/such/model.onnx'));
  const b = await check(OX, 'create(missing file)', 'Error', (lib) => lib.InferenceSession.create('/no/such/model.onnx'));
  assert.is(a.error.name, 'Error');
  assert.is(b.error.name, 'OrtexError');
  assert.is(b.error.code, 'ERR_MODEL_LOAD');
});

test('an executionProviders entry that is neither a name nor an object: onnxruntime-node Error, ortex TypeError', async () => {
  await check(ORT, 'executionProviders: [1]', 'Error', (lib) => lib.InferenceSession.create(PATH, { executionProviders: [1] }));
  await check(OX, 'executionProviders: [1]', 'TypeError', (lib) => lib.InferenceSession.create(PATH, { executionProviders: [1] }));
});

test('enableProfiling without profileFilePrefix: onnxruntime-node refuses, ortex uses a default prefix', async () => {
  await check(ORT, 'enableProfiling alone', 'TypeError', (lib) => lib.InferenceSession.create(PATH, { enableProfiling: true }));
  const { value: s } = await check(OX, 'enableProfiling alone', 'ok', (lib) =>
    lib.InferenceSession.create(PATH, { enableProfiling: true }),
  );
  const file = s.endProfiling();
  assert.match(file, /ortex_profile_.*\.json$/, 'a profile under the default prefix ortex_profile');
  unlinkSync(file);
  await s.release();
});

test('extra config values: onnxruntime-node takes strings only, ortex also numbers and booleans', async () => {
  const extra = { session: { intra_op: { allow_spinning: 0 } } };
  await check(ORT, 'extra with a number value', 'TypeError', (lib) => lib.InferenceSession.create(PATH, { extra }));
  const { value: s } = await check(OX, 'extra with a number value', 'ok', (lib) => lib.InferenceSession.create(PATH, { extra }));
  await s.release();
});

test('model bytes in any ArrayBufferView: onnxruntime-node takes Uint8Array only', async () => {
  const bytes = readFileSync(PATH);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  await check(ORT, 'create(DataView)', 'TypeError', (lib) => lib.InferenceSession.create(view));
  const { value: s } = await check(OX, 'create(DataView)', 'ok', (lib) => lib.InferenceSession.create(view));
  await s.release();
});

test('a Uint8ClampedArray is copied by onnxruntime-common, viewed (zero copy) by ortex', () => {
  const px = new Uint8ClampedArray([1, 2, 3, 4]);
  assert.is.not(new ort.Tensor(px).data.buffer, px.buffer);
  assert.is(new ortex.Tensor(px).data.buffer, px.buffer);
});

test('non-tensor outputs: onnxruntime-node cannot return them, ortex returns arrays, Maps and null', async () => {
  const seq = model('seq_out.onnx');
  const [a, b] = await Promise.all([ort, ortex].map((lib) => lib.InferenceSession.create(seq)));
  const input = (lib) => Object.fromEntries(a.inputMetadata.map((m) => [m.name, new lib.Tensor('float32', new Float32Array(6), [2, 3])]));
  await check(ORT, 'run() with a sequence output', 'Error', (lib) => a.run(input(lib)));
  const { value: out } = await check(OX, 'run() with a sequence output', 'ok', (lib) => b.run(input(lib)));
  assert.ok(Object.values(out).some(Array.isArray), 'a sequence comes back as an array');
  await Promise.all([a.release(), b.release()]);
});

test("preferredOutputLocation 'cpu' and enableGraphCapture are accepted; other locations and externalData are refused with the fix", async () => {
  const { value: s } = await check(OX, "preferredOutputLocation: 'cpu'", 'ok', (lib) =>
    lib.InferenceSession.create(PATH, { preferredOutputLocation: 'cpu', enableGraphCapture: false }),
  );
  await s.release();
  await check(OX, "preferredOutputLocation: 'gpu-buffer'", 'TypeError', (lib) =>
    lib.InferenceSession.create(PATH, { preferredOutputLocation: 'gpu-buffer' }),
  );
  await check(OX, 'externalData', 'TypeError', (lib) =>
    lib.InferenceSession.create(PATH, { externalData: [{ path: 'w.bin', data: new Uint8Array(1) }] }),
  );
});

test.after(() => summary('deliberate-differences'));
test.run();
