/**
 * Settling requests: every `Batcher.run()` promise settles exactly once, through here. Resolving
 * or rejecting a job takes its queued parts out of the queue, stops listening to its signal,
 * counts it, and emits 'reject' (listener errors never reach the request path: see safe-emit).
 */
import type { EventEmitter } from 'node:events';
import { fromNative, OrtexError } from '../base/errors.js';
import { emitSafely } from '../base/safe-emit.js';
import { withdraw } from './cancel.js';
import { type BatchJob, type BatchQueue, type BatchResult, DROPPED, QUEUED } from './queue.js';
import type { BatchCounters, RejectEvent } from './stats.js';

export class Settler {
  /** run() calls not yet settled. */
  pending = 0;
  readonly #counters: BatchCounters;
  readonly #queue: BatchQueue;
  readonly #events: EventEmitter;

  constructor(counters: BatchCounters, queue: BatchQueue, events: EventEmitter) {
    this.#counters = counters;
    this.#queue = queue;
    this.#events = events;
  }

  resolve(job: BatchJob, result: BatchResult): void {
    if (job.settled) return;
    this.#settle(job);
    this.#counters.resolved++;
    job.resolve(result);
  }

  reject(job: BatchJob, error: OrtexError): void {
    if (job.settled) return;
    this.#settle(job);
    this.#rejected(error, job.rows, job.priority);
    job.reject(error);
  }

  /** A request rejected before it was queued: counted and reported like the others. */
  refuse(e: unknown, rows: number, priority: number): Promise<never> {
    const error = fromNative(e, 'ERR_INVALID_INPUT');
    this.#rejected(error, rows, priority);
    return Promise.reject(error);
  }

  /** Rejects `job` with ERR_ABORTED (its signal fired). */
  abort(job: BatchJob): void {
    if (job.settled) return;
    const running = job.queuedParts < job.parts.length;
    this.reject(
      job,
      new OrtexError(
        'ERR_ABORTED',
        running
          ? 'the request was aborted while its batch was running (a batch that holds other waiting requests runs on for them)'
          : 'the request was aborted while queued',
        { cause: job.signal?.reason },
      ),
    );
  }

  /** Rejects `job` with ERR_TIMEOUT: its deadline passed while it was queued. */
  expire(job: BatchJob, now: number): void {
    const waited = now - job.enqueuedAt;
    this.reject(
      job,
      new OrtexError(
        'ERR_TIMEOUT',
        `the request was dropped after waiting ${waited.toFixed(1)} ms in the batcher's queue (its timeout or deadline passed before its batch could start)`,
        { details: { waitedMs: waited } },
      ),
    );
  }

  /** Rejects `job` with ERR_TIMEOUT: its deadline passed while its batch was running (timeoutScope 'request'). */
  expireRunning(job: BatchJob, now: number): void {
    const waited = now - job.enqueuedAt;
    this.reject(
      job,
      new OrtexError(
        'ERR_TIMEOUT',
        `the request was answered at its deadline, ${waited.toFixed(1)} ms after it was queued, while its batch was running (timeoutScope 'request')`,
        { details: { waitedMs: waited } },
      ),
    );
  }

  #rejected(error: OrtexError, rows: number, priority: number): void {
    this.#counters.reject(error.code);
    if (this.#events.listenerCount('reject') > 0)
      emitSafely(this.#events, 'Batcher', 'reject', { code: error.code, error, rows, priority } satisfies RejectEvent);
  }

  #settle(job: BatchJob): void {
    job.settled = true;
    this.pending--;
    job.unsubscribe?.();
    if (job.queuedParts > 0) {
      for (const e of job.parts) if (e.state === QUEUED) this.#queue.unqueue(e, DROPPED);
    }
    if (job.cancellable) withdraw(job);
  }
}
