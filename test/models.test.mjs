// Model loading (path, bytes, external data, malformed input), metadata, freeDimensionOverrides,
// sequence/optional/map values, runtime errors, runtimeInfo() and init().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor, init, runtimeInfo } from '../dist/index.js';
import { buildModel, valueInfo, sequenceType, tensorType, tensorValueInfo, node } from '../tools/onnx-builder.mjs';
import {
  DIST_URL,
  MODELS,
  ROOT,
  closeTo,
  lastJson,
  model,
  randomFloat32,
  rejects,
  runNode,
  seeded,
  throws,
  toBfloat16Bits,
  fromBfloat16Bits,
} from './helpers/index.mjs';
import { refRun } from './helpers/reference.mjs';

const QUIET = { logSeverityLevel: 4 };
const demoX = new Float32Array([0.5, -1, 2, 0.25, 3, 3, -3, 0]);

async function checkDemo(s) {
  const out = await s.run({ features: new Tensor('float32', demoX, [2, 4]) });
  const ref = await refRun(model('demo.onnx'), { features: { type: 'float32', data: demoX, dims: [2, 4] } });
  assert.equal([...out.probabilities.dims], [2, 3]);
  closeTo(out.probabilities.data, ref.probabilities.data, { rtol: 1e-6, atol: 1e-7 });
}

// --- loading ---------------------------------------------------------------------------------

test('loads from a path', async () => {
  const s = await InferenceSession.create(model('demo.onnx'));
  await checkDemo(s);
  await s.release();
});

test('loads from Uint8Array bytes, a Buffer and an ArrayBuffer', async () => {
  const buf = readFileSync(model('demo.onnx'));
  const u8 = new Uint8Array(buf); // a copy: a plain Uint8Array over its own buffer
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  for (const bytes of [buf, u8, ab]) {
    const s = await InferenceSession.create(bytes);
    assert.equal(s.inputNames, ['features']);
    await checkDemo(s);
    await s.release();
  }
  // Bytes at an offset inside a bigger buffer.
  const padded = new Uint8Array(buf.byteLength + 100);
  padded.set(buf, 37);
  const s = await InferenceSession.create(padded.subarray(37, 37 + buf.byteLength));
  await checkDemo(s);
  await s.release();
});

test('model bytes may be changed right after create() resolves', async () => {
  const bytes = new Uint8Array(readFileSync(model('demo.onnx')));
  const s = await InferenceSession.create(bytes);
  bytes.fill(0);
  await checkDemo(s);
  await s.release();
});

function externalExpected(x, n) {
  const w = readFileSync(join(MODELS, 'external', 'weights.bin'));
  const W = new Float32Array(w.buffer.slice(w.byteOffset, w.byteOffset + 32)); // [4, 2] at offset 0
  const B = new Float32Array(w.buffer.slice(w.byteOffset + 64, w.byteOffset + 72)); // [2] at offset 64
  const y = new Float32Array(n * 2);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < 2; c++) {
      let acc = B[c];
      for (let k = 0; k < 4; k++) acc += x[r * 4 + k] * W[k * 2 + c];
      y[r * 2 + c] = acc;
    }
  }
  return y;
}

test('an external-data model loads from its path and computes x·W + b from weights.bin', async () => {
  const s = await InferenceSession.create(join(MODELS, 'external', 'model.onnx'));
  const x = randomFloat32(11, 12);
  const { y } = await s.run({ x: new Tensor('float32', x, [3, 4]) });
  assert.equal([...y.dims], [3, 2]);
  closeTo(y.data, externalExpected(x, 3), { rtol: 1e-5, atol: 1e-6 });
  const ref = await refRun(join(MODELS, 'external', 'model.onnx'), { x: { type: 'float32', data: x, dims: [3, 4] } });
  closeTo(y.data, ref.y.data, { rtol: 1e-6 });
  await s.release();
});

