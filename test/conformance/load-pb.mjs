// Decode ONNX backend-test data (.pb files and model graph types) into the plain
// JS value forms of docs/CONTRACT.md, independent of any binding:
//
//   tensor   -> { type, data, dims }   (onnxruntime-common names; float16/bfloat16 as
//                                       Uint16Array bits, int64 as BigInt64Array,
//                                       uint64 as BigUint64Array, bool as Uint8Array,
//                                       string as string[])
//   sequence -> Array of values
//   map      -> Map (int keys as bigint, string keys as string; scalar values as
//               number | bigint | string)
//   optional -> null (no value) or the contained value
//
// TensorProto and ModelProto are decoded with onnx-proto. onnx-proto@8 is built from
// onnx v1.10's onnx.proto only and does not contain onnx-data.proto, so SequenceProto,
// MapProto and OptionalProto are decoded here with a small protobuf wire reader
// (field numbers from onnx/onnx-data.proto).
//
// Which message a .pb holds is decided from the model's declared type of the input
// or output it belongs to (typeOf* / describeType); guessKind() is only a fallback
// for values with no declared type.

import fs from 'node:fs';
import os from 'node:os';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

if (os.endianness() !== 'LE') throw new Error('load-pb.mjs assumes a little-endian host');

// TensorProto.DataType -> onnxruntime-common type name
export const ELEM_TYPES = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
};

const ARRAY_CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
  complex64: Float32Array,
  complex128: Float64Array,
};

const toNumber = (v) => (typeof v === 'number' ? v : Number(v.toString()));
const toBigInt = (v) => (typeof v === 'number' ? BigInt(v) : BigInt(v.toString()));

// ---------------------------------------------------------------- model types

/** TypeProto -> { kind: 'tensor'|'sequence'|'map'|'optional'|'sparse'|'unknown', ... } */
export function describeType(tp) {
  if (!tp?.value) return { kind: 'unknown' };
  switch (tp.value) {
    case 'tensorType': {
      const t = tp.tensorType;
      const shape = t.shape ? t.shape.dim.map((d) => (d.value === 'dimValue' ? toNumber(d.dimValue) : d.dimParam || null)) : null;
      return { kind: 'tensor', elem: ELEM_TYPES[t.elemType] ?? `onnx-type-${t.elemType}`, shape };
    }
    case 'sequenceType':
      return { kind: 'sequence', elem: describeType(tp.sequenceType.elemType) };
    case 'mapType':
      return { kind: 'map', key: ELEM_TYPES[tp.mapType.keyType], value: describeType(tp.mapType.valueType) };
    case 'optionalType':
      return { kind: 'optional', elem: describeType(tp.optionalType.elemType) };
    case 'sparseTensorType':
      return { kind: 'sparse', elem: ELEM_TYPES[tp.sparseTensorType.elemType] };
    default:
      return { kind: 'unknown' };
  }
}

/** Human-readable type string, e.g. "optional(seq(tensor(float32)))". */
export function typeToString(d) {
  switch (d?.kind) {
    case 'tensor':
      return `tensor(${d.elem})`;
    case 'sequence':
      return `seq(${typeToString(d.elem)})`;
    case 'map':
      return `map(${d.key},${typeToString(d.value)})`;
    case 'optional':
      return `optional(${typeToString(d.elem)})`;
    case 'sparse':
      return `sparse_tensor(${d.elem})`;
    default:
      return 'unknown';
  }
}

/**
 * Read a model's interface: the graph inputs that are not initializers (the order in
 * which ONNX's runner and ORT number input_K.pb) and the graph outputs, with types.
 */
export function loadModelInfo(modelPath) {
  const model = onnx.ModelProto.decode(fs.readFileSync(modelPath));
  const g = model.graph;
  const inits = new Set(g.initializer.map((t) => t.name));
  const vi = (v) => ({ name: v.name, type: describeType(v.type) });
  return {
    irVersion: toNumber(model.irVersion ?? 0),
    opsets: model.opsetImport.map((o) => ({ domain: o.domain || 'ai.onnx', version: toNumber(o.version) })),
    inputs: g.input.filter((v) => !inits.has(v.name)).map(vi),
    outputs: g.output.map(vi),
  };
}

// ---------------------------------------------------------------- TensorProto

function copyRaw(raw, Ctor) {
  // raw_data is a view into the file buffer, possibly unaligned: copy it.
  const bytes = new Uint8Array(raw.byteLength);
  bytes.set(raw);
  if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0)
    throw new Error(`raw_data length ${bytes.byteLength} is not a multiple of ${Ctor.BYTES_PER_ELEMENT}`);
  return new Ctor(bytes.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
}

