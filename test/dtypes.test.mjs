// Every element type round-trips exactly through identity_<type>.onnx; zero-sized tensors; input
// buffers of every kind (views, Buffer pool slices, shared, resizable); zero-copy outputs; fetches.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor, stats } from '../dist/index.js';
import { model, rejects, sameBytes, statsDelta } from './helpers/index.mjs';

const sessions = new Map();
function identity(type) {
  if (!sessions.has(type)) sessions.set(type, InferenceSession.create(model(`identity_${type}.onnx`), { logSeverityLevel: 4 }));
  return sessions.get(type);
}

// 12 elements ([4, 3]) per type, covering extremes and special bit patterns.
const DATA = {
  float32: () =>
    new Float32Array([
      0,
      -0,
      1,
      -1.5,
      3.4028234663852886e38,
      -3.4028234663852886e38,
      1.401298464324817e-45,
      Infinity,
      -Infinity,
      NaN,
      0.1,
      65504,
    ]),
  float64: () =>
    new Float64Array([0, -0, 1, -1.5, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, Infinity, -Infinity, NaN, 0.1, 2 ** 53 + 2]),
  // float16 bits: 0, -0, 1, -2, max 65504, min subnormal, Inf, -Inf, quiet NaN, NaN with payload, -NaN, 0.333
  float16: () => new Uint16Array([0x0000, 0x8000, 0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0xfc00, 0x7e00, 0x7c01, 0xfe00, 0x3555]),
  // bfloat16 bits: 0, -0, 1, -2, max, min subnormal, Inf, -Inf, quiet NaN, NaN with payload, -NaN, 0.333
  bfloat16: () => new Uint16Array([0x0000, 0x8000, 0x3f80, 0xc000, 0x7f7f, 0x0001, 0x7f80, 0xff80, 0x7fc0, 0x7f81, 0xffc0, 0x3eab]),
  int8: () => new Int8Array([-128, -127, -1, 0, 1, 2, 63, 64, 100, 126, 127, -64]),
  int16: () => new Int16Array([-32768, -32767, -1, 0, 1, 2, 255, 256, 1000, 32766, 32767, -256]),
  int32: () => new Int32Array([-(2 ** 31), -(2 ** 31) + 1, -1, 0, 1, 2, 2 ** 16, 2 ** 24 + 1, 123456789, 2 ** 31 - 2, 2 ** 31 - 1, -65536]),
  int64: () =>
    new BigInt64Array([
      -(2n ** 63n),
      -(2n ** 63n) + 1n,
      -1n,
      0n,
      1n,
      2n,
      2n ** 32n,
      2n ** 53n + 1n,
      -(2n ** 53n) - 1n,
      2n ** 63n - 2n,
      2n ** 63n - 1n,
      1234567890123456789n,
    ]),
  uint8: () => new Uint8Array([0, 1, 2, 127, 128, 129, 200, 254, 255, 16, 32, 64]),
  uint16: () => new Uint16Array([0, 1, 2, 255, 256, 32767, 32768, 65534, 65535, 1000, 4096, 12345]),
  uint32: () => new Uint32Array([0, 1, 2, 2 ** 16, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1, 123456789, 7, 8, 9]),
  uint64: () =>
    new BigUint64Array([
      0n,
      1n,
      2n,
      2n ** 32n,
      2n ** 53n + 1n,
      2n ** 63n - 1n,
      2n ** 63n,
      2n ** 64n - 2n,
      2n ** 64n - 1n,
      12345678901234567890n,
      3n,
      4n,
    ]),
  bool: () => new Uint8Array([1, 0, 0, 1, 1, 1, 0, 0, 1, 0, 1, 0]),
  // 12 nibbles, low nibble first: int4 values 0,1,-1,-8,7,2,-2,3,-3,4,-4,5
  int4: () => new Uint8Array([0x10, 0x8f, 0x27, 0x3e, 0x4d, 0x5c]),
  // uint4 values 0,1,15,8,7,2,14,3,13,4,12,5
  uint4: () => new Uint8Array([0x10, 0x8f, 0x27, 0x3e, 0x4d, 0x5c]),
};