test('an external-data model from bytes (folder unknown) fails with ERR_MODEL_LOAD naming the external data', async () => {
  const bytes = readFileSync(join(MODELS, 'external', 'model.onnx'));
  const e = await rejects(InferenceSession.create(bytes, QUIET), 'ERR_MODEL_LOAD', /external data in files \('weights\.bin'\)/);
  assert.match(e.message, new RegExp(`^cannot load model from ${bytes.byteLength} bytes: `));
  assert.match(e.message, /set externalDataDirectory/);
  assert.is(e.ortCode, undefined, 'refused by ortex before ORT reads anything');
});

test('random bytes → ERR_MODEL_LOAD from ORT', async () => {
  const next = seeded(99);
  const bytes = new Uint8Array(64).map(() => Math.floor(next() * 256));
  const e = await rejects(InferenceSession.create(bytes, QUIET), 'ERR_MODEL_LOAD', /^cannot load model from 64 bytes: ./);
  assert.is(typeof e.ortCode, 'number');
  assert.is(typeof e.ortCodeName, 'string');
  assert.match(e.ortCodeName, /^ORT_/);
});

test('truncated model bytes → ERR_MODEL_LOAD (protobuf parsing failed)', async () => {
  const bytes = readFileSync(model('demo.onnx'));
  const half = bytes.subarray(0, Math.floor(bytes.length / 2));
  const e = await rejects(InferenceSession.create(half, QUIET), 'ERR_MODEL_LOAD', /protobuf parsing failed/);
  assert.match(e.message, new RegExp(`^cannot load model from ${half.length} bytes: `));
  assert.is(e.ortCodeName, 'ORT_INVALID_PROTOBUF');
});

