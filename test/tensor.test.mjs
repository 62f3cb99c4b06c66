// Tensor construction: every element type, type inference, dims and data validation, dispose().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor, TENSOR_TYPES, OrtexError, isOrtexError } from '../dist/index.js';
import { throws, rejects, re } from './helpers/index.mjs';

// type → [storage constructor, data for 6 elements in that storage, storage length for 6 elements]
const CASES = {
  float32: [Float32Array, () => new Float32Array([0, -0, 1.5, -2.25, Infinity, NaN])],
  float64: [Float64Array, () => new Float64Array([0, -0, 1e300, -2.25, -Infinity, NaN])],
  float16: [Uint16Array, () => new Uint16Array([0x0000, 0x8000, 0x3c00, 0x7c00, 0xfc00, 0x7e00])],
  bfloat16: [Uint16Array, () => new Uint16Array([0x0000, 0x8000, 0x3f80, 0x7f80, 0xff80, 0x7fc0])],
  int8: [Int8Array, () => new Int8Array([-128, -1, 0, 1, 2, 127])],
  int16: [Int16Array, () => new Int16Array([-32768, -1, 0, 1, 2, 32767])],
  int32: [Int32Array, () => new Int32Array([-(2 ** 31), -1, 0, 1, 2, 2 ** 31 - 1])],
  int64: [BigInt64Array, () => new BigInt64Array([-(2n ** 63n), -1n, 0n, 1n, 2n, 2n ** 63n - 1n])],
  uint8: [Uint8Array, () => new Uint8Array([0, 1, 2, 127, 128, 255])],
  uint16: [Uint16Array, () => new Uint16Array([0, 1, 2, 32767, 32768, 65535])],
  uint32: [Uint32Array, () => new Uint32Array([0, 1, 2, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1])],
  uint64: [BigUint64Array, () => new BigUint64Array([0n, 1n, 2n, 2n ** 63n, 2n ** 64n - 2n, 2n ** 64n - 1n])],
  bool: [Uint8Array, () => new Uint8Array([1, 0, 1, 1, 0, 0])],
  string: [Array, () => ['a', '', 'héllo', '😀', 'a\0b', 'x'.repeat(100)]],
  int4: [Uint8Array, () => new Uint8Array([0x10, 0x32, 0xf8])], // 6 nibbles: 0,1,2,3,-8,-1
  uint4: [Uint8Array, () => new Uint8Array([0x10, 0x32, 0xff])], // 6 nibbles: 0,1,2,3,15,15
};

test('TENSOR_TYPES lists every element type', () => {
  for (const t of Object.keys(CASES)) assert.ok(TENSOR_TYPES.includes(t), `${t} missing from TENSOR_TYPES`);
});

for (const [type, [Ctor, make]] of Object.entries(CASES)) {
  test(`new Tensor('${type}', data, [2, 3]) keeps type, dims, size and the data itself`, () => {
    const data = make();
    const t = new Tensor(type, data, [2, 3]);
    assert.is(t.type, type);
    assert.equal([...t.dims], [2, 3]);
    assert.is(t.size, 6);
    assert.is(t.location, 'cpu');
    assert.is(t.disposed, false);
    if (Ctor === Array) assert.equal(t.data, data);
    else {
      assert.instance(t.data, Ctor);
      assert.is(t.data, data, 'typed array data is used as-is (no copy)');
    }
    assert.is(t.toString(), `Tensor(${type}, [2,3])`);
  });
}

test('default dims are [length] (packed 4-bit: two elements per byte)', () => {
  assert.equal([...new Tensor('float32', new Float32Array(5)).dims], [5]);
  assert.equal([...new Tensor('string', ['a', 'b']).dims], [2]);
  assert.equal([...new Tensor('int4', new Uint8Array(3)).dims], [6]);
  assert.equal([...new Tensor('uint4', new Uint8Array(2)).dims], [4]);
  assert.equal([...new Tensor(new Int32Array(7)).dims], [7]);
});

test('packed 4-bit tensors with an odd element count use ceil(n/2) bytes', () => {
  const t = new Tensor('int4', new Uint8Array([0x21, 0x03]), [3]);
  assert.is(t.size, 3);
  assert.is(t.data.length, 2);
  const e = throws(() => new Tensor('uint4', new Uint8Array([1]), [3]), 'ERR_INVALID_ARGUMENT');
  assert.is(e.message, 'expected 2 bytes for data of a uint4 tensor with dims [3], received 1');
  throws(() => new Tensor('int4', new Uint8Array(3), [3]), 'ERR_INVALID_ARGUMENT', /expected 2 bytes .* received 3/);
});