const utf8 = new TextDecoder('utf-8');

/** Decoded onnx.TensorProto -> { type, data, dims } */
export function tensorFromProto(t) {
  const type = ELEM_TYPES[t.dataType];
  if (!type) throw new Error(`TensorProto '${t.name}': unsupported data_type ${t.dataType}`);
  if (t.dataLocation === 1 || t.externalData?.length) throw new Error(`TensorProto '${t.name}': external data is not supported`);
  const dims = t.dims.map(toNumber);
  const size = dims.reduce((a, b) => a * b, 1);
  const hasRaw = t.rawData && t.rawData.length > 0;
  let data;
  if (type === 'string') {
    data = t.stringData.map((b) => utf8.decode(b));
  } else if (type.startsWith('float8') || type === 'int4' || type === 'uint4') {
    // 1 byte (float8) or packed nibbles (int4/uint4), kept as raw bytes.
    data = hasRaw ? copyRaw(t.rawData, Uint8Array) : Uint8Array.from(t.int32Data);
  } else {
    const Ctor = ARRAY_CTORS[type];
    if (hasRaw) {
      data = copyRaw(t.rawData, Ctor);
    } else {
      switch (type) {
        case 'float32':
        case 'complex64':
          data = Float32Array.from(t.floatData);
          break;
        case 'float64':
        case 'complex128':
          data = Float64Array.from(t.doubleData);
          break;
        case 'int64':
          data = BigInt64Array.from(t.int64Data, toBigInt);
          break;
        case 'uint32':
          data = Uint32Array.from(t.uint64Data, toNumber);
          break;
        case 'uint64':
          data = BigUint64Array.from(t.uint64Data, toBigInt);
          break;
        // int32_data carries int32, int16, int8, uint16, uint8, bool, and the bit
        // patterns of float16 / bfloat16.
        default:
          data = Ctor.from(t.int32Data);
          break;
      }
    }
  }
  const expected = type.startsWith('complex') ? size * 2 : type === 'int4' || type === 'uint4' ? Math.ceil(size / 2) : size;
  if (data.length !== expected) throw new Error(`TensorProto '${t.name}': ${data.length} elements for dims [${dims}] (${type})`);
  return { type, data, dims };
}

// ---------------------------------------------------------------- wire reader

/** Split a protobuf message into [{ field, wire, value }] (value: number|bigint for varints, Uint8Array for LEN). */
function readFields(buf) {
  const out = [];
  let pos = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wire = key & 7;
    let value;
    if (wire === 0) value = varint();
    else if (wire === 2) {
      const len = Number(varint());
      if (pos + len > buf.length) throw new Error('truncated length-delimited field');
      value = buf.subarray(pos, pos + len);
      pos += len;
    } else if (wire === 1) {
      value = buf.subarray(pos, pos + 8);
      pos += 8;
    } else if (wire === 5) {
      value = buf.subarray(pos, pos + 4);
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
    out.push({ field, wire, value });
  }
  return out;
}

function packedVarints(bytes) {
  const vals = [];
  let pos = 0;
  while (pos < bytes.length) {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
      shift += 7n;
    }
    vals.push(result);
  }
  return vals;
}

const asInt64 = (u) => BigInt.asIntN(64, u);

// SequenceProto / OptionalProto elem_type
const CONTAINER = { 0: 'undefined', 1: 'tensor', 2: 'sparse', 3: 'sequence', 4: 'map', 5: 'optional' };

function decodeTensorBytes(bytes) {
  return tensorFromProto(onnx.TensorProto.decode(bytes));
}

/** SequenceProto bytes -> Array */
export function decodeSequence(bytes) {
  let elemType = 0;
  const items = [];
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 2:
        elemType = Number(f.value);
        break;
      case 3:
        items.push(decodeTensorBytes(f.value));
        break;
      case 4:
        throw new Error('SequenceProto: sparse tensors are not supported');
      case 5:
        items.push(decodeSequence(f.value));
        break;
      case 6:
        items.push(decodeMap(f.value));
        break;
      case 7:
        items.push(decodeOptional(f.value));
        break;
      default:
        break; // 1 = name
    }
  }
  if (items.length && elemType === 0) throw new Error('SequenceProto: elements without elem_type');
  return items;
}

/** Scalar JS value of a one-element tensor (map values). */
function scalarOf(t) {
  if (t.data.length !== 1) throw new Error(`map value tensor has ${t.data.length} elements`);
  return t.data[0];
}