test('a missing file → ERR_MODEL_LOAD naming the path', async () => {
  const path = join(MODELS, 'does-not-exist.onnx');
  const e = await rejects(InferenceSession.create(path, QUIET), 'ERR_MODEL_LOAD', /does-not-exist\.onnx/);
  assert.ok(e.message.startsWith(`cannot load model ${path}: `), e.message);
  assert.match(e.message, /doesn't exist|does not exist|No such file/i);
  assert.is(e.ortCodeName, 'ORT_NO_SUCHFILE');
});

test('a directory → ERR_MODEL_LOAD saying it is a directory', async () => {
  const e = await rejects(InferenceSession.create(MODELS, QUIET), 'ERR_MODEL_LOAD', /directory/);
  assert.ok(e.message.startsWith(`cannot load model ${MODELS}`), e.message);
});

test('empty string, empty bytes and non-model values → ERR_INVALID_ARGUMENT', async () => {
  await rejects(
    InferenceSession.create(''),
    'ERR_INVALID_ARGUMENT',
    'expected a file path or model bytes for model, received an empty string',
  );
  await rejects(
    InferenceSession.create(new Uint8Array(0)),
    'ERR_INVALID_ARGUMENT',
    'expected non-empty model bytes for model, received 0 bytes',
  );
  await rejects(
    InferenceSession.create(new ArrayBuffer(0)),
    'ERR_INVALID_ARGUMENT',
    'expected non-empty model bytes for model, received 0 bytes',
  );
  await rejects(
    InferenceSession.create(42),
    'ERR_INVALID_ARGUMENT',
    'expected a file path, Uint8Array or ArrayBuffer for model, received number 42',
  );
  await rejects(InferenceSession.create(null), 'ERR_INVALID_ARGUMENT', /for model, received null$/);
  await rejects(InferenceSession.create({ path: 'x' }), 'ERR_INVALID_ARGUMENT', /for model, received object$/);
});

test('a model file that is not ONNX (package.json) → ERR_MODEL_LOAD', async () => {
  await rejects(InferenceSession.create(join(ROOT, 'package.json'), QUIET), 'ERR_MODEL_LOAD', /package\.json/);
});

// --- metadata --------------------------------------------------------------------------------

test('demo.onnx metadata: names, value metadata with symbolic dims, model metadata', async () => {
  const s = await InferenceSession.create(model('demo.onnx'));
  assert.equal(s.inputNames, ['features']);
  assert.equal(s.outputNames, ['probabilities']);
  // onnxruntime-common's shape (enumerable keys); ortex's `kind` is there, non-enumerable.
  assert.equal(s.inputMetadata, [{ name: 'features', isTensor: true, type: 'float32', shape: ['batch', 4] }]);
  assert.equal(s.outputMetadata, [{ name: 'probabilities', isTensor: true, type: 'float32', shape: ['batch', 3] }]);
  assert.is(s.inputMetadata[0].kind, 'tensor');
  assert.not.ok(Object.keys(s.inputMetadata[0]).includes('kind'));
  assert.equal(s.providers, ['cpu']);
  const m = s.modelMetadata;
  assert.is(m.producer, 'ortex-builder');
  assert.is(m.producerVersion, '0.1.0');
  assert.is(m.version, 1);
  assert.is(m.irVersion, 8);
  assert.equal(m.opsets, [{ domain: '', version: 17 }]);
  assert.is(m.graphName, 'demo_classifier');
  assert.match(m.description, /4→8→3 classifier/);
  assert.match(m.graphDescription, /Softmax/);
  assert.is(m.custom.author, 'ortex');
  assert.is(m.custom.license, 'MIT');
  assert.match(m.custom.description, /^Demo classifier/);
  assert.equal(Object.keys(m.custom).sort(), ['author', 'description', 'license']);
  // The same metadata when loaded from bytes.
  const fromBytes = await InferenceSession.create(readFileSync(model('demo.onnx')));
  assert.equal(fromBytes.modelMetadata, m);
  assert.equal(fromBytes.inputMetadata, s.inputMetadata);
  await s.release();
  await fromBytes.release();
});

test('metadata of other models: opsets, IR versions, no model version, unknown dims as empty names', async () => {
  const int4 = await InferenceSession.create(model('identity_int4.onnx'));
  assert.equal(int4.modelMetadata.opsets, [{ domain: '', version: 21 }]);
  assert.is(int4.modelMetadata.irVersion, 10);
  assert.is(int4.modelMetadata.producer, 'ortex-builder');
  assert.is(int4.modelMetadata.version, undefined, 'no model_version in the file');
  assert.equal(int4.inputMetadata[0], { name: 'x', isTensor: true, type: 'int4', shape: ['N', 3] });
  const zip = await InferenceSession.create(model('zipmap.onnx'));
  assert.equal(zip.modelMetadata.opsets, [
    { domain: '', version: 17 },
    { domain: 'ai.onnx.ml', version: 3 },
  ]);
  // Non-tensors: onnxruntime-common's { name, isTensor: false }, ortex's type detail non-enumerable.
  const zipOut = zip.outputMetadata[0];
  assert.equal(zipOut, { name: 'output_probability', isTensor: false });
  assert.is(zipOut.kind, 'sequence');
  assert.equal(zipOut.element, { kind: 'map', keyType: 'string', value: { kind: 'tensor', type: 'float32', shape: [] } });
  const seq = await InferenceSession.create(model('seq.onnx'));
  assert.equal(seq.inputMetadata[0], { name: 's', isTensor: false });
  assert.is(seq.inputMetadata[0].kind, 'sequence');
  assert.equal(seq.inputMetadata[0].element, { kind: 'tensor', type: 'float32', shape: ['', 3] });
  assert.equal(
    seq.outputMetadata.map((o) => o.shape),
    [[], ['', 3]],
    "an unnamed dynamic dimension is '', as onnxruntime-node reports it",
  );
  const opt = await InferenceSession.create(model('optional_out.onnx'));
  assert.equal(opt.outputMetadata[1], { name: 'none', isTensor: false });
  assert.is(opt.outputMetadata[1].kind, 'optional');
  assert.equal(opt.outputMetadata[1].element, { kind: 'tensor', type: 'float32', shape: [''] });
  const bad = await InferenceSession.create(model('bad_runtime.onnx'));
  assert.is(bad.modelMetadata.irVersion, 7);
  assert.equal(bad.modelMetadata.opsets, [{ domain: '', version: 13 }]);
  for (const s of [int4, zip, seq, opt, bad]) await s.release();
});

test('freeDimensionOverrides { N: 2 } fixes the dim: metadata shows 2, N ≠ 2 is refused, N = 2 runs', async () => {
  const plain = await InferenceSession.create(model('identity_float32.onnx'));
  assert.equal(plain.inputMetadata[0].shape, ['N', 3]);
  const s = await InferenceSession.create(model('identity_float32.onnx'), { freeDimensionOverrides: { N: 2 } });
  assert.equal(s.inputMetadata[0].shape, [2, 3]);
  assert.equal(s.outputMetadata[0].shape, [2, 3]);
  await rejects(
    s.run({ x: new Tensor('float32', new Float32Array(9), [3, 3]) }),
    'ERR_INVALID_INPUT',
    "expected dims [2,3] for input 'x', received [3,3] (dimension 0 is 3, the model requires 2)",
  );
  const { y } = await s.run({ x: new Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]) });
  assert.equal([...y.data], [1, 2, 3, 4, 5, 6]);
  // The session without the override still takes any N.
  const r = await plain.run({ x: new Tensor('float32', new Float32Array(9), [3, 3]) });
  assert.equal([...r.y.dims], [3, 3]);
  // An override for a dim name the model does not have is refused (ORT would ignore it silently).
  await rejects(
    InferenceSession.create(model('demo.onnx'), { freeDimensionOverrides: { N: 2 } }),
    'ERR_INVALID_ARGUMENT',
    /received 'N', which no input has$/,
  );
  for (const x of [plain, s]) await x.release();
});

