/**
 * One error family. Every error ortex throws is an OrtexError with a stable string `code`;
 * errors that ONNX Runtime reported also carry ORT's own code (`ortCode`, `ortCodeName`).
 */

import { NATIVE_ERROR_CODES, type OrtexErrorCode } from './error-codes.js';

export type { OrtexErrorCode };

export interface OrtexErrorOptions {
  cause?: unknown;
  ortCode?: number;
  ortCodeName?: string;
  details?: Record<string, unknown>;
}

export class OrtexError extends Error {
  readonly code: OrtexErrorCode;
  readonly ortCode?: number;
  readonly ortCodeName?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: OrtexErrorCode, message: string, options: OrtexErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, 'name', { value: 'OrtexError', enumerable: false, configurable: true, writable: true });
    this.code = code;
    if (options.ortCode !== undefined) this.ortCode = options.ortCode;
    if (options.ortCodeName !== undefined) this.ortCodeName = options.ortCodeName;
    if (options.details !== undefined) this.details = options.details;
  }
}

export function isOrtexError(e: unknown, code?: OrtexErrorCode): e is OrtexError {
  return (
    e instanceof Error &&
    typeof (e as OrtexError).code === 'string' &&
    (e as Error).name === 'OrtexError' &&
    (code === undefined || (e as OrtexError).code === code)
  );
}

/** The one validation message template: "expected X for Y, received Z". */
export function invalid(code: 'ERR_INVALID_INPUT' | 'ERR_INVALID_ARGUMENT', what: string, expected: string, received: string): OrtexError {
  return new OrtexError(code, `expected ${expected} for ${what}, received ${received}`);
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