/** MapProto bytes -> Map */
export function decodeMap(bytes) {
  let keyType = 0;
  const intKeys = [];
  const strKeys = [];
  let values = [];
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 2:
        keyType = Number(f.value);
        break;
      case 3:
        if (f.wire === 2) intKeys.push(...packedVarints(f.value).map(asInt64));
        else intKeys.push(asInt64(f.value));
        break;
      case 4:
        strKeys.push(utf8.decode(f.value));
        break;
      case 5:
        values = decodeSequence(f.value);
        break;
      default:
        break;
    }
  }
  const keys = ELEM_TYPES[keyType] === 'string' ? strKeys : intKeys;
  if (keys.length !== values.length) throw new Error(`MapProto: ${keys.length} keys but ${values.length} values`);
  const m = new Map();
  keys.forEach((k, i) => {
    const v = values[i];
    m.set(k, v && !Array.isArray(v) && !(v instanceof Map) && v.data ? scalarOf(v) : v);
  });
  return m;
}

/** OptionalProto bytes -> null | value */
export function decodeOptional(bytes) {
  let value = null;
  for (const f of readFields(bytes)) {
    switch (f.field) {
      case 3:
        value = decodeTensorBytes(f.value);
        break;
      case 4:
        throw new Error('OptionalProto: sparse tensors are not supported');
      case 5:
        value = decodeSequence(f.value);
        break;
      case 6:
        value = decodeMap(f.value);
        break;
      case 7:
        value = decodeOptional(f.value);
        break;
      default:
        break; // 1 = name, 2 = elem_type (set even when there is no value)
    }
  }
  return value;
}

/**
 * Fallback when there is no declared type: TensorProto is recognised by a data_type
 * (field 2) that is a valid element type together with fields only TensorProto has
 * (raw_data 9, name 8, typed data 4..7/10/11) or no fields beyond dims/data_type.
 * Anything else is read as a SequenceProto.
 */
export function guessKind(bytes) {
  const fields = readFields(bytes);
  const has = (n) => fields.some((f) => f.field === n);
  const dt = fields.find((f) => f.field === 2);
  if (has(8) || has(9) || has(10) || has(11)) return 'tensor';
  if (dt && Number(dt.value) > 5) return 'tensor';
  if (fields.every((f) => f.field <= 2) && dt && Number(dt.value) >= 1) return 'tensor';
  return 'sequence';
}

/** Name stored in the .pb (TensorProto field 8, container messages field 1). */
export function pbName(bytes, kind) {
  const field = kind === 'tensor' ? 8 : 1;
  const f = readFields(bytes).find((x) => x.field === field && x.wire === 2);
  return f ? utf8.decode(f.value) : '';
}

/**
 * Decode a .pb file (path or bytes) as the given declared type (from describeType).
 * Returns { value, kind, name, guessed }.
 */
export function loadPb(pathOrBytes, type) {
  const bytes = typeof pathOrBytes === 'string' ? new Uint8Array(fs.readFileSync(pathOrBytes)) : pathOrBytes;
  let kind = type?.kind;
  let guessed = false;
  if (!kind || kind === 'unknown') {
    kind = guessKind(bytes);
    guessed = true;
  }
  let value;
  switch (kind) {
    case 'tensor':
      value = decodeTensorBytes(bytes);
      break;
    case 'sequence':
      value = decodeSequence(bytes);
      break;
    case 'map':
      value = decodeMap(bytes);
      break;
    case 'optional':
      value = decodeOptional(bytes);
      break;
    default:
      throw new Error(`cannot decode a value of type ${typeToString(type)}`);
  }
  const notes = [];
  value = retag(value, type, notes);
  return { value, kind, name: pbName(bytes, kind), guessed, notes };
}

/**
 * ONNX 1.12 stores bfloat16 test tensors with data_type UINT16 (the bfloat16 bit
 * patterns, see numpy_helper). Where the model declares bfloat16, re-label them: the
 * contract's bfloat16 is exactly those bits in a Uint16Array.
 */
function retag(value, type, notes) {
  if (!type || value == null) return value;
  if (type.kind === 'optional') return retag(value, type.elem, notes);
  if (type.kind === 'sequence' && Array.isArray(value)) return value.map((v) => retag(v, type.elem, notes));
  if (type.kind === 'tensor' && value.type === 'uint16' && type.elem === 'bfloat16') {
    notes.push('uint16 data re-labelled as bfloat16 (declared type)');
    return { ...value, type: 'bfloat16' };
  }
  return value;
}

export { CONTAINER };