// --- sequences, optionals, maps ----------------------------------------------------------------

test('sequence input (seq.onnx): SequenceLength and ConcatFromSequence', async () => {
  const s = await InferenceSession.create(model('seq.onnx'), QUIET);
  const t1 = new Float32Array([1, 2, 3]);
  const t2 = new Float32Array([4, 5, 6, 7, 8, 9]);
  const t3 = new Float32Array(0);
  const out = await s.run({ s: [new Tensor('float32', t1, [1, 3]), new Tensor('float32', t2, [2, 3]), new Tensor('float32', t3, [0, 3])] });
  assert.is(out.n.type, 'int64');
  assert.equal([...out.n.dims], []);
  assert.equal([...out.n.data], [3n]);
  assert.equal([...out.cat.dims], [3, 3]);
  assert.equal([...out.cat.data], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  // Validation of sequence elements.
  await rejects(
    s.run({ s: new Tensor('float32', t1, [1, 3]) }),
    'ERR_INVALID_INPUT',
    /^expected an array \(sequence<float32\[\?,3\]>\) for input 's', received Tensor object$/,
  );
  await rejects(
    s.run({ s: [new Tensor('float32', t1, [1, 3]), new Tensor('int32', new Int32Array(3), [1, 3])] }),
    'ERR_INVALID_INPUT',
    /^expected a float32 tensor for input 's'\[1\], received a int32 tensor$/,
  );
  await rejects(s.run({ s: [new Tensor('float32', t1, [3])] }), 'ERR_INVALID_INPUT', /for input 's'\[0\], received rank 1 \[3\]$/);
  await s.release();
});

test('an empty sequence input reaches ORT as an empty sequence', async () => {
  // seq.onnx: SequenceLength would give 0, but ConcatFromSequence refuses an empty sequence, so the
  // run fails inside ORT (not in ortex's encoding).
  const s = await InferenceSession.create(model('seq.onnx'), QUIET);
  const e = await rejects(s.run({ s: [] }), 'ERR_RUNTIME', /ConcatFromSequence/);
  assert.is(typeof e.ortCode, 'number');
  await s.release();
  // A model that only measures the sequence: length 0.
  const bytes = buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'seq_len',
      inputs: [valueInfo('s', sequenceType(tensorType('int32', [null])))],
      outputs: [tensorValueInfo('n', 'int64', [])],
      nodes: [node('SequenceLength', ['s'], ['n'])],
    },
  });
  const len = await InferenceSession.create(bytes);
  assert.equal([...(await len.run({ s: [] })).n.data], [0n]);
  const two = await len.run({ s: [new Tensor('int32', [1, 2], [2]), new Tensor('int32', [3], [1])] });
  assert.equal([...two.n.data], [2n]);
  await len.release();
});