test('scalars and zero-sized tensors', () => {
  const s = new Tensor('float32', new Float32Array([3.5]), []);
  assert.equal([...s.dims], []);
  assert.is(s.size, 1);
  assert.is(s.data[0], 3.5);
  const z = new Tensor('float32', new Float32Array(0), [0, 3]);
  assert.is(z.size, 0);
  assert.equal([...z.dims], [0, 3]);
  assert.is(new Tensor('string', [], [2, 0]).size, 0);
  assert.is(new Tensor('int4', new Uint8Array(0), [0]).size, 0);
});

test('numbers, booleans and bigints in plain arrays are converted to the storage type', () => {
  const f = new Tensor('float32', [1, 2.5, -3], [3]);
  assert.instance(f.data, Float32Array);
  assert.equal([...f.data], [1, 2.5, -3]);
  const d = new Tensor('float64', [0.1, 0.2]);
  assert.instance(d.data, Float64Array);
  assert.equal([...d.data], [0.1, 0.2]);
  const i8 = new Tensor('int8', [-1, 5]);
  assert.instance(i8.data, Int8Array);
  assert.equal([...i8.data], [-1, 5]);
  const i64 = new Tensor('int64', [1, -2, 2 ** 40]);
  assert.instance(i64.data, BigInt64Array);
  assert.equal([...i64.data], [1n, -2n, 2n ** 40n]);
  const i64b = new Tensor('int64', [-(2n ** 63n), 2n ** 63n - 1n]);
  assert.equal([...i64b.data], [-(2n ** 63n), 2n ** 63n - 1n]);
  const u64 = new Tensor('uint64', [2n ** 64n - 1n, 0]);
  assert.instance(u64.data, BigUint64Array);
  assert.equal([...u64.data], [2n ** 64n - 1n, 0n]);
  const b = new Tensor('bool', [true, false, true]);
  assert.instance(b.data, Uint8Array);
  assert.equal([...b.data], [1, 0, 1]);
});

test('non-integer numbers for a 64-bit tensor are refused', () => {
  const e = throws(() => new Tensor('int64', [1.5]), 'ERR_INVALID_ARGUMENT');
  assert.is(
    e.message,
    'expected an integer from -9223372036854775808 to 9223372036854775807 (a bigint or a number) for data[0] of a int64 tensor, received number 1.5',
  );
});

const INFER = [
  [new Float32Array(2), 'float32'],
  [new Float64Array(2), 'float64'],
  [new Int8Array(2), 'int8'],
  [new Int16Array(2), 'int16'],
  [new Int32Array(2), 'int32'],
  [new BigInt64Array(2), 'int64'],
  [new Uint8Array(2), 'uint8'],
  [new Uint16Array(2), 'uint16'],
  [new Uint32Array(2), 'uint32'],
  [new BigUint64Array(2), 'uint64'],
  [Buffer.from([1, 2]), 'uint8'],
  [['a', 'b'], 'string'],
  [[true, false], 'bool'],
  [[1, 2], 'float32'],
];
test('new Tensor(data, dims) infers the type from TypedArrays and arrays', () => {
  for (const [data, type] of INFER) {
    const t = new Tensor(data, [2]);
    assert.is(t.type, type, `${data.constructor.name} → ${type}`);
    assert.equal([...t.dims], [2]);
  }
  assert.equal([...new Tensor([true, false]).data], [1, 0]);
});

test('type inference refuses mixed arrays and non-arrays', () => {
  const e = throws(() => new Tensor([1, 'a']), 'ERR_INVALID_ARGUMENT');
  assert.is(e.message, 'expected a TypedArray or an array of numbers, booleans or strings for tensor data, received array of length 2');
  throws(() => new Tensor({ length: 2 }), 'ERR_INVALID_ARGUMENT', /for tensor data, received object$/);
  throws(() => new Tensor(new DataView(new ArrayBuffer(4))), 'ERR_INVALID_ARGUMENT', /for tensor data, received DataView/);
  throws(() => new Tensor(5), 'ERR_INVALID_ARGUMENT', /for tensor data, received number 5$/);
});

test('type inference refuses an empty array (no element to infer from, like onnxruntime-common)', () => {
  // onnxruntime-common: "Tensor type cannot be inferred from an empty array."
  throws(() => new Tensor([], [0]), 'ERR_INVALID_ARGUMENT', /tensor data/);
});

