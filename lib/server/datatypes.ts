/**
 * The Open Inference Protocol's datatypes, one table: each OIP name, the ortex tensor type it
 * maps to, its Triton model-config name, and its size in the binary tensor extension. Every
 * codec, metadata answer and config answer derives from it.
 */
import type { TensorType } from '../tensor/element-types.js';

export type OipDatatype =
  | 'BOOL'
  | 'UINT8'
  | 'UINT16'
  | 'UINT32'
  | 'UINT64'
  | 'INT8'
  | 'INT16'
  | 'INT32'
  | 'INT64'
  | 'FP16'
  | 'FP32'
  | 'FP64'
  | 'BYTES'
  | 'BF16';

export interface DatatypeInfo {
  readonly oip: OipDatatype;
  readonly tensorType: TensorType;
  /** Triton model configuration `data_type`. */
  readonly triton: string;
  /** Bytes per element in binary tensor data; 0 for BYTES (length-prefixed elements). */
  readonly bytes: number;
  /** Carried in JSON `data` (BF16 is binary only: JSON has no exact bfloat16 notation clients agree on). */
  readonly json: boolean;
}

const TABLE: DatatypeInfo[] = [
  { oip: 'BOOL', tensorType: 'bool', triton: 'TYPE_BOOL', bytes: 1, json: true },
  { oip: 'UINT8', tensorType: 'uint8', triton: 'TYPE_UINT8', bytes: 1, json: true },
  { oip: 'UINT16', tensorType: 'uint16', triton: 'TYPE_UINT16', bytes: 2, json: true },
  { oip: 'UINT32', tensorType: 'uint32', triton: 'TYPE_UINT32', bytes: 4, json: true },
  { oip: 'UINT64', tensorType: 'uint64', triton: 'TYPE_UINT64', bytes: 8, json: true },
  { oip: 'INT8', tensorType: 'int8', triton: 'TYPE_INT8', bytes: 1, json: true },
  { oip: 'INT16', tensorType: 'int16', triton: 'TYPE_INT16', bytes: 2, json: true },
  { oip: 'INT32', tensorType: 'int32', triton: 'TYPE_INT32', bytes: 4, json: true },
  { oip: 'INT64', tensorType: 'int64', triton: 'TYPE_INT64', bytes: 8, json: true },
  { oip: 'FP16', tensorType: 'float16', triton: 'TYPE_FP16', bytes: 2, json: true },
  { oip: 'FP32', tensorType: 'float32', triton: 'TYPE_FP32', bytes: 4, json: true },
  { oip: 'FP64', tensorType: 'float64', triton: 'TYPE_FP64', bytes: 8, json: true },
  { oip: 'BYTES', tensorType: 'string', triton: 'TYPE_STRING', bytes: 0, json: true },
  { oip: 'BF16', tensorType: 'bfloat16', triton: 'TYPE_BF16', bytes: 2, json: false },
];

const BY_OIP = new Map<string, DatatypeInfo>(TABLE.map((t) => [t.oip, t]));
const BY_TENSOR = new Map<string, DatatypeInfo>(TABLE.map((t) => [t.tensorType, t]));

export const OIP_DATATYPES: readonly OipDatatype[] = TABLE.map((t) => t.oip);

export function datatypeByName(name: string): DatatypeInfo | undefined {
  return BY_OIP.get(name);
}

export function datatypeOfTensorType(type: string): DatatypeInfo | undefined {
  return BY_TENSOR.get(type);
}

/**
 * The OIP name for a model's element type. Types outside the protocol (int4, float8...) are
 * advertised by their ortex name in upper case; requests cannot carry them.
 */
export function oipName(type: string): string {
  return BY_TENSOR.get(type)?.oip ?? type.toUpperCase();
}

// --- IEEE half precision <-> number (JSON carries FP16 as numbers) -----------------------------

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float16 bit pattern nearest to `value` (round to nearest even). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf, NaN
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow
  if (e <= 0) {
    if (e < -10) return sign; // underflow to ±0
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // may carry into the exponent: still correct
  e = half;
  return sign | e;
}

/** The number a float16 bit pattern holds. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
