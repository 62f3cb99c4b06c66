/**
 * Per-request hooks: where a monitor (input schemas, drift) or a shadow comparison attaches.
 * `beforeRun` sees the decoded, validated feeds and may reject the request by throwing an
 * OrtexError (ERR_INVALID_INPUT → 400 naming the rule); `afterRun` sees the outcome, the outputs
 * and the latency, after the answer is computed, and can never fail the request (its errors are
 * logged). Both run synchronously on the request path: keep them O(features).
 */
import type { OrtexError } from '../base/errors.js';
import type { FeedsType, ReturnType } from '../session/session.js';

export type Protocol = 'predict' | 'v2' | 'v1';

export interface RequestInfo {
  readonly model: string;
  readonly version: string;
  readonly requestId: string;
  readonly protocol: Protocol;
}

export interface BeforeRunEvent extends RequestInfo {
  readonly feeds: FeedsType;
}

export interface AfterRunEvent extends RequestInfo {
  readonly feeds: FeedsType;
  /** `success`, or the error code the request was answered with. */
  readonly outcome: string;
  readonly outputs?: ReturnType;
  readonly error?: OrtexError;
  /** From routing to the model's answer, in ms. */
  readonly latencyMs: number;
}

export interface InferenceObserver {
  beforeRun?(event: BeforeRunEvent): void;
  afterRun?(event: AfterRunEvent): void;
}
