/**
 * Tensors to and from the wire: JSON `data` arrays and binary tensor data (Triton's extension:
 * raw little-endian elements; BYTES as 4-byte little-endian lengths, each followed by its bytes).
 * Every check a request needs before it reaches a session happens here, with the one message
 * template, so the 400 names the input and what was wrong with it.
 */
import { invalid, describe, OrtexError } from '../base/errors.js';
import { elementTypeByName, type TensorData } from '../tensor/element-types.js';
import { Tensor, tensorData } from '../tensor/tensor.js';
import { INT_RANGE } from '../tensor/convert.js';
import type { ValueMetadata } from '../tensor/value-metadata.js';
import { datatypeOfTensorType, fromFloat16Bits, oipName, toFloat16Bits, type DatatypeInfo } from './datatypes.js';
import { allocate } from './small-storage.js';

/** Integer ranges a JSON number may take per element type: 64-bit ones only as exact doubles. */
const INT_RANGES: Record<string, readonly [number, number]> = {
  ...INT_RANGE,
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

/** Rejects a request whose tensor declares more elements than allowed. */
export function checkElementCount(count: number, max: number, what: string): void {
  if (count > max) throw invalid('ERR_INVALID_INPUT', what, `at most ${max} elements (limits.maxElementsPerTensor)`, `${count}`);
}

/**
 * Checks a declared shape against the model's: same rank, equal static dims. `batching`: the
 * first dim is free even if the model fixes it (never the case today, kept for clarity).
 */
export function checkShape(shape: unknown, meta: Extract<ValueMetadata, { isTensor: true }>, what: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw invalid('ERR_INVALID_INPUT', `the shape of ${what}`, 'an array of non-negative integers', describe(shape));
  }
  const dims = shape as number[];
  const model = meta.shape;
  let ok = dims.length === model.length;
  for (let i = 0; ok && i < dims.length; i++) {
    const m = model[i];
    if (typeof m === 'number' && m !== dims[i]) ok = false;
  }
  // The message is built only for a refusal (it cost ~0.1 µs on every request).
  if (!ok)
    throw invalid(
      'ERR_INVALID_INPUT',
      what,
      `shape [${model.map((d) => (typeof d === 'number' ? d : -1)).join(',')}]`,
      `shape [${dims.join(',')}]`,
    );
  return dims;
}

function flatten(data: unknown[]): unknown[] {
  return data.length > 0 && Array.isArray(data[0]) ? (data as unknown[]).flat(Infinity) : data;
}

/** A tensor from JSON values (nested arrays are flattened row-major). */
export function tensorFromJson(type: DatatypeInfo, data: unknown, dims: number[], what: string): Tensor {
  if (!Array.isArray(data)) throw invalid('ERR_INVALID_INPUT', `the data of ${what}`, 'an array', describe(data));
  checkJsonCarries(type, what);
  const values = flatten(data);
  let count = 1;
  for (const d of dims) count *= d;
  if (values.length !== count)
    throw invalid('ERR_INVALID_INPUT', `the data of ${what}`, `${count} elements (shape [${dims.join(',')}])`, `${values.length}`);
  const storage = jsonStorage(type, count);
  writeJson(type, storage, 0, values, what);
  return new Tensor(type.tensorType, storage, dims);
}

/** Throws unless the datatype has a JSON form (BF16 travels as binary only). */
export function checkJsonCarries(type: DatatypeInfo, what: string): void {
  if (!type.json)
    throw invalid(
      'ERR_INVALID_INPUT',
      `the data of ${what}`,
      `binary tensor data for ${type.oip} (parameters.binary_data_size)`,
      'JSON data',
    );
}

function badElement(type: DatatypeInfo, what: string, i: number, v: unknown): OrtexError {
  const kind =
    type.oip === 'BYTES'
      ? 'a string'
      : type.oip === 'BOOL'
        ? 'a boolean'
        : type.oip.startsWith('FP')
          ? 'a number'
          : `an integer in the ${type.oip} range`;
  return invalid('ERR_INVALID_INPUT', `element ${i} of ${what}`, kind, describe(v));
}

/** Storage for `count` elements of a JSON-carried datatype (strings: an array). */
export function jsonStorage(type: DatatypeInfo, count: number): TensorData {
  switch (type.tensorType) {
    case 'string':
      return new Array<string>(count);
    case 'bool':
      return allocate(Uint8Array, count);
    case 'float16':
      return allocate(Uint16Array, count);
    default:
      return allocate(elementTypeByName(type.tensorType)!.array! as typeof Float32Array, count) as TensorData;
  }
}

/**
 * Checks and writes JSON `values` into `out` from element `offset` on. Element errors name the
 * element's index in the whole tensor.
 */
export function writeJson(type: DatatypeInfo, out: TensorData, offset: number, values: readonly unknown[], what: string): void {
  const n = values.length;
  switch (type.tensorType) {
    case 'string': {
      const o = out as string[];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'string') throw badElement(type, what, offset + i, v);
        o[offset + i] = v;
      }
      return;
    }
    case 'bool': {
      const o = out as Uint8Array;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'boolean') throw badElement(type, what, offset + i, v);
        o[offset + i] = v ? 1 : 0;
      }
      return;
    }
    case 'float32':
    case 'float64': {
      const o = out as Float32Array;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') throw badElement(type, what, offset + i, v);
        o[offset + i] = v;
      }
      return;
    }
    case 'float16': {
      const o = out as Uint16Array;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number') throw badElement(type, what, offset + i, v);
        o[offset + i] = toFloat16Bits(v);
      }
      return;
    }
    case 'int64':
    case 'uint64': {
      const [lo, hi] = INT_RANGES[type.tensorType]!;
      const o = out as BigInt64Array;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw badElement(type, what, offset + i, v);
        o[offset + i] = BigInt(v);
      }
      return;
    }
    default: {
      const [lo, hi] = INT_RANGES[type.tensorType]!;
      const o = out as Int32Array;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw badElement(type, what, offset + i, v);
        o[offset + i] = v;
      }
    }
  }
}

