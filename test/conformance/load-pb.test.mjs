// Unit tests for load-pb.mjs (no test data or binding needed):
//   node test/conformance/load-pb.test.mjs
// The ONNX 1.12 test data stores every non-string tensor as raw_data, so the typed
// *_data fields and the container messages are exercised here with hand-made protos.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import onnxProto from 'onnx-proto';
import { loadPb, describeType, guessKind } from './load-pb.mjs';
import { compareValue, float16ToNumber, bfloat16ToNumber } from './compare.mjs';

const { onnx } = onnxProto;
const T = (props) => onnx.TensorProto.encode(onnx.TensorProto.create(props)).finish();
const tensorType = (elemType) => ({ kind: 'tensor', elem: describeType({ value: 'tensorType', tensorType: { elemType } }).elem });

// minimal protobuf writer for the onnx-data.proto messages
const varint = (n) => {
  let v = BigInt.asUintN(64, BigInt(n));
  const out = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};
const fVarint = (field, n) => [...varint((field << 3) | 0), ...varint(n)];
const fBytes = (field, bytes) => [...varint((field << 3) | 2), ...varint(bytes.length), ...bytes];
const u8 = (a) => new Uint8Array(a);
const str = (s) => [...new TextEncoder().encode(s)];

test('typed fields: float, double, int64, uint64, uint32, int32-carried types', () => {
  let v = loadPb(T({ dataType: 1, dims: [2], floatData: [1.5, -2] }), tensorType(1)).value;
  assert.equal(v, { type: 'float32', data: new Float32Array([1.5, -2]), dims: [2] });
  v = loadPb(T({ dataType: 11, dims: [1], doubleData: [0.1] }), tensorType(11)).value;
  assert.equal(v.data, new Float64Array([0.1]));
  v = loadPb(T({ dataType: 7, dims: [3], int64Data: [1, -2, '9007199254740993'] }), tensorType(7)).value;
  assert.equal(v.data, new BigInt64Array([1n, -2n, 9007199254740993n]));
  v = loadPb(T({ dataType: 13, dims: [1], uint64Data: ['18446744073709551615'] }), tensorType(13)).value;
  assert.equal(v.data, new BigUint64Array([18446744073709551615n]));
  v = loadPb(T({ dataType: 12, dims: [1], uint64Data: [4294967295] }), tensorType(12)).value;
  assert.equal(v.data, new Uint32Array([4294967295]));
  v = loadPb(T({ dataType: 10, dims: [2], int32Data: [0x3c00, 0xc000] }), tensorType(10)).value;
  assert.equal(v.type, 'float16');
  assert.equal([...v.data].map(float16ToNumber), [1, -2]);
  v = loadPb(T({ dataType: 16, dims: [1], int32Data: [0x3f80] }), tensorType(16)).value;
  assert.equal(bfloat16ToNumber(v.data[0]), 1);
  v = loadPb(T({ dataType: 9, dims: [2, 1], int32Data: [1, 0] }), tensorType(9)).value;
  assert.equal(v, { type: 'bool', data: new Uint8Array([1, 0]), dims: [2, 1] });
  v = loadPb(T({ dataType: 3, dims: [], int32Data: [-5] }), tensorType(3)).value;
  assert.equal(v, { type: 'int8', data: new Int8Array([-5]), dims: [] });
});

test('raw_data (little endian, unaligned) and strings', () => {
  const raw = new Uint8Array(new Float32Array([3.25, -1]).buffer);
  const bytes = T({ dataType: 1, dims: [2], rawData: raw, name: 'x' });
  const r = loadPb(u8([...bytes]), tensorType(1));
  assert.equal(r.value.data, new Float32Array([3.25, -1]));
  assert.is(r.name, 'x');
  const s = loadPb(T({ dataType: 8, dims: [2], stringData: [new TextEncoder().encode('héllo'), new Uint8Array()] }), tensorType(8)).value;
  assert.equal(s, { type: 'string', data: ['héllo', ''], dims: [2] });
});

test('bfloat16 stored as uint16 is re-labelled from the declared type', () => {
  const r = loadPb(T({ dataType: 4, dims: [1], rawData: new Uint8Array([0x80, 0x3f]) }), tensorType(16));
  assert.is(r.value.type, 'bfloat16');
  assert.equal(r.value.data, new Uint16Array([0x3f80]));
});

test('element count must match dims', () => {
  assert.throws(() => loadPb(T({ dataType: 1, dims: [3], floatData: [1] }), tensorType(1)), /1 elements for dims \[3\]/);
});