test('sequence output (seq_out.onnx): N tensors of [1, 3]', async () => {
  const s = await InferenceSession.create(model('seq_out.onnx'));
  const x = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const { parts } = await s.run({ x: new Tensor('float32', x, [3, 3]) });
  assert.ok(Array.isArray(parts));
  assert.is(parts.length, 3);
  parts.forEach((p, i) => {
    assert.instance(p, Tensor);
    assert.is(p.type, 'float32');
    assert.equal([...p.dims], [1, 3]);
    assert.equal([...p.data], [...x.slice(i * 3, i * 3 + 3)]);
  });
  await s.release();
});

test('optional input (optional.onnx): null or omitted → has = false, a tensor → true', async () => {
  const s = await InferenceSession.create(model('optional.onnx'));
  const has = async (feeds) => {
    const { has: h } = await s.run(feeds);
    assert.is(h.type, 'bool');
    assert.equal([...h.dims], []);
    return h.data[0];
  };
  assert.is(await has({ o: null }), 0);
  assert.is(await has({ o: undefined }), 0);
  assert.is(await has({}), 0);
  assert.is(await has({ o: new Tensor('float32', new Float32Array([1, 2]), [2]) }), 1);
  assert.is(await has({ o: new Tensor('float32', new Float32Array(0), [0]) }), 1);
  await rejects(
    s.run({ o: new Tensor('int32', new Int32Array(1), [1]) }),
    'ERR_INVALID_INPUT',
    /^expected a float32 tensor for input 'o', received a int32 tensor$/,
  );
  await s.release();
});

test('optional outputs (optional_out.onnx): a value comes back as a tensor, none as null', async () => {
  const s = await InferenceSession.create(model('optional_out.onnx'));
  const x = new Float32Array([1.5, -2, 3]);
  const out = await s.run({ x: new Tensor('float32', x, [3]) });
  assert.equal(Object.keys(out).sort(), ['none', 'some']);
  assert.instance(out.some, Tensor);
  assert.equal([...out.some.dims], [3]);
  assert.equal([...out.some.data], [1.5, -2, 3]);
  assert.is(out.none, null);
  const onlyNone = await s.run({ x: new Tensor('float32', x, [3]) }, ['none']);
  assert.is(onlyNone.none, null);
  await s.release();
});

test('maps (zipmap.onnx): an array of Maps with string keys', async () => {
  const s = await InferenceSession.create(model('zipmap.onnx'));
  const p = new Float32Array([0.1, 0.2, 0.7, 0.5, 0.25, 0.25]);
  const { output_probability: maps } = await s.run({ probabilities: new Tensor('float32', p, [2, 3]) });
  assert.ok(Array.isArray(maps));
  assert.is(maps.length, 2);
  for (const [i, m] of maps.entries()) {
    assert.instance(m, Map);
    assert.equal([...m.keys()].sort(), ['bird', 'cat', 'dog']);
    assert.is(m.get('cat'), p[i * 3]);
    assert.is(m.get('dog'), p[i * 3 + 1]);
    assert.is(m.get('bird'), p[i * 3 + 2]);
  }
  await s.release();
});

test('maps (zipmap_int64.onnx): bigint keys', async () => {
  const s = await InferenceSession.create(model('zipmap_int64.onnx'));
  const p = new Float32Array([0.6, 0.3, 0.1]);
  const { output_probability: maps } = await s.run({ probabilities: new Tensor('float32', p, [1, 3]) });
  assert.is(maps.length, 1);
  const m = maps[0];
  assert.equal([...m.keys()].sort(), [10n, 20n, 30n]);
  assert.is(m.get(10n), p[0]);
  assert.is(m.get(20n), p[1]);
  assert.is(m.get(30n), p[2]);
  await s.release();
});