/** A tensor over (or copied from, when misaligned) binary tensor data. */
export function tensorFromBinary(type: DatatypeInfo, bytes: Uint8Array, dims: number[], what: string): Tensor {
  let count = 1;
  for (const d of dims) count *= d;
  if (type.oip === 'BYTES') {
    const strings: string[] = [];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let p = 0;
    const decoder = new TextDecoder();
    while (p < bytes.byteLength) {
      if (p + 4 > bytes.byteLength)
        throw invalid(
          'ERR_INVALID_INPUT',
          `the binary data of ${what}`,
          'a 4-byte length before each element',
          `${bytes.byteLength - p} trailing bytes`,
        );
      const len = view.getUint32(p, true);
      p += 4;
      if (p + len > bytes.byteLength)
        throw invalid('ERR_INVALID_INPUT', `element ${strings.length} of ${what}`, `${len} bytes`, `${bytes.byteLength - p}`);
      strings.push(decoder.decode(bytes.subarray(p, p + len)));
      p += len;
    }
    if (strings.length !== count)
      throw invalid(
        'ERR_INVALID_INPUT',
        `the binary data of ${what}`,
        `${count} elements (shape [${dims.join(',')}])`,
        `${strings.length}`,
      );
    return new Tensor('string', strings, dims);
  }
  const expected = count * type.bytes;
  if (bytes.byteLength !== expected)
    throw invalid(
      'ERR_INVALID_INPUT',
      `the binary data of ${what}`,
      `${expected} bytes (${count} ${type.oip} elements)`,
      `${bytes.byteLength} bytes`,
    );
  const info = elementTypeByName(type.tensorType)!;
  const Ctor = info.array!;
  let data: TensorData;
  if (bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0) data = new Ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, count) as TensorData;
  else {
    // Misaligned for the element type: copy (into a fresh buffer; Buffer#slice would be a view).
    const copy = new Uint8Array(bytes.byteLength);
    copy.set(bytes);
    data = new Ctor(copy.buffer, 0, count) as TensorData;
  }
  return new Tensor(type.tensorType, data, dims);
}

/** JSON values of an output tensor (flat). 64-bit integers become numbers (exact up to 2^53; use binary for more). */
export function tensorToJson(t: Tensor): unknown[] {
  const data = t.data;
  switch (t.type) {
    case 'string':
      return data as string[];
    case 'bool':
      return Array.from(data as Uint8Array, (v) => v !== 0);
    case 'float16':
      // The bit patterns (`data` is a Float16Array where the runtime has one).
      return Array.from(tensorData(t) as Uint16Array, fromFloat16Bits);
    case 'int64':
    case 'uint64': {
      const d = data as BigInt64Array;
      const out = new Array<number>(d.length);
      for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
      return out;
    }
    default: {
      // A plain loop: Array.from on a typed array goes through its iterator.
      const d = data as Float32Array;
      const out = new Array<number>(d.length);
      for (let i = 0; i < d.length; i++) out[i] = d[i]!;
      return out;
    }
  }
}

/** JSON values of an output tensor as `rows` arrays of equal length (row-major). */
export function jsonRows(t: Tensor, rows: number): unknown[][] {
  const per = rows === 0 ? 0 : t.size / rows;
  const out = new Array<unknown[]>(rows);
  switch (t.type) {
    case 'float32':
    case 'float64':
    case 'int8':
    case 'uint8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32': {
      // Plain numbers: straight from the typed array, no flat intermediate.
      const data = t.data as Float32Array;
      for (let r = 0, k = 0; r < rows; r++) {
        const row = new Array<number>(per);
        for (let i = 0; i < per; i++, k++) row[i] = data[k]!;
        out[r] = row;
      }
      return out;
    }
    default: {
      const values = tensorToJson(t);
      for (let r = 0; r < rows; r++) out[r] = values.slice(r * per, (r + 1) * per);
      return out;
    }
  }
}

/** Binary tensor data of an output tensor. */
export function tensorToBinary(t: Tensor): Uint8Array {
  if (t.type === 'string') {
    const encoder = new TextEncoder();
    const parts = (t.data as string[]).map((s) => encoder.encode(s));
    const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
    const view = new DataView(out.buffer);
    let p = 0;
    for (const part of parts) {
      view.setUint32(p, part.byteLength, true);
      out.set(part, p + 4);
      p += 4 + part.byteLength;
    }
    return out;
  }
  const data = t.data as Uint8Array;
  return new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
}

/** The OIP datatype of a model value; throws when the protocol has no name for it. */
export function datatypeOf(meta: ValueMetadata, what: string): DatatypeInfo {
  const type = meta.isTensor ? datatypeOfTensorType(meta.type) : undefined;
  if (!type) {
    throw new OrtexError(
      'ERR_INVALID_INPUT',
      `${what} is a ${meta.isTensor ? oipName(meta.type) : meta.kind} value, which the Open Inference Protocol cannot carry`,
    );
  }
  return type;
}
