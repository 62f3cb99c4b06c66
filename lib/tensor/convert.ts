/**
 * Tensor data from JS arrays: every element converted exactly or rejected with a coded error,
 * never stored as another value.
 *
 * - Integers (int8..int64, uint8..uint64): each element must be an integer within the type's
 *   range (a number, or a bigint for the 64-bit types); 1.9, 300 for uint8 or 2**40 for int32 are
 *   refused instead of being truncated or wrapped.
 * - Floating point (float32, float16, bfloat16): numbers round to the nearest representable value
 *   (ties to even), as `Float32Array.from` and onnxruntime-common's `Float16Array` path do; a finite
 *   number beyond the type's largest finite value (it would become Infinity) is refused. float16 and
 *   bfloat16 are stored as their bit patterns in a Uint16Array, float64 takes any number.
 * - bool: `true`/`false`, or the numbers 0 and 1.
 * - 4-bit and float8 types take only their packed Uint8Array (there is no exact JS number form to
 *   convert from, and onnxruntime-common refuses number arrays for them as well).
 */
import { describe, invalid } from '../base/errors.js';
import { integerRange } from '../base/validate.js';
import type { ElementTypeInfo, TensorData } from './element-types.js';

/** Integer ranges of the integer element types. */
export const INT_RANGE: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
};
const BIG_RANGE: Record<string, [bigint, bigint]> = {
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
};

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * The bit pattern of `v` as a binary float with `e` exponent and `m` mantissa bits (IEEE layout,
 * round to nearest, ties to even, straight from the double: no double rounding through float32),
 * or undefined when a finite `v` is beyond the largest finite value.
 */
export function toMinifloatBits(v: number, e: number, m: number): number | undefined {
  const bias = (1 << (e - 1)) - 1;
  const expMask = (1 << e) - 1;
  const sign = v < 0 || Object.is(v, -0) ? 1 << (e + m) : 0;
  if (Number.isNaN(v)) return (expMask << m) | (1 << (m - 1));
  const a = Math.abs(v);
  if (a === Infinity) return sign | (expMask << m);
  const minNormal = 2 ** (1 - bias);
  if (a < minNormal) {
    // Subnormal (or zero): a multiple of 2^(1 - bias - m). Rounding up to 2^m gives the smallest normal's bits.
    return sign | roundHalfEven(a * 2 ** (m - (1 - bias)));
  }
  let exp = Math.floor(Math.log2(a));
  if (2 ** exp > a) exp--;
  else if (2 ** (exp + 1) <= a) exp++;
  let frac = roundHalfEven((a / 2 ** exp - 1) * 2 ** m);
  if (frac === 2 ** m) {
    frac = 0;
    exp++;
  }
  if (exp > bias) return undefined;
  return sign | ((exp + bias) << m) | frac;
}

/** Largest finite values, for messages. */
const FLOAT_MAX: Record<string, string> = { float32: '±3.4028234663852886e38', float16: '±65504', bfloat16: '±3.3895313892515355e38' };

function element(info: ElementTypeInfo, i: number): string {
  return `data[${i}] of a ${info.name} tensor`;
}

function outOfRange(info: ElementTypeInfo, i: number, v: unknown): never {
  throw invalid(
    'ERR_INVALID_ARGUMENT',
    element(info, i),
    `a number within ${info.name}'s range (${FLOAT_MAX[info.name]})`,
    describe(v),
    'range',
  );
}

/** A number (or bigint) that does not convert is out of range (RangeError); any other value is of the wrong type (TypeError). */
function notNumber(info: ElementTypeInfo, i: number, v: unknown, expected: string): never {
  const kind = typeof v === 'number' || typeof v === 'bigint' ? 'range' : 'type';
  throw invalid('ERR_INVALID_ARGUMENT', element(info, i), expected, describe(v), kind);
}

/** Converts one element (`i` is its index, for messages) or throws. */
type Convert = (v: unknown, i: number) => number | bigint;

function number(info: ElementTypeInfo, v: unknown, i: number): number {
  if (typeof v !== 'number') notNumber(info, i, v, 'a number');
  return v;
}

/** The element converter of `info`, or undefined for types that take packed bytes only. */
function converter(info: ElementTypeInfo): Convert | undefined {
  const name = info.name;
  switch (name) {
    case 'float64':
      return (v, i) => number(info, v, i);
    case 'float32':
      return (v, i) => {
        const f = Math.fround(number(info, v, i));
        if ((f === Infinity || f === -Infinity) && Number.isFinite(v)) outOfRange(info, i, v);
        return f;
      };
    case 'float16':
    case 'bfloat16': {
      const [e, m] = name === 'float16' ? [5, 10] : [8, 7];
      return (v, i) => {
        const bits = toMinifloatBits(number(info, v, i), e, m);
        if (bits === undefined) outOfRange(info, i, v);
        return bits;
      };
    }
    case 'bool':
      return (v, i) => {
        if (v === true || v === 1) return 1;
        if (v !== false && v !== 0) notNumber(info, i, v, 'a boolean (or 0 or 1)');
        return 0;
      };
    case 'int64':
    case 'uint64': {
      const [lo, hi] = BIG_RANGE[name]!;
      return (v, i) => {
        const b = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined;
        if (b === undefined || b < lo || b > hi) notNumber(info, i, v, `an integer from ${lo} to ${hi} (a bigint or a number)`);
        return b;
      };
    }
    default: {
      const range = INT_RANGE[name];
      if (range === undefined) return undefined;
      const [lo, hi] = range;
      return (v, i) => {
        if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) notNumber(info, i, v, integerRange(lo, hi));
        return v;
      };
    }
  }
}

/**
 * Converts an array of JS values into `info`'s storage, or returns undefined when this type does
 * not convert from arrays (4-bit and float8: packed bytes only; the caller reports the accepted
 * forms). Throws ERR_INVALID_ARGUMENT naming the first element that does not convert exactly.
 */
export function fromArray(info: ElementTypeInfo, data: readonly unknown[]): TensorData | undefined {
  const convert = converter(info);
  if (convert === undefined) return undefined;
  const n = data.length;
  const out = new info.array!(n) as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < n; i++) out[i] = convert(data[i], i);
  return out as unknown as TensorData;
}