test('bf16_model.onnx rounds through bfloat16 (nearest even), same as onnxruntime-node', async () => {
  const s = await InferenceSession.create(model('bf16_model.onnx'));
  const x = new Float32Array([
    1.00390625,
    1.01171875,
    Math.PI,
    -2.5,
    1e-3,
    65504,
    -0,
    Infinity,
    -Infinity,
    1e38,
    ...randomFloat32(5, 22, -100, 100),
  ]);
  const { y } = await s.run({ x: new Tensor('float32', x, [x.length]) });
  const expected = Float32Array.from(x, (v) => fromBfloat16Bits(toBfloat16Bits(v)));
  assert.equal([...y.data], [...expected]);
  assert.is(y.data[0], 1, '1 + 2^-8 rounds to even (1)');
  assert.is(y.data[1], 1.015625, '1 + 3·2^-8 rounds to even (1 + 4·2^-8)');
  const ref = await refRun(model('bf16_model.onnx'), { x: { type: 'float32', data: x, dims: [x.length] } });
  assert.equal([...y.data], [...ref.y.data]);
  await s.release();
});

// --- runtime errors ------------------------------------------------------------------------------

test('bad_runtime.onnx: an out-of-range index → ERR_RUNTIME with ORT code; the session still works', async () => {
  const s = await InferenceSession.create(model('bad_runtime.onnx'), QUIET);
  const data = new Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  for (const mode of ['auto', 'async', 'inline']) {
    const e = await rejects(
      s.run({ data, indices: new Tensor('int64', [5n], [1]) }, { mode }),
      'ERR_RUNTIME',
      /indices element out of data bounds, idx=5 must be within the inclusive range \[-2,1\]/,
    );
    assert.is(e.ortCode, 2);
    assert.is(e.ortCodeName, 'ORT_INVALID_ARGUMENT');
    const ok = await s.run({ data, indices: new Tensor('int64', [1n, -2n, 0n], [3]) }, { mode });
    assert.equal([...ok.gathered.dims], [3, 3]);
    assert.equal([...ok.gathered.data], [4, 5, 6, 1, 2, 3, 1, 2, 3]);
  }
  assert.is(s.pendingRuns, 0);
  await s.release();
});

// --- runtime info and init -------------------------------------------------------------------------

test('runtimeInfo() describes the loaded runtime', () => {
  const info = runtimeInfo();
  assert.is(info.ortVersion, '1.30.0');
  assert.is(typeof info.apiVersion, 'number');
  assert.ok(info.apiVersion >= 20 && Number.isInteger(info.apiVersion));
  assert.is(info.librarySource, 'onnxruntime-node');
  assert.match(info.libraryPath, /onnxruntime-node.*libonnxruntime/);
  assert.ok(existsSync(info.libraryPath), info.libraryPath);
  assert.ok(existsSync(info.addonPath), info.addonPath);
  assert.match(info.addonPath, /\.node$/);
  assert.ok(info.providers.includes('cpu'));
  assert.ok(info.ortProviders.includes('CPUExecutionProvider'));
  assert.is(info.providers.length, info.ortProviders.length);
  assert.is(info.providers[info.ortProviders.indexOf('CPUExecutionProvider')], 'cpu');
  // A copy each time.
  info.providers.push('bogus');
  assert.not.ok(runtimeInfo().providers.includes('bogus'));
});

test('init() again with no library or the same library is a no-op', () => {
  const info = runtimeInfo();
  assert.equal(init(), info);
  assert.equal(init({ runtimeLibrary: info.libraryPath }), info);
});

test('init() with a bad runtimeLibrary value → ERR_INVALID_ARGUMENT', () => {
  throws(() => init({ runtimeLibrary: '' }), 'ERR_INVALID_ARGUMENT', /runtimeLibrary/);
  throws(() => init({ runtimeLibrary: 5 }), 'ERR_INVALID_ARGUMENT', 'expected a file path for runtimeLibrary, received number 5');
});

test('init({ runtimeLibrary: "/nonexistent" }) after the runtime is loaded → ERR_NATIVE_LOAD', () => {
  const loaded = runtimeInfo().libraryPath;
  const e = throws(() => init({ runtimeLibrary: '/nonexistent' }), 'ERR_NATIVE_LOAD');
  assert.ok(e.message.includes(`already loaded from ${loaded}`), e.message);
  assert.match(e.message, /\/nonexistent/);
  assert.match(e.message, /before creating any session/);
  // Still usable.
  assert.is(runtimeInfo().libraryPath, loaded);
});

