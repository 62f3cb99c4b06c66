/**
 * The one seam every runnable model shares. InferenceSession, SessionPool and Batcher implement
 * it, and so do the server's model handles and rollout routers: whatever wraps a model offers
 * the same names, metadata, run() and release(), plus a capacity hint that a Batcher in front of
 * it reads instead of asking what class it is.
 */
import type { ValueMetadata } from '../tensor/value-metadata.js';
import type { FeedsType, ReturnType, RunOptions } from './session.js';

/** Names and metadata of a model's inputs and outputs. */
export interface ModelIO {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
}

/** Options every {@link Runnable} accepts (a Batcher's per-request options and a session's run options both include these). */
export interface BaseRunOptions {
  /** Cancels the run or request: it rejects with ERR_ABORTED. */
  signal?: AbortSignal;
}

/** A model that runs: a session, a pool, a batcher, or anything wrapping one of them. */
export interface Runnable<Options extends BaseRunOptions = RunOptions> extends ModelIO {
  run(feeds: FeedsType, options?: Options): Promise<ReturnType>;
  /** Stops accepting runs, waits for those in flight, frees the model. Idempotent. */
  release(): Promise<void>;
  /** True once release() was called. */
  readonly released: boolean;
  /**
   * Capacity hint: how many runs this target usefully executes at once. A Batcher in front of it
   * keeps this many batches in flight by default.
   */
  readonly parallelism: number;
}
