/**
 * Every HTTP error answer, derived from the one error table (lib/base/error-codes.ts): status,
 * `Retry-After` for transient codes, and the body shape of each protocol (`{"error": "..."}` for
 * the Open Inference Protocol, plus `"status": "error"` for /predict). Fastify's own errors (body
 * too large, malformed JSON, schema validation) are translated into ortex codes first.
 */
import { errorCodeInfo, type OrtexErrorCode } from '../base/error-codes.js';
import { isOrtexError, OrtexError } from '../base/errors.js';

/** Seconds a client should wait before retrying a transient error. */
export const RETRY_AFTER_S = 1;

export interface HttpError {
  status: number;
  code: OrtexErrorCode;
  message: string;
  headers: Record<string, string>;
}

const FASTIFY_CODES: Record<string, OrtexErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_INVALID_INPUT',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_INVALID_INPUT',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_INVALID_INPUT',
  FST_ERR_VALIDATION: 'ERR_INVALID_INPUT',
};

/** The ortex error for anything a route or Fastify threw. */
export function toOrtexError(e: unknown): OrtexError {
  if (isOrtexError(e)) return e;
  const err = e as { code?: string; message?: string; statusCode?: number; validation?: unknown; validationContext?: string };
  if (err?.validation)
    return new OrtexError(
      'ERR_INVALID_INPUT',
      `expected a valid request body: ${err.validationContext ?? 'body'}${(err.message ?? '').replace(/^body/, '')}`,
      { cause: e },
    );
  const mapped = err?.code ? FASTIFY_CODES[err.code] : undefined;
  if (mapped) return new OrtexError(mapped, err.message ?? mapped, { cause: e });
  if (e instanceof SyntaxError)
    return new OrtexError('ERR_INVALID_INPUT', `expected a JSON body, received malformed JSON: ${e.message}`, { cause: e });
  if (typeof err?.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500)
    return new OrtexError('ERR_INVALID_INPUT', err.message ?? 'bad request', { cause: e });
  return new OrtexError('ERR_RUNTIME', `internal error: ${err?.message ?? String(e)}`, { cause: e });
}

export function httpError(e: unknown): HttpError {
  const error = toOrtexError(e);
  const info = errorCodeInfo(error.code)!;
  const headers: Record<string, string> = { 'x-ortex-error-code': error.code };
  if (info.retryAfter) headers['retry-after'] = String(RETRY_AFTER_S);
  if (error.code === 'ERR_UNAUTHORIZED') headers['www-authenticate'] = 'Bearer';
  return { status: info.httpStatus, code: error.code, message: error.message, headers };
}
