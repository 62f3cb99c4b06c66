/**
 * The one validation module: small checkers shared by every option parser in lib/ (session,
 * provider, run, batcher, pool and init options) and, next, by the server's request decoding.
 * One meaning per name, one message template ("expected X for Y, received Z", see `invalid()`).
 *
 * Each checker takes the value, `what` (how the message names it, e.g. 'Batcher option
 * maxBatchSize') and, last, the error code (ERR_INVALID_ARGUMENT unless it validates input data:
 * ERR_INVALID_INPUT). It returns the value it accepted, narrowed, or throws an ortex error of the
 * class onnxruntime-common throws for the same mistake: a TypeError for a value of the wrong type
 * or form (an unknown key, a string that is not one of the choices included), a RangeError for a
 * number outside its range (1.5 or -1 where a count belongs). None accepts `undefined`: callers
 * test for an absent option first and apply their default.
 *
 * The names, once:
 * - `object`: a non-null object that is not an array (`isPlainObject` is the predicate).
 * - `knownKeys`: every own enumerable key of an object is one of a list.
 * - `boolean`: true or false, nothing truthy.
 * - `string` accepts any string, '' included; `nonEmptyString` is the variant that forbids ''.
 * - `integer(v, what, min, max)`: a safe integer in [min, max].
 * - `nonNegativeNumber`: a finite number ≥ 0.
 * - `nonNegativeMs(v, what, max)`: milliseconds ≥ 0; with a finite `max` the value must be finite
 *   and at most `max` (a delay), without one `Infinity` is accepted and means "none" (a timeout).
 * - `oneOf(v, what, values)`: one of a list of strings.
 * - `abortSignal`: an AbortSignal.
 */
import { describe, invalid, type InvalidCode, type OrtexError } from './errors.js';

export type { InvalidCode };

/** A number of the wrong value is out of range (RangeError); anything else is of the wrong type (TypeError). */
const numberKind = (v: unknown) => (typeof v === 'number' ? 'range' : 'type');

/** The longest delay Node's timers honour (2^31 − 1 ms, about 24.8 days); longer ones fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** True for a non-null object that is not an array. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function object(v: unknown, what: string, code: InvalidCode = 'ERR_INVALID_ARGUMENT'): Record<string, unknown> {
  if (!isPlainObject(v)) throw invalid(code, what, 'an object', describe(v), 'type');
  return v;
}

/**
 * Checks that every own enumerable key of `o` is in `keys` (inherited keys are never read by
 * ortex, so they are not checked either).
 */
export function knownKeys(
  o: Record<string, unknown>,
  what: string,
  keys: readonly string[] | ReadonlySet<string>,
  code: InvalidCode = 'ERR_INVALID_ARGUMENT',
): void {
  const has = Array.isArray(keys) ? (k: string) => keys.includes(k) : (k: string) => (keys as ReadonlySet<string>).has(k);
  for (const k of Object.keys(o)) {
    if (!has(k)) throw unknownKey(what, keys, k, code);
  }
}

/** The error for an unknown key `key` of `what` (for parsers that sort keys themselves). */
export function unknownKey(
  what: string,
  keys: readonly string[] | ReadonlySet<string>,
  key: string,
  code: InvalidCode = 'ERR_INVALID_ARGUMENT',
): OrtexError {
  return invalid(code, what, `only known keys (${[...keys].join(', ')})`, `unknown key "${key}"`, 'type');
}

export function boolean(v: unknown, what: string, code: InvalidCode = 'ERR_INVALID_ARGUMENT'): boolean {
  if (typeof v !== 'boolean') throw invalid(code, what, 'a boolean', describe(v), 'type');
  return v;
}

/** Any string, the empty one included (see {@link nonEmptyString}). */
export function string(v: unknown, what: string, code: InvalidCode = 'ERR_INVALID_ARGUMENT'): string {
  if (typeof v !== 'string') throw invalid(code, what, 'a string', describe(v), 'type');
  return v;
}

export function nonEmptyString(v: unknown, what: string, code: InvalidCode = 'ERR_INVALID_ARGUMENT'): string {
  if (typeof v !== 'string' || v === '') throw invalid(code, what, 'a non-empty string', describe(v), 'type');
  return v;
}

/** How an integer range reads in a message: "a non-negative integer", "a positive integer" or "an integer from a to b". */
export function integerRange(min: number, max: number): string {
  if (max >= Number.MAX_SAFE_INTEGER) {
    if (min === 0) return 'a non-negative integer';
    if (min === 1) return 'a positive integer';
  }
  return `an integer from ${min} to ${max}`;
}

/** A safe integer in [min, max] (max defaults to Number.MAX_SAFE_INTEGER). */
export function integer(
  v: unknown,
  what: string,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
  code: InvalidCode = 'ERR_INVALID_ARGUMENT',
): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    throw invalid(code, what, integerRange(min, max), describe(v), numberKind(v));
  return v;
}

/** A finite number ≥ 0. */
export function nonNegativeNumber(v: unknown, what: string, code: InvalidCode = 'ERR_INVALID_ARGUMENT'): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw invalid(code, what, 'a non-negative number', describe(v), numberKind(v));
  return v;
}

/**
 * Milliseconds ≥ 0. With a finite `max`, a finite value up to `max` (a delay that must end);
 * without, any value ≥ 0, `Infinity` meaning "none" (a timeout that may never fire).
 */
export function nonNegativeMs(v: unknown, what: string, max = Infinity, code: InvalidCode = 'ERR_INVALID_ARGUMENT'): number {
  if (max === Infinity) {
    if (typeof v !== 'number' || !(v >= 0)) throw invalid(code, what, 'a non-negative number of milliseconds', describe(v), numberKind(v));
  } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) {
    throw invalid(code, what, `a number of milliseconds from 0 to ${max}`, describe(v), numberKind(v));
  }
  return v;
}

/** How a list of allowed strings reads: "'a' or 'b'", or "one of 'a', 'b', 'c'". */
export function choices(values: readonly string[]): string {
  const quoted = values.map((v) => `'${v}'`);
  if (quoted.length === 1) return quoted[0]!;
  if (quoted.length === 2) return `${quoted[0]} or ${quoted[1]}`;
  return `one of ${quoted.join(', ')}`;
}

export function oneOf<T extends string>(v: unknown, what: string, values: readonly T[], code: InvalidCode = 'ERR_INVALID_ARGUMENT'): T {
  if (typeof v !== 'string' || !values.includes(v as T)) throw invalid(code, what, choices(values), describe(v), 'type');
  return v as T;
}

export function abortSignal(v: unknown, what: string, code: InvalidCode = 'ERR_INVALID_ARGUMENT'): AbortSignal {
  if (!(v instanceof AbortSignal)) throw invalid(code, what, 'an AbortSignal', describe(v), 'type');
  return v;
}