test('an unknown type name is refused', () => {
  const e = throws(() => new Tensor('float128', new Float32Array(1)), 'ERR_INVALID_ARGUMENT');
  assert.match(e.message, /^expected one of float32, .* for tensor type, received string "float128"$/);
  throws(() => new Tensor('complex64', new Float32Array(2)), 'ERR_INVALID_ARGUMENT', /for tensor type, received string "complex64"/);
});

test('bad dims: negative, non-integer, NaN, not an array', () => {
  const data = new Float32Array(6);
  assert.is(
    throws(() => new Tensor('float32', data, [-2, -3]), 'ERR_INVALID_ARGUMENT').message,
    'expected a non-negative integer for tensor dims[0], received number -2',
  );
  assert.is(
    throws(() => new Tensor('float32', data, [2, 1.5]), 'ERR_INVALID_ARGUMENT').message,
    'expected a non-negative integer for tensor dims[1], received number 1.5',
  );
  assert.is(
    throws(() => new Tensor('float32', data, [NaN, 6]), 'ERR_INVALID_ARGUMENT').message,
    'expected a non-negative integer for tensor dims[0], received number NaN',
  );
  assert.is(
    throws(() => new Tensor('float32', data, [6, Infinity]), 'ERR_INVALID_ARGUMENT').message,
    'expected a non-negative integer for tensor dims[1], received number Infinity',
  );
  assert.is(
    throws(() => new Tensor('float32', data, ['6']), 'ERR_INVALID_ARGUMENT').message,
    'expected a non-negative integer for tensor dims[0], received string "6"',
  );
  assert.is(
    throws(() => new Tensor('float32', data, [6n]), 'ERR_INVALID_ARGUMENT').message,
    'expected a non-negative integer for tensor dims[0], received bigint 6',
  );
  assert.is(
    throws(() => new Tensor('float32', data, '6'), 'ERR_INVALID_ARGUMENT').message,
    'expected an array of non-negative integers for tensor dims, received string "6"',
  );
  throws(() => new Tensor('float32', data, null), 'ERR_INVALID_ARGUMENT', /for tensor dims, received null$/);
});

test('bad dims: more than 64 dimensions', () => {
  const e = throws(() => new Tensor('float32', new Float32Array(1), new Array(65).fill(1)), 'ERR_INVALID_ARGUMENT');
  assert.is(e.message, 'expected at most 64 dimensions for tensor dims, received 65');
  // 64 is allowed.
  assert.is(new Tensor('float32', new Float32Array(1), new Array(64).fill(1)).dims.length, 64);
});

test('bad dims: element count of 2^53 or more', () => {
  const e = throws(() => new Tensor('float32', new Float32Array(1), [2 ** 30, 2 ** 30]), 'ERR_INVALID_ARGUMENT');
  assert.is(e.message, `expected an element count below 2^53 for tensor dims, received dims [${2 ** 30},${2 ** 30}]`);
  throws(() => new Tensor('uint8', new Uint8Array(1), [2 ** 27, 2 ** 27]), 'ERR_INVALID_ARGUMENT', /element count below 2\^53/);
});

test('data length must equal the product of dims', () => {
  assert.is(
    throws(() => new Tensor('float32', new Float32Array(5), [2, 3]), 'ERR_INVALID_ARGUMENT').message,
    'expected 6 elements for data of a float32 tensor with dims [2,3], received 5',
  );
  assert.is(
    throws(() => new Tensor('int64', new BigInt64Array(7), [2, 3]), 'ERR_INVALID_ARGUMENT').message,
    'expected 6 elements for data of a int64 tensor with dims [2,3], received 7',
  );
  assert.is(
    throws(() => new Tensor('string', ['a'], [2]), 'ERR_INVALID_ARGUMENT').message,
    'expected 2 elements for data of a string tensor with dims [2], received 1',
  );
  assert.is(
    throws(() => new Tensor('float32', new Float32Array(0), []), 'ERR_INVALID_ARGUMENT').message,
    'expected 1 elements for data of a float32 tensor with dims [], received 0',
  );
  assert.is(
    throws(() => new Tensor('bool', [true, false, true], [2]), 'ERR_INVALID_ARGUMENT').message,
    'expected 2 elements for data of a bool tensor with dims [2], received 3',
  );
});

