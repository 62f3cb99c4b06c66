/**
 * The one error table: every code ortex uses, what it means, the HTTP status the server answers
 * with, and whether the addon raises it. Everything else is derived from this table: the
 * `OrtexErrorCode` type, the mapping of addon errors (native/error_codes.h declares the same
 * native codes, and a test fails when the two disagree), HTTP answers, and the docs' list.
 */

export interface ErrorCodeInfo {
  /** What the error means, for docs and `ortex` tooling. */
  readonly description: string;
  /** HTTP status the model server answers with. */
  readonly httpStatus: number;
  /** The server adds `Retry-After` to answers with this code (the condition is transient). */
  readonly retryAfter?: boolean;
  /** Raised by the native addon too (declared in native/error_codes.h). */
  readonly native?: boolean;
}

export const ERROR_CODES = {
  ERR_INVALID_INPUT: {
    description: 'A feed (or request body) does not fit the model: unknown or missing input, wrong type, shape, length or value.',
    httpStatus: 400,
    native: true,
  },
  ERR_INVALID_ARGUMENT: { description: 'An argument or option of an API call is invalid.', httpStatus: 400, native: true },
  ERR_MODEL_LOAD: {
    description: 'The model could not be loaded: missing, unreadable, malformed or unsupported.',
    httpStatus: 500,
    native: true,
  },
  ERR_RUNTIME: { description: 'ONNX Runtime failed while running the model.', httpStatus: 500, native: true },
  ERR_SESSION_RELEASED: {
    description: 'The session (or pool) was released before or while the call was made.',
    httpStatus: 503,
    retryAfter: true,
    native: true,
  },
  ERR_PROVIDER_UNAVAILABLE: {
    description: 'A requested execution provider cannot start here; the message names what is missing and the fix.',
    httpStatus: 500,
    native: true,
  },
  ERR_ABORTED: { description: 'The run or request was cancelled through its AbortSignal.', httpStatus: 499, native: true },
  ERR_NATIVE_LOAD: {
    description: 'The addon or the ONNX Runtime library could not be loaded; the message lists every path tried.',
    httpStatus: 500,
    native: true,
  },
  ERR_QUEUE_FULL: {
    description: 'A queue bound was reached (Batcher maxQueueSize, server queue limit): retry later.',
    httpStatus: 503,
    retryAfter: true,
  },
  ERR_TIMEOUT: { description: 'The request waited longer than its timeout or deadline.', httpStatus: 504 },
  ERR_CLOSED: { description: 'The batcher or server is closing and accepts no new requests.', httpStatus: 503, retryAfter: true },
  ERR_NOT_FOUND: { description: 'The server has no such model, version or route.', httpStatus: 404 },
  ERR_MODEL_UNAVAILABLE: {
    description: 'The model is known to the server but has no version ready to serve (loading, failed to load, or unloaded).',
    httpStatus: 503,
    retryAfter: true,
  },
  ERR_UNAUTHORIZED: { description: 'The request carries no bearer token, or not the one the server expects.', httpStatus: 401 },
  ERR_PAYLOAD_TOO_LARGE: { description: 'The request body is larger than the server accepts (bodyLimitBytes).', httpStatus: 413 },
  ERR_UNSUPPORTED_MEDIA_TYPE: { description: 'The request body has a content type the endpoint does not read.', httpStatus: 415 },
  ERR_ROLLOUT_STATE: {
    description:
      "A rollout command does not fit the model's state: the candidate is not loaded, or there is nothing to promote or roll back.",
    httpStatus: 409,
  },
} as const satisfies Record<string, ErrorCodeInfo>;

export type OrtexErrorCode = keyof typeof ERROR_CODES;

/** The table's entry for `code`, or undefined for a string that is not an ortex code. */
export function errorCodeInfo(code: string): ErrorCodeInfo | undefined {
  return Object.hasOwn(ERROR_CODES, code) ? (ERROR_CODES as Record<string, ErrorCodeInfo>)[code] : undefined;
}

/** Codes the addon may raise (those marked `native`). */
export const NATIVE_ERROR_CODES: ReadonlySet<string> = new Set(
  Object.entries(ERROR_CODES as Record<string, ErrorCodeInfo>)
    .filter(([, v]) => v.native)
    .map(([k]) => k),
);