const CHILD_PRELUDE = `
  const m = await import(${JSON.stringify(DIST_URL)});
  const report = (f) => { try { const v = f(); return { ok: true, value: v && v.libraryPath }; } catch (e) { return { code: e.code, message: e.message }; } };
`;

test('a fresh process: init with missing or non-ORT libraries → ERR_NATIVE_LOAD naming the path; then the default loads', async () => {
  const addon = join(ROOT, 'build', 'Release', 'ortex.node');
  const code = `${CHILD_PRELUDE}
    const results = {};
    results.missing = report(() => m.init({ runtimeLibrary: '/nonexistent/libonnxruntime.so' }));
    results.notLib = report(() => m.init({ runtimeLibrary: ${JSON.stringify(join(ROOT, 'package.json'))} }));
    results.notOrt = ${existsSync(addon)} ? report(() => m.init({ runtimeLibrary: ${JSON.stringify(addon)} })) : null;
    results.fallback = report(() => m.init());
    const s = await m.InferenceSession.create(${JSON.stringify(model('demo.onnx'))});
    const out = await s.run({ features: new m.Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) });
    results.sum = out.probabilities.data.reduce((a, b) => a + b, 0);
    console.log(JSON.stringify(results));`;
  const r = await runNode(code);
  assert.is(r.code, 0, r.stderr);
  const res = lastJson(r.stdout);
  assert.is(res.missing.code, 'ERR_NATIVE_LOAD');
  assert.match(res.missing.message, /\/nonexistent\/libonnxruntime\.so/);
  assert.match(res.missing.message, /does not exist/);
  assert.match(res.missing.message, /Fix: point runtimeLibrary at an existing libonnxruntime/);
  assert.is(res.notLib.code, 'ERR_NATIVE_LOAD');
  assert.ok(res.notLib.message.includes(join(ROOT, 'package.json')), res.notLib.message);
  if (res.notOrt) {
    assert.is(res.notOrt.code, 'ERR_NATIVE_LOAD');
    assert.ok(res.notOrt.message.includes(addon), res.notOrt.message);
    assert.match(res.notOrt.message, /OrtGetApiBase|not an ONNX Runtime library/);
  }
  assert.is(res.fallback.ok, true, JSON.stringify(res.fallback));
  assert.match(res.fallback.value, /libonnxruntime/);
  assert.ok(Math.abs(res.sum - 1) < 1e-6);
});

test('a fresh process with ORTEX_ORT_LIB=/nonexistent → ERR_NATIVE_LOAD with the fix', async () => {
  const code = `${CHILD_PRELUDE}
    let created;
    try { await m.InferenceSession.create(${JSON.stringify(model('demo.onnx'))}); created = { ok: true }; }
    catch (e) { created = { code: e.code, message: e.message, isOrtex: m.isOrtexError(e) }; }
    console.log(JSON.stringify({ created, info: report(() => m.runtimeInfo()) }));`;
  const r = await runNode(code, { env: { ORTEX_ORT_LIB: '/nonexistent' } });
  assert.is(r.code, 0, r.stderr);
  const { created, info } = lastJson(r.stdout);
  for (const x of [created, info]) {
    assert.is(x.code, 'ERR_NATIVE_LOAD', JSON.stringify(x));
    assert.match(x.message, /\/nonexistent/);
    assert.match(x.message, /ORTEX_ORT_LIB/);
    assert.match(x.message, /Fix: point ORTEX_ORT_LIB at an existing libonnxruntime, or unset it/);
  }
  assert.is(created.isOrtex, true);
});

test('ORTEX_ORT_LIB pointing at the real library is used and reported as the source', async () => {
  const lib = runtimeInfo().libraryPath;
  const code = `${CHILD_PRELUDE} console.log(JSON.stringify(m.runtimeInfo()));`;
  const r = await runNode(code, { env: { ORTEX_ORT_LIB: lib } });
  assert.is(r.code, 0, r.stderr);
  const info = lastJson(r.stdout);
  assert.is(info.librarySource, 'ORTEX_ORT_LIB');
  assert.is(info.libraryPath, lib);
  assert.is(info.ortVersion, '1.30.0');
});

test.run();
