/**
 * JSON text of numeric tensor data, written directly instead of through JSON.stringify. For the
 * small answers a server mostly sends (an Iris row's three probabilities), JSON.stringify's fixed
 * cost — building the JS arrays, then walking objects and holey arrays, looking up `toJSON` on
 * each — is several times the numbers' own formatting: the /predict answer took ~0.6 µs through
 * JSON.stringify and ~0.1 µs written here (Node 20). The text is the same, character for
 * character: a finite number is written as `String(n)` (what JSON.stringify writes), anything
 * else as `null`. Large arrays go through JSON.stringify (one `+=` per element builds a rope that
 * costs more to flatten than it saves).
 */
import type { Tensor } from '../tensor/tensor.js';

/** Element types whose JSON values are the data's numbers as they are (int64 ones via Number()). */
const NUMERIC = new Set(['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']);

/** Above this many elements an array is written by JSON.stringify. */
const DIRECT_MAX = 1024;

/** Numeric data as JSON values: a typed array of numbers, or 64-bit integers (BigInt) read through Number(). */
export type NumericData = ArrayLike<number> | ArrayLike<bigint>;

/** The tensor's data when its JSON values are plain numbers (see {@link NUMERIC}), else undefined. */
export function numericData(t: Tensor): NumericData | undefined {
  return NUMERIC.has(t.type) ? (t.data as NumericData) : undefined;
}

/** `v` as JSON.stringify writes a number (`Number(v)` for a BigInt element). */
export function numberJson(v: number | bigint): string {
  const n = Number(v);
  return Number.isFinite(n) ? String(n) : 'null';
}

/** `[v, ...]` for elements `start` to `end` (exclusive) of `data`, the text JSON.stringify writes for them. */
export function numbersJson(data: NumericData, start: number, end: number): string {
  if (end - start > DIRECT_MAX) {
    const values = new Array<number | null>(end - start);
    for (let i = start; i < end; i++) values[i - start] = Number(data[i]!);
    return JSON.stringify(values);
  }
  let text = '[';
  for (let i = start; i < end; i++) {
    if (i > start) text += ',';
    text += numberJson(data[i]!);
  }
  return `${text}]`;
}