for (const [type, make] of Object.entries(DATA)) {
  test(`${type} round-trips exactly through identity_${type}.onnx`, async () => {
    const s = await identity(type);
    assert.equal(s.inputMetadata[0], { name: 'x', isTensor: true, type, shape: ['N', 3] });
    assert.is(s.inputMetadata[0].kind, 'tensor');
    const x = make();
    const expected = make();
    const out = await s.run({ x: new Tensor(type, x, [4, 3]) });
    assert.equal(Object.keys(out), ['y']);
    const y = out.y;
    assert.instance(y, Tensor);
    assert.is(y.type, type);
    assert.equal([...y.dims], [4, 3]);
    assert.is(y.size, 12);
    sameBytes(y.data, expected, `${type} output`);
    assert.is.not(y.data.buffer, x.buffer, 'the output does not alias the input buffer');
    // The input is not modified by the run.
    sameBytes(x, expected, `${type} input after the run`);
  });
}

test('4-bit types with an odd element count keep every real nibble', async () => {
  for (const type of ['int4', 'uint4']) {
    const s = await identity(type);
    // [1, 3] → 3 nibbles in 2 bytes (the high nibble of the last byte is padding).
    const x = new Uint8Array([0x9a, 0x07]);
    const { y } = await s.run({ x: new Tensor(type, x, [1, 3]) });
    assert.equal([...y.dims], [1, 3]);
    assert.is(y.data.length, 2);
    assert.is(y.data[0], 0x9a);
    assert.is(y.data[1] & 0x0f, 0x07);
  }
});

test('strings round-trip exactly: unicode, empty strings, embedded NUL', async () => {
  const s = await identity('string');
  const x = [
    'a\0b',
    'héllo wörld',
    '😀🚀 emoji',
    '',
    '\0',
    '\0\0trailing\0',
    '中文字符',
    'x'.repeat(1000),
    'tab\tnew\nline',
    '\u{10FFFF}',
    'ℵ',
    'plain',
  ];
  const { y } = await s.run({ x: new Tensor('string', x, [4, 3]) });
  assert.is(y.type, 'string');
  assert.equal([...y.dims], [4, 3]);
  assert.ok(Array.isArray(y.data));
  assert.equal(y.data, x);
});

test('string outputs are counted as copied bytes (UTF-8 size), not zero-copy', async () => {
  const s = await identity('string');
  const x = ['ab', 'é', '😀', '', 'xyz', '\0'];
  const utf8 = x.reduce((n, v) => n + Buffer.byteLength(v), 0);
  const [, d] = await statsDelta(() => s.run({ x: new Tensor('string', x, [2, 3]) }));
  assert.is(d.outputBytesCopied, utf8);
  assert.is(d.outputBytesZeroCopy, 0);
});

test('64-bit extremes as BigInt survive exactly', async () => {
  const s = await identity('int64');
  const x = new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, -1n]);
  const { y } = await s.run({ x: new Tensor('int64', x, [1, 3]) });
  assert.instance(y.data, BigInt64Array);
  assert.equal([...y.data], [-(2n ** 63n), 2n ** 63n - 1n, -1n]);
  const u = await identity('uint64');
  const { y: yu } = await u.run({ x: new Tensor('uint64', [0n, 2n ** 64n - 1n, 2n ** 63n], [1, 3]) });
  assert.instance(yu.data, BigUint64Array);
  assert.equal([...yu.data], [0n, 2n ** 64n - 1n, 2n ** 63n]);
});

for (const type of Object.keys(DATA).concat('string')) {
  test(`zero-sized ${type} tensor [0, 3] round-trips`, async () => {
    const s = await identity(type);
    const data = type === 'string' ? [] : new (DATA[type]().constructor)(0);
    const { y } = await s.run({ x: new Tensor(type, data, [0, 3]) });
    assert.is(y.type, type);
    assert.equal([...y.dims], [0, 3]);
    assert.is(y.size, 0);
    assert.is(y.data.length, 0);
    if (type !== 'string') assert.is(y.data.constructor, data.constructor);
  });
}

test('offset views (subarray with a byteOffset) are read from the right place, zero-copy', async () => {
  const s = await identity('float32');
  const whole = new Float32Array(32).map((_, i) => i * 1.25);
  const view = whole.subarray(5, 17);
  assert.is(view.byteOffset, 20);
  const [out, d] = await statsDelta(() => s.run({ x: new Tensor('float32', view, [4, 3]) }));
  assert.equal([...out.y.data], [...whole.slice(5, 17)]);
  assert.is(d.inputBytesZeroCopy, 48);
  assert.is(d.inputBytesCopied, 0);

  const i64 = await identity('int64');
  const w64 = new BigInt64Array(10).map((_, i) => BigInt(i) * -(2n ** 40n));
  const { y } = await i64.run({ x: new Tensor('int64', w64.subarray(4, 7), [1, 3]) });
  assert.equal([...y.data], [w64[4], w64[5], w64[6]]);
});

