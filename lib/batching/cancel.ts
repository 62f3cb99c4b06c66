/**
 * Cancelling a running batch that no request waits for any more. A batch that can take long
 * (see {@link CANCEL_RUN_MS}) runs with an AbortSignal when some request in it can leave before
 * the run ends: one with its own signal, or, with `timeoutScope: 'request'`, one with a deadline
 * (answered ERR_TIMEOUT at that deadline while the batch runs). Once every request in the batch
 * has left so, the signal fires and the session sets ORT's terminate flag: the run stops at its
 * next node and frees its session for the queue. A batch that still holds a waiting request runs
 * on for it.
 *
 * Shorter batches get no signal: a run with one goes off the JS thread and needs a native
 * RunOptions, which costs more than stopping a run that short early could save.
 */
import { OrtexError } from '../base/errors.js';
import type { BatchEntry, BatchJob } from './queue.js';
import { Alarm } from './timers.js';

/**
 * Batches get a cancel signal while the fastest batch measured so far (the first, a warm-up,
 * left out) took at least this long, in ms: from 2 ms a run never stays on the JS thread with
 * the default inline threshold (a lone caller's runs stay inline up to 8 × 250 µs), so the signal
 * changes where no run executes.
 */
export const CANCEL_RUN_MS = 2;

export class BatchCancel {
  readonly #controller = new AbortController();
  /** Entries whose requests still wait for the run. */
  #live: number;
  /** The run ended (completed or failed): nothing left to cancel. */
  #ended = false;
  #cancelled = false;
  #alarm: Alarm | undefined;
  readonly #entries: readonly BatchEntry[];

  constructor(entries: readonly BatchEntry[]) {
    this.#entries = entries;
    this.#live = entries.length;
    for (const e of entries) {
      e.cancel = this;
      e.job.cancellable = true;
    }
  }

  /** The signal the batch's run is given. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** True once the signal fired (every request had left while the run was going). */
  get cancelled(): boolean {
    return this.#cancelled;
  }

  /**
   * Answers each request still waiting at its deadline with `expire(job, now)` (which settles it,
   * and so withdraws it from this batch), earliest first, while the run goes on.
   */
  expireAtDeadlines(expire: (job: BatchJob, now: number) => void): void {
    const next = this.#nextDeadline();
    if (next === Infinity) return;
    this.#alarm = new Alarm(() => {
      const now = performance.now();
      for (const e of this.#entries) if (!e.job.settled && e.job.deadline <= now) expire(e.job, now);
      if (!this.#ended && !this.#cancelled) this.#alarm!.armAt(this.#nextDeadline());
    });
    this.#alarm.armAt(next);
  }

  /** One of the batch's requests left (settled before the run ended). */
  withdraw(): void {
    if (this.#ended || this.#cancelled) return;
    if (--this.#live > 0) return;
    this.#cancelled = true;
    this.#alarm?.clear();
    this.#controller.abort(new OrtexError('ERR_ABORTED', 'every request of the batch was answered before its run ended'));
  }

  /** The run ended: later withdrawals change nothing. */
  end(): void {
    this.#ended = true;
    this.#alarm?.clear();
  }

  #nextDeadline(): number {
    let next = Infinity;
    for (const e of this.#entries) if (!e.job.settled && e.job.deadline < next) next = e.job.deadline;
    return next;
  }
}

/** `job` settled: each running batch it is part of loses one waiting request. */
export function withdraw(job: BatchJob): void {
  for (const e of job.parts) e.cancel?.withdraw();
}