test('the TypedArray must match the element type', () => {
  const cases = [
    [
      'float32',
      new Float64Array(3),
      'expected a Float32Array or an array of numbers for data of a float32 tensor, received Float64Array of length 3',
    ],
    [
      'float64',
      new Float32Array(3),
      'expected a Float64Array or an array of numbers for data of a float64 tensor, received Float32Array of length 3',
    ],
    ['int64', new Int32Array(3), 'expected a BigInt64Array for data of a int64 tensor, received Int32Array of length 3'],
    ['uint64', new BigInt64Array(3), 'expected a BigUint64Array for data of a uint64 tensor, received BigInt64Array of length 3'],
    [
      'float16',
      new Float32Array(3),
      'expected a Uint16Array or an array of numbers for data of a float16 tensor, received Float32Array of length 3',
    ],
    [
      'bfloat16',
      new Int16Array(3),
      'expected a Uint16Array or an array of numbers for data of a bfloat16 tensor, received Int16Array of length 3',
    ],
    ['bool', new Int8Array(3), 'expected a Uint8Array or an array of booleans for data of a bool tensor, received Int8Array of length 3'],
    ['int8', new Uint8Array(3), 'expected a Int8Array or an array of numbers for data of a int8 tensor, received Uint8Array of length 3'],
    [
      'int4',
      new Int8Array(3),
      'expected a Uint8Array (two 4-bit values per byte) for data of a int4 tensor, received Int8Array of length 3',
    ],
    ['int4', [1, 2], 'expected a Uint8Array (two 4-bit values per byte) for data of a int4 tensor, received array of length 2'],
    [
      'float8e4m3fn',
      [0.5],
      'expected a Uint8Array (float8e4m3fn bit patterns) for data of a float8e4m3fn tensor, received array of length 1',
    ],
    ['string', new Float32Array(3), 'expected an array of strings for data of a string tensor, received Float32Array of length 3'],
    ['string', ['a', 1], 'expected an array of strings for data of a string tensor, received array of length 2'],
    ['float32', ['1', '2'], 'expected a number for data[0] of a float32 tensor, received string "1"'],
    ['int32', 'abc', 'expected a Int32Array or an array of numbers for data of a int32 tensor, received string "abc"'],
  ];
  for (const [type, data, message] of cases) {
    throws(() => new Tensor(type, data), 'ERR_INVALID_ARGUMENT', message);
  }
});

test('errors are OrtexErrors recognised by isOrtexError', () => {
  const e = throws(() => new Tensor('float32', new Float32Array(1), [2]), 'ERR_INVALID_ARGUMENT');
  assert.instance(e, OrtexError);
  assert.instance(e, Error);
  assert.ok(isOrtexError(e));
  assert.ok(isOrtexError(e, 'ERR_INVALID_ARGUMENT'));
  assert.not.ok(isOrtexError(e, 'ERR_INVALID_INPUT'));
  assert.not.ok(isOrtexError(new Error('x')));
});

test('reshape shares the data and validates the new dims', () => {
  const data = new Float32Array([1, 2, 3, 4, 5, 6]);
  const t = new Tensor('float32', data, [2, 3]);
  const r = t.reshape([3, 2]);
  assert.equal([...r.dims], [3, 2]);
  assert.is(r.data, data);
  assert.equal([...t.dims], [2, 3], 'original dims unchanged');
  throws(() => t.reshape([4, 2]), 'ERR_INVALID_ARGUMENT', 'expected 8 elements for data of a float32 tensor with dims [4,2], received 6');
});

test('dims given by the caller are copied (later mutation does not change the tensor)', () => {
  const dims = [2, 3];
  const t = new Tensor('float32', new Float32Array(6), dims);
  dims[0] = 99;
  assert.equal([...t.dims], [2, 3]);
});

test('dispose() is idempotent; reading data afterwards throws a coded error', async () => {
  const data = new Float32Array([1, 2, 3]);
  const t = new Tensor('float32', data, [3]);
  assert.equal(await t.getData(), data);
  t.dispose();
  assert.is(t.disposed, true);
  t.dispose();
  t.dispose();
  assert.is(t.disposed, true);
  throws(() => t.data, 'ERR_INVALID_ARGUMENT', 'the tensor has been disposed');
  await rejects(t.getData(), 'ERR_INVALID_ARGUMENT', re('disposed'));
  throws(() => t.reshape([3]), 'ERR_INVALID_ARGUMENT', /disposed/);
  // The caller's own array is untouched: dispose() only frees native memory.
  assert.equal([...data], [1, 2, 3]);
  assert.equal([...t.dims], [3]);
  assert.is(t.type, 'float32');
});

test.run();