test('Node Buffers (pool slices) are read from their byteOffset', async () => {
  const u8 = await identity('uint8');
  const buf = Buffer.from([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 255, 128]);
  assert.ok(buf.buffer.byteLength > buf.length, 'Buffer.from() of a small array is a slice of the shared pool');
  const { y } = await u8.run({ x: new Tensor('uint8', buf, [4, 3]) });
  assert.equal([...y.data], [9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 255, 128]);
  // A Float32Array over a pool slice, and type inference from a Buffer.
  const pool = Buffer.allocUnsafe(48);
  assert.ok(pool.buffer.byteLength > 48);
  assert.is(pool.byteOffset % 4, 0);
  const f = new Float32Array(pool.buffer, pool.byteOffset, 12);
  f.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const f32 = await identity('float32');
  const r = await f32.run({ x: new Tensor('float32', f, [4, 3]) });
  assert.equal([...r.y.data], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const inferred = await u8.run({ x: new Tensor(Buffer.from([1, 2, 3]), [1, 3]) });
  assert.equal([...inferred.y.data], [1, 2, 3]);
});

test('SharedArrayBuffer-backed input works and is copied (inputBytesCopied grows by its size)', async () => {
  const s = await identity('float32');
  const shared = new Float32Array(new SharedArrayBuffer(12 * 4));
  shared.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const t = new Tensor('float32', shared, [4, 3]);
  const [out, d] = await statsDelta(() => s.run({ x: t }));
  assert.equal([...out.y.data], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.is(d.inputBytesCopied, 48);
  // A shared view at an offset.
  const sab = new SharedArrayBuffer(64);
  const view = new Int32Array(sab, 16, 3);
  view.set([-7, 8, -9]);
  const i32 = await identity('int32');
  const [r2, d2] = await statsDelta(() => i32.run({ x: new Tensor('int32', view, [1, 3]) }));
  assert.equal([...r2.y.data], [-7, 8, -9]);
  assert.is(d2.inputBytesCopied, 12);
});

test('copied (shared/resizable) input bytes are not also counted as zero-copy', async () => {
  const s = await identity('float32');
  const shared = new Float32Array(new SharedArrayBuffer(48));
  const [, d] = await statsDelta(() => s.run({ x: new Tensor('float32', shared, [4, 3]) }));
  assert.is(d.inputBytesCopied, 48);
  assert.is(d.inputBytesZeroCopy, 0, `inputBytesZeroCopy grew by ${d.inputBytesZeroCopy} for a copied input`);
});

test('resizable-ArrayBuffer-backed input works: read in place inline, copied by runs that leave the JS thread', async () => {
  const s = await identity('float32');
  const rab = new ArrayBuffer(48, { maxByteLength: 256 });
  assert.is(rab.resizable, true);
  const fixed = new Float32Array(rab, 0, 12);
  fixed.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  // Inline: no JS runs during the call, so nothing can resize the buffer while ORT reads it.
  const [out, d] = await statsDelta(() => s.run({ x: new Tensor('float32', fixed, [4, 3]) }, { mode: 'inline' }));
  assert.equal([...out.y.data], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.is(d.inputBytesCopied, 0);
  assert.is(d.inputBytesZeroCopy, 48);
  // A length-tracking view, async: copied at the call, so shrinking the buffer right after the
  // call changes nothing for the run.
  const tracking = new Float32Array(rab);
  assert.is(tracking.length, 12);
  const t = new Tensor('float32', tracking, [4, 3]);
  const [out2, d2] = await statsDelta(() => {
    const run = s.run({ x: t }, { mode: 'async' });
    rab.resize(8);
    return run;
  });
  assert.equal([...out2.y.data], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  assert.is(d2.inputBytesCopied, 48);
  assert.is(d2.inputBytesZeroCopy, 0);
  // Growing the buffer afterwards does not affect the outputs already produced.
  rab.resize(96);
  assert.equal([...out2.y.data], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
});

test('plain ArrayBuffer inputs are zero-copy (inputBytesZeroCopy grows, inputBytesCopied does not)', async () => {
  const s = await identity('float64');
  const x = new Float64Array(30).map((_, i) => i / 3);
  const [out, d] = await statsDelta(() => s.run({ x: new Tensor('float64', x, [10, 3]) }));
  sameBytes(out.y.data, x);
  assert.is(d.inputBytesZeroCopy, 240);
  assert.is(d.inputBytesCopied, 0);
});

test('outputs of 4 KiB or more are zero-copy: outputBytesZeroCopy grows by their size', async () => {
  const s = await identity('float32');
  const n = 400; // 400 × 3 × 4 = 4800 bytes
  const x = new Float32Array(n * 3).map((_, i) => i - 600.5);
  const [out, d] = await statsDelta(() => s.run({ x: new Tensor('float32', x, [n, 3]) }));
  assert.is(out.y.data.byteLength, 4800);
  assert.equal([...out.y.data], [...x]);
  assert.is(d.outputBytesZeroCopy, 4800);
  assert.is(d.outputBytesCopied, 0);
  assert.is(d.outputBuffersLive, 1);
  out.y.dispose();
  // Bigger: the MLP-sized float64 case.
  const s64 = await identity('float64');
  const x64 = new Float64Array(3000).map((_, i) => i * 0.5);
  const [o64, d64] = await statsDelta(() => s64.run({ x: new Tensor('float64', x64, [1000, 3]) }));
  sameBytes(o64.y.data, x64);
  assert.is(d64.outputBytesZeroCopy, 24000);
  assert.is(d64.outputBytesCopied, 0);
  // Freed now, not by a GC during the next test (whose outputBuffersLive count it would change).
  o64.y.dispose();
});

test('outputs under copyOutputsBelowBytes (default 4096) are copied into V8 memory, as documented', async () => {
  const s = await identity('float32');
  // 24 bytes: copied.
  const [out, d] = await statsDelta(() => s.run({ x: new Tensor('float32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]) }));
  assert.equal([...out.y.data], [1, 2, 3, 4, 5, 6]);
  assert.is(d.outputBytesCopied, 24);
  assert.is(d.outputBytesZeroCopy, 0);
  assert.is(d.outputBuffersLive, 0);
  // 4092 bytes (just under 4 KiB): copied; 4104 bytes: zero-copy.
  const u8 = await identity('uint8');
  const [small, d1] = await statsDelta(() => u8.run({ x: new Tensor('uint8', new Uint8Array(4092).fill(3), [1364, 3]) }));
  assert.is(small.y.data.length, 4092);
  assert.ok(small.y.data.every((v) => v === 3));
  assert.is(d1.outputBytesCopied, 4092);
  assert.is(d1.outputBytesZeroCopy, 0);
  const [large, d2] = await statsDelta(() => u8.run({ x: new Tensor('uint8', new Uint8Array(4104).fill(4), [1368, 3]) }));
  assert.ok(large.y.data.every((v) => v === 4));
  assert.is(d2.outputBytesZeroCopy, 4104);
  assert.is(d2.outputBytesCopied, 0);
  // Disposing a copied output is harmless and does not touch the live-buffer count.
  const live = stats().outputBuffersLive;
  out.y.dispose();
  assert.is(stats().outputBuffersLive, live);
  assert.is(out.y.disposed, true);
});

test('copyOutputsBelowBytes moves the threshold: 0 = never copy, large = always copy', async () => {
  const never = await InferenceSession.create(model('identity_float32.onnx'), { copyOutputsBelowBytes: 0 });
  const [a, da] = await statsDelta(() => never.run({ x: new Tensor('float32', new Float32Array([1, 2, 3]), [1, 3]) }));
  assert.equal([...a.y.data], [1, 2, 3]);
  assert.is(da.outputBytesZeroCopy, 12);
  assert.is(da.outputBytesCopied, 0);
  const exact = await InferenceSession.create(model('identity_float32.onnx'), { copyOutputsBelowBytes: 48 });
  const [, d48] = await statsDelta(() => exact.run({ x: new Tensor('float32', new Float32Array(12), [4, 3]) }));
  assert.is(d48.outputBytesZeroCopy, 48, '48 bytes is not below 48: zero-copy');
  const [, d36] = await statsDelta(() => exact.run({ x: new Tensor('float32', new Float32Array(9), [3, 3]) }));
  assert.is(d36.outputBytesCopied, 36);
  const always = await InferenceSession.create(model('identity_float32.onnx'), { copyOutputsBelowBytes: 1 << 20 });
  const x = new Float32Array(3000).map((_, i) => i);
  const [b, db] = await statsDelta(() => always.run({ x: new Tensor('float32', x, [1000, 3]) }));
  assert.equal([...b.y.data], [...x]);
  assert.is(db.outputBytesCopied, 12000);
  assert.is(db.outputBytesZeroCopy, 0);
  await rejects(
    InferenceSession.create(model('identity_float32.onnx'), { copyOutputsBelowBytes: -1 }),
    'ERR_INVALID_ARGUMENT',
    'expected a non-negative integer for copyOutputsBelowBytes, received number -1',
  );
  for (const s of [never, exact, always]) await s.release();
});

test('fetches: a preallocated output tensor is written in place and returned as the same object', async () => {
  const s = await identity('float32');
  const x = new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  const yData = new Float32Array(12).fill(-1);
  const y = new Tensor('float32', yData, [4, 3]);
  const [out, d] = await statsDelta(() => s.run({ x: new Tensor('float32', x, [4, 3]) }, { y }));
  assert.is(out.y, y, 'the same Tensor object comes back');
  assert.is(out.y.data, yData, 'with the same data array');
  assert.equal([...yData], [...x]);
  assert.is(d.fetchBytesInPlace, 48);
  assert.is(d.outputBytesZeroCopy, 0);
  assert.is(d.outputBytesCopied, 0);
  // Reuse: a second run overwrites it.
  const x2 = x.map((v) => v * -2);
  const out2 = await s.run({ x: new Tensor('float32', x2, [4, 3]) }, { y });
  assert.is(out2.y, y);
  assert.equal([...yData], [...x2]);
  // A fetch over an offset view writes into the view only.
  const backing = new Float32Array(20).fill(7);
  const yView = new Tensor('float32', backing.subarray(4, 16), [4, 3]);
  await s.run({ x: new Tensor('float32', x, [4, 3]) }, { y: yView });
  assert.equal([...backing], [7, 7, 7, 7, ...x, 7, 7, 7, 7]);
});

test('fetches: null lets ORT allocate; an output-name array selects outputs', async () => {
  const s = await identity('int32');
  const x = new Int32Array([1, -2, 3]);
  const a = await s.run({ x: new Tensor('int32', x, [1, 3]) }, { y: null });
  assert.equal([...a.y.data], [1, -2, 3]);
  const b = await s.run({ x: new Tensor('int32', x, [1, 3]) }, ['y']);
  assert.equal([...b.y.data], [1, -2, 3]);
});

test('fetches with the wrong shape or type are refused with a coded error', async () => {
  const s = await identity('float32');
  const x = new Tensor('float32', new Float32Array(6), [2, 3]);
  await rejects(
    s.run({ x }, { y: new Tensor('int32', new Int32Array(6), [2, 3]) }),
    'ERR_INVALID_INPUT',
    'expected a float32 tensor for fetches.y, received a int32 tensor',
  );
  await rejects(
    s.run({ x }, { y: new Tensor('float32', new Float32Array(6), [6]) }),
    'ERR_INVALID_INPUT',
    /^expected rank 2 \[N,3\] for fetches\.y, received rank 1 \[6\]$/,
  );
  // Right rank, wrong size for this run: ORT detects it.
  const e = await rejects(s.run({ x }, { y: new Tensor('float32', new Float32Array(9), [3, 3]) }), 'ERR_RUNTIME', /\{3,3\}.*\{2,3\}/);
  assert.is(typeof e.ortCode, 'number');
  await rejects(
    s.run({ x }, { y: new Tensor('float32', new Float32Array(new SharedArrayBuffer(24)), [2, 3]) }),
    'ERR_INVALID_INPUT',
    'expected a tensor over a plain ArrayBuffer (ORT writes into it) for fetches.y, received a shared or resizable buffer',
  );
  await rejects(
    s.run({ x }, { y: new Float32Array(6) }),
    'ERR_INVALID_INPUT',
    'expected null or a CPU ortex Tensor for a tensor output for fetches.y, received Float32Array of length 6',
  );
  // The session still works.
  const ok = await s.run({ x: new Tensor('float32', new Float32Array([1, 2, 3]), [1, 3]) });
  assert.equal([...ok.y.data], [1, 2, 3]);
});

test('boolean arrays become 0/1 bytes and round-trip', async () => {
  const s = await identity('bool');
  const { y } = await s.run({ x: new Tensor('bool', [true, false, true], [1, 3]) });
  assert.equal([...y.data], [1, 0, 1]);
  assert.is(y.type, 'bool');
});

test.after(async () => {
  for (const p of sessions.values()) await (await p).release();
  assert.ok(stats().sessionsCreated >= sessions.size);
});

test.run();
