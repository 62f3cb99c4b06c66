/**
 * Validation of feeds against the model, and the flat encoding the addon reads
 * ([code, payload, dims] triples; see native/values.h). One message template for every failure.
 */
import { elementTypeByCode, elementTypeByName, type TensorData, type TensorType } from './element-types.js';
import { describe, invalid, OrtexError } from '../base/errors.js';
import { isTensor, Tensor, tensorCode, tensorData, tensorDevice, tensorDims, tensorType } from './tensor.js';
import type { Encoded, NativeDeviceTensor } from '../native/binding.js';
import { formatType, type TypeMetadata } from './value-metadata.js';

export type OnnxValue = Tensor | OnnxValue[] | Map<string | number | bigint, unknown> | null;

const CODE_SEQUENCE = 100,
  CODE_MAP = 101,
  CODE_NONE = 102,
  CODE_DEVICE = 103;

function fmtDims(dims: readonly unknown[]): string {
  return `[${dims.map((d) => (d === '' ? '?' : d)).join(',')}]`;
}

/** Accepts ortex Tensors and, for drop-in use, onnxruntime-common tensors ({ type, data, dims }). */
export function asTensor(v: unknown, what: string, expected: string): Tensor {
  if (isTensor(v)) return v;
  // Tensor.prototype without a Tensor's state (Object.create): its getters would throw.
  if (v instanceof Tensor) throw invalid('ERR_INVALID_INPUT', what, expected, describe(v), 'type');
  const o = v as { type?: unknown; data?: unknown; dims?: unknown } | null;
  if (
    o &&
    typeof o === 'object' &&
    typeof o.type === 'string' &&
    Array.isArray(o.dims) &&
    o.data !== undefined &&
    elementTypeByName(o.type)
  ) {
    return new Tensor(o.type as TensorType, o.data as TensorData, o.dims as number[]);
  }
  throw invalid('ERR_INVALID_INPUT', what, expected, describe(v), 'type');
}

export function checkTensor(t: Tensor, spec: Extract<TypeMetadata, { kind: 'tensor' }>, what: string): void {
  const type = tensorType(t);
  if (type !== spec.type) {
    throw invalid('ERR_INVALID_INPUT', what, `a ${spec.type} tensor`, `a ${type} tensor`);
  }
  const shape = spec.shape;
  const dims = tensorDims(t);
  // ORT reports no shape as rank 0: a scalar and "unknown" look alike, so ORT checks those.
  if (shape.length === 0) return;
  if (shape.length !== dims.length) {
    throw invalid('ERR_INVALID_INPUT', what, `rank ${shape.length} ${fmtDims(shape)}`, `rank ${dims.length} ${fmtDims(dims)}`);
  }
  for (let i = 0; i < shape.length; i++) {
    const s = shape[i];
    if (typeof s === 'number' && s !== dims[i]) {
      throw invalid(
        'ERR_INVALID_INPUT',
        what,
        `dims ${fmtDims(shape)}`,
        `${fmtDims(dims)} (dimension ${i} is ${dims[i]}, the model requires ${s})`,
      );
    }
  }
}

/** The error for a disposed tensor given as a feed or a fetch. */
export function disposedError(what: string): OrtexError {
  return invalid('ERR_INVALID_ARGUMENT', what, 'a tensor that is not disposed', 'a disposed tensor', 'value');
}

/**
 * A copy of a string tensor's elements, each checked to be a string. Reading the caller's array
 * runs whatever getters it has, here and not inside the native call.
 */
export function snapshotStrings(data: readonly unknown[], what: string): string[] {
  const n = data.length;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const s = data[i];
    if (typeof s !== 'string') throw invalid('ERR_INVALID_INPUT', `data[${i}] of ${what}`, 'a string', describe(s), 'type');
    out[i] = s;
  }
  return out;
}

/**
 * The data ORT reads for `t`: its own, or a snapshot of a string tensor's elements. The addon
 * copies what it must (shared buffers; V8 memory of runs that leave the JS thread).
 */
export function payloadOf(t: Tensor, what = 'a tensor'): TensorData {
  const data = tensorData(t);
  if (data === undefined) throw disposedError(what);
  if (Array.isArray(data)) return snapshotStrings(data, what);
  return data;
}

function pushTensor(out: Encoded, t: Tensor, what: string): void {
  const device = tensorDevice(t);
  if (device !== undefined) {
    out.push(CODE_DEVICE, [tensorCode(t), device], tensorDims(t));
    return;
  }
  out.push(tensorCode(t), payloadOf(t, what), tensorDims(t));
}