test('SequenceProto, OptionalProto, MapProto', () => {
  const t1 = [...T({ dataType: 6, dims: [1], int32Data: [7] })];
  const seq = u8([...fBytes(1, str('s')), ...fVarint(2, 1), ...fBytes(3, t1), ...fBytes(3, t1)]);
  const seqType = { kind: 'sequence', elem: tensorType(6) };
  assert.equal(loadPb(seq, seqType).value, [
    { type: 'int32', data: new Int32Array([7]), dims: [1] },
    { type: 'int32', data: new Int32Array([7]), dims: [1] },
  ]);
  assert.equal(loadPb(u8([...fVarint(2, 1)]), seqType).value, []);
  const opt = (body) => u8([...fBytes(1, str('o')), ...body]);
  assert.is(loadPb(opt(fVarint(2, 1)), { kind: 'optional', elem: tensorType(6) }).value, null);
  assert.equal(loadPb(opt([...fVarint(2, 3), ...fBytes(5, [...fVarint(2, 1)])]), { kind: 'optional', elem: seqType }).value, []);
  assert.equal(
    loadPb(opt([...fVarint(2, 1), ...fBytes(3, t1)]), { kind: 'optional', elem: tensorType(6) }).value.data,
    new Int32Array([7]),
  );
  // map(int64, float), keys packed and unpacked, values a sequence of scalar tensors
  const f = (x) => fBytes(3, [...T({ dataType: 1, dims: [], floatData: [x] })]);
  const values = fBytes(5, [...fVarint(2, 1), ...f(0.5), ...f(2), ...f(-1)]);
  const m = loadPb(u8([...fVarint(2, 7), ...fBytes(3, [...varint(-1), ...varint(5)]), ...fVarint(3, 9), ...values]), { kind: 'map' }).value;
  assert.equal(
    [...m],
    [
      [-1n, 0.5],
      [5n, 2],
      [9n, -1],
    ],
  );
  const sm = loadPb(u8([...fVarint(2, 8), ...fBytes(4, str('a')), ...fBytes(5, [...fVarint(2, 1), ...f(1)])]), { kind: 'map' }).value;
  assert.equal([...sm], [['a', 1]]);
});

test('guessKind without a declared type', () => {
  assert.is(guessKind(T({ dataType: 1, dims: [1], floatData: [1], name: 'x' })), 'tensor');
  assert.is(
    guessKind(u8([...fBytes(1, str('s')), ...fVarint(2, 1), ...fBytes(3, [...T({ dataType: 1, dims: [1], floatData: [1] })])])),
    'sequence',
  );
});

test('compareValue', () => {
  const tol = { rtol: 1e-3, atol: 1e-7 };
  const t = (data, type = 'float32', dims = [data.length]) => ({ type, data, dims });
  assert.is(compareValue(t(new Float32Array([1, NaN, Infinity])), t(new Float32Array([1.0009, NaN, Infinity])), 'y', tol), null);
  assert.ok(compareValue(t(new Float32Array([1])), t(new Float32Array([1.002])), 'y', tol));
  assert.ok(compareValue(t(new Float32Array([-Infinity])), t(new Float32Array([Infinity])), 'y', tol));
  assert.ok(compareValue(t(new Float32Array([0])), t(new Float32Array([1e-6])), 'y', tol));
  assert.ok(compareValue(t(new Int32Array([1]), 'int32'), t(new Int32Array([2]), 'int32'), 'y', tol));
  assert.ok(compareValue(t(new Float32Array([1])), t(new Float64Array([1]), 'float64'), 'y', tol), 'type must match');
  assert.ok(compareValue(t(new Float32Array([1, 2])), t(new Float32Array([1, 2]), 'float32', [2, 1]), 'y', tol), 'dims must match');
  assert.is(compareValue(t(['a'], 'string'), t(['a'], 'string'), 'y', tol), null);
  assert.is(compareValue([t(new BigInt64Array([1n]), 'int64')], [t(new BigInt64Array([1n]), 'int64')], 'y', tol), null);
  assert.ok(compareValue([], null, 'y', tol));
  assert.ok(compareValue(null, [], 'y', tol));
  assert.is(compareValue(new Map([[1n, 0.5]]), new Map([[1n, 0.5]]), 'y', tol), null);
  assert.ok(compareValue(new Map([['a', 'x']]), new Map([['a', 'y']]), 'y', tol));
});

test.run();
