/**
 * One error family. Every error ortex throws carries a stable string `code` and passes
 * `isOrtexError()`; errors that ONNX Runtime reported also carry ORT's own code (`ortCode`,
 * `ortCodeName`).
 *
 * Validation errors are instances of the built-in class onnxruntime-common throws for the same
 * mistake, the way Node's own `ERR_INVALID_ARG_TYPE` is a `TypeError` with a `code`:
 *
 * - a `TypeError` for a value of the wrong type or form (a string where an object belongs, an
 *   unknown option key or enum name, a TypedArray of the wrong class);
 * - a `RangeError` for a value of the right type outside its range (a negative dimension, a
 *   thread count of 1.5, an output name the model does not have);
 * - an `OrtexError` (an `Error`) for everything else: data that does not fit the model (a missing
 *   input, a wrong shape), load and run failures, released sessions.
 *
 * The first two are `OrtexTypeError` / `OrtexRangeError` (named 'TypeError' / 'RangeError', so
 * code that branches on `e.name` or `instanceof TypeError` keeps working), and `instanceof
 * OrtexError` holds for them too (`OrtexError[Symbol.hasInstance]`).
 */

import { NATIVE_ERROR_CODES, type OrtexErrorCode } from './error-codes.js';

export type { OrtexErrorCode };

export interface OrtexErrorOptions {
  cause?: unknown;
  ortCode?: number;
  ortCodeName?: string;
  details?: Record<string, unknown>;
}

/** Marks every ortex error, across copies of ortex loaded in one process (a registered symbol). */
const BRAND = Symbol.for('ortex.error');

/** The fields every ortex error carries, whatever its built-in class. */
export interface OrtexErrorFields {
  readonly code: OrtexErrorCode;
  readonly ortCode?: number;
  readonly ortCodeName?: string;
  readonly details?: Record<string, unknown>;
}

function setFields(
  e: Error & { -readonly [K in keyof OrtexErrorFields]?: OrtexErrorFields[K] },
  code: OrtexErrorCode,
  options: OrtexErrorOptions,
) {
  e.code = code;
  if (options.ortCode !== undefined) e.ortCode = options.ortCode;
  if (options.ortCodeName !== undefined) e.ortCodeName = options.ortCodeName;
  if (options.details !== undefined) e.details = options.details;
}

const causeOf = (options: OrtexErrorOptions) => (options.cause === undefined ? undefined : { cause: options.cause });
const ordinaryInstanceOf = Function.prototype[Symbol.hasInstance];

export class OrtexError extends Error implements OrtexErrorFields {
  declare readonly code: OrtexErrorCode;
  declare readonly ortCode?: number;
  declare readonly ortCodeName?: string;
  declare readonly details?: Record<string, unknown>;

  constructor(code: OrtexErrorCode, message: string, options: OrtexErrorOptions = {}) {
    super(message, causeOf(options));
    Object.defineProperty(this, 'name', { value: 'OrtexError', enumerable: false, configurable: true, writable: true });
    setFields(this, code, options);
  }
}

/** A validation error where onnxruntime-common throws a TypeError: a value of the wrong type or form. */
export class OrtexTypeError extends TypeError implements OrtexErrorFields {
  declare readonly code: OrtexErrorCode;
  declare readonly ortCode?: number;
  declare readonly ortCodeName?: string;
  declare readonly details?: Record<string, unknown>;

  constructor(code: OrtexErrorCode, message: string, options: OrtexErrorOptions = {}) {
    super(message, causeOf(options));
    setFields(this, code, options);
  }
}

/** A validation error where onnxruntime-common throws a RangeError: a value outside its range. */
export class OrtexRangeError extends RangeError implements OrtexErrorFields {
  declare readonly code: OrtexErrorCode;
  declare readonly ortCode?: number;
  declare readonly ortCodeName?: string;
  declare readonly details?: Record<string, unknown>;

  constructor(code: OrtexErrorCode, message: string, options: OrtexErrorOptions = {}) {
    super(message, causeOf(options));
    setFields(this, code, options);
  }
}

for (const c of [OrtexError, OrtexTypeError, OrtexRangeError]) {
  Object.defineProperty(c.prototype, BRAND, { value: true, enumerable: false });
}

// `e instanceof OrtexError` is true for ortex's TypeError and RangeError subclasses as well. Only
// for OrtexError itself: `instanceof` a subclass of OrtexError keeps the ordinary meaning.
Object.defineProperty(OrtexError, Symbol.hasInstance, {
  value: function hasInstance(this: unknown, v: unknown): boolean {
    if (ordinaryInstanceOf.call(this, v)) return true;
    return this === OrtexError && (ordinaryInstanceOf.call(OrtexTypeError, v) || ordinaryInstanceOf.call(OrtexRangeError, v));
  },
});

/**
 * True for an error ortex threw (any of its classes, from any copy of ortex in the process),
 * optionally with the given code.
 */
export function isOrtexError(e: unknown, code?: OrtexErrorCode): e is OrtexError {
  return (
    e instanceof Error &&
    typeof (e as OrtexError).code === 'string' &&
    ((e as unknown as Record<symbol, unknown>)[BRAND] === true || e.name === 'OrtexError') &&
    (code === undefined || (e as OrtexError).code === code)
  );
}

/**
 * What a validation error says about the value, which picks its class: 'type' (wrong type or
 * form: TypeError), 'range' (right type, outside the range: RangeError), 'value' (does not fit:
 * a plain OrtexError).
 */
export type InvalidKind = 'type' | 'range' | 'value';

export type InvalidCode = 'ERR_INVALID_INPUT' | 'ERR_INVALID_ARGUMENT';

/**
 * The one validation message template: "expected X for Y, received Z". The class follows `kind`;
 * by default an invalid argument is a TypeError and input that does not fit the model (data,
 * shapes, names) a plain OrtexError, as onnxruntime-common and ONNX Runtime report them.
 */
export function invalid(
  code: InvalidCode,
  what: string,
  expected: string,
  received: string,
  kind: InvalidKind = code === 'ERR_INVALID_ARGUMENT' ? 'type' : 'value',
): OrtexError {
  const message = `expected ${expected} for ${what}, received ${received}`;
  if (kind === 'type') return new OrtexTypeError(code, message);
  if (kind === 'range') return new OrtexRangeError(code, message);
  return new OrtexError(code, message);
}

/** Short, safe description of a received value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value.length > 40 ? `string "${value.slice(0, 37)}..."` : `string "${value}"`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name} of length ${(value as unknown as { length?: number }).length ?? value.byteLength}`;
  if (typeof value === 'function') return 'function';
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `${name} object` : 'object';
}

/** Re-raises an error from the addon as an OrtexError thrown from the caller's frame. */
export function fromNative(e: unknown, fallback: OrtexErrorCode, context?: string): OrtexError {
  if (e instanceof OrtexError) return e;
  const err = e as { code?: string; message?: string; ortCode?: number; ortCodeName?: string };
  const code = (err && typeof err.code === 'string' && NATIVE_ERROR_CODES.has(err.code) ? err.code : fallback) as OrtexErrorCode;
  const message = (context ? `${context}: ` : '') + (err?.message ?? String(e));
  const options: OrtexErrorOptions = { cause: e };
  if (typeof err?.ortCode === 'number') options.ortCode = err.ortCode;
  if (typeof err?.ortCodeName === 'string') options.ortCodeName = err.ortCodeName;
  return new OrtexError(code, message, options);
}