function tensorOfKeys(keys: unknown[], type: TensorType, what: string): Tensor {
  const info = elementTypeByName(type)!;
  try {
    if (info.array === BigInt64Array) return new Tensor(type, keys.map((k) => BigInt(k as number)) as unknown as bigint[], [keys.length]);
    return new Tensor(type, keys as string[], [keys.length]);
  } catch (e) {
    throw invalid('ERR_INVALID_INPUT', what, `${type} values`, (e as Error).message);
  }
}

/** Validates `v` against `spec` and appends its encoding to `out`. */
export function encodeValue(v: unknown, spec: TypeMetadata, what: string, out: Encoded): void {
  switch (spec.kind) {
    case 'tensor': {
      const t = asTensor(v, what, `a ${spec.type} tensor`);
      checkTensor(t, spec, what);
      pushTensor(out, t, what);
      return;
    }
    case 'optional':
      // null (no value) is handled by the caller: the input is simply not fed.
      encodeValue(v, spec.element, what, out);
      return;
    case 'sequence': {
      if (!Array.isArray(v)) throw invalid('ERR_INVALID_INPUT', what, `an array (${formatType(spec)})`, describe(v), 'type');
      const items: Encoded = [];
      for (let i = 0; i < v.length; i++) encodeValue(v[i], spec.element, `${what}[${i}]`, items);
      // The element type lets the addon build an empty sequence (ORT's C API cannot).
      const elementCode = spec.element.kind === 'tensor' ? (elementTypeByName(spec.element.type)?.code ?? 0) : 0;
      out.push(CODE_SEQUENCE, items, elementCode);
      return;
    }
    case 'map': {
      if (!(v instanceof Map)) throw invalid('ERR_INVALID_INPUT', what, `a Map (${formatType(spec)})`, describe(v), 'type');
      if (spec.value.kind !== 'tensor') throw invalid('ERR_INVALID_INPUT', what, 'a map of tensor values', formatType(spec));
      const keys = tensorOfKeys([...v.keys()], spec.keyType, `keys of ${what}`);
      const values = tensorOfKeys([...v.values()], spec.value.type, `values of ${what}`);
      const items: Encoded = [];
      pushTensor(items, keys, `keys of ${what}`);
      pushTensor(items, values, `values of ${what}`);
      out.push(CODE_MAP, items, null);
      return;
    }
    default:
      throw invalid('ERR_INVALID_INPUT', what, 'a tensor, sequence, map or optional input', `a model input of ${formatType(spec)}`);
  }
}

function mapKey(data: TensorData, i: number): string | number | bigint {
  return (data as unknown as ArrayLike<string | number | bigint>)[i]!;
}

/** Whether output data is ORT memory behind an external buffer (see copyOutputsBelowBytes). */
export function isExternal(data: TensorData, copyBelowBytes: number): boolean {
  if (Array.isArray(data)) return false;
  const n = (data as Uint8Array).byteLength;
  return n > 0 && n >= copyBelowBytes;
}

/** Decodes the triple at `at` of the addon's result. `fetched` supplies caller-provided outputs. */
export function decodeValue(encoded: Encoded, at: number, fetched: Tensor | undefined, copyBelowBytes: number): OnnxValue {
  const code = encoded[at] as number;
  if (code === 0) return fetched ?? null;
  if (code === CODE_NONE) return null;
  if (code === CODE_SEQUENCE) {
    const items = encoded[at + 1] as Encoded;
    const out: OnnxValue[] = new Array(items.length / 3);
    for (let i = 0; i < out.length; i++) out[i] = decodeValue(items, i * 3, undefined, copyBelowBytes);
    return out;
  }
  if (code === CODE_MAP) {
    const items = encoded[at + 1] as Encoded;
    const keys = decodeValue(items, 0, undefined, copyBelowBytes) as Tensor;
    const values = decodeValue(items, 3, undefined, copyBelowBytes) as Tensor;
    const map = new Map<string | number | bigint, unknown>();
    const kd = keys.data,
      vd = values.data;
    for (let i = 0; i < keys.size; i++) map.set(mapKey(kd, i), mapKey(vd, i));
    return map;
  }
  if (code === CODE_DEVICE) {
    const [type, handle] = encoded[at + 1] as [number, NativeDeviceTensor];
    return Tensor.fromDevice(elementTypeByCode(type)!, handle, encoded[at + 2] as number[]);
  }
  const info = elementTypeByCode(code);
  if (!info) throw new OrtexError('ERR_RUNTIME', `the model produced a value of unknown kind ${code}`);
  const data = encoded[at + 1] as TensorData;
  return Tensor.fromNative(info, data, encoded[at + 2] as number[], isExternal(data, copyBelowBytes));
}
