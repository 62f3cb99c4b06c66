import { describe, invalid } from '../base/errors.js';

export const MAX_RANK = 64;

/**
 * Validates dims (non-negative safe integers, rank ≤ 64, product a safe integer) and copies them.
 * As in onnxruntime-common, a dimension that is not an integer is a TypeError, a negative one (or
 * too many, or too large a product) a RangeError.
 */
export function checkDims(
  dims: unknown,
  what: string,
  code: 'ERR_INVALID_ARGUMENT' | 'ERR_INVALID_INPUT' = 'ERR_INVALID_ARGUMENT',
): number[] {
  if (!Array.isArray(dims)) throw invalid(code, what, 'an array of non-negative integers', describe(dims), 'type');
  if (dims.length > MAX_RANK) throw invalid(code, what, `at most ${MAX_RANK} dimensions`, `${dims.length}`, 'range');
  const out = new Array<number>(dims.length);
  let count = 1;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i];
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      const kind = typeof d === 'number' && Number.isInteger(d) ? 'range' : 'type';
      throw invalid(code, `${what}[${i}]`, 'a non-negative integer', describe(d), kind);
    }
    count *= d;
    if (!Number.isSafeInteger(count)) throw invalid(code, what, 'an element count below 2^53', `dims [${dims.join(',')}]`, 'range');
    out[i] = d;
  }
  return out;
}
