/**
 * Request deadlines: one heap of jobs by deadline and one alarm for the earliest, so a thousand
 * queued requests with timeouts cost one timer. A job whose deadline passes while any part of it
 * is still queued expires; one whose batch has started is answered when the batch completes.
 */
import { type BatchJob, DeadlineHeap } from './queue.js';
import { Alarm } from './timers.js';

export class Deadlines {
  #heap = new DeadlineHeap();
  readonly #alarm: Alarm;
  readonly #expire: (job: BatchJob, now: number) => void;

  /** `expire(job, now)` is called for each job still queued at its deadline; `after()` once per alarm. */
  constructor(expire: (job: BatchJob, now: number) => void, after: () => void) {
    this.#expire = expire;
    this.#alarm = new Alarm(() => {
      this.#onAlarm();
      after();
    });
  }

  /** Watches `job` (its deadline is finite); `queuedEntries` lets the heap shed settled jobs now and then. */
  add(job: BatchJob, queuedEntries: number): void {
    const heap = this.#heap;
    if (heap.size > 1024 && heap.size > 2 * queuedEntries) heap.retain((j) => !j.settled && j.queuedParts > 0);
    heap.push(job);
    this.#alarm.armAt(job.deadline);
  }

  /** Nothing queued: nothing left to watch (running requests ignore deadlines). */
  clear(): void {
    if (this.#heap.size > 0) this.#heap = new DeadlineHeap();
    this.#alarm.clear();
  }

  #onAlarm(): void {
    const now = performance.now();
    const heap = this.#heap;
    for (let j = heap.peek(); j !== undefined && (j.settled || j.deadline <= now); j = heap.peek()) {
      heap.pop();
      if (!j.settled && j.queuedParts > 0) this.#expire(j, now);
    }
    const next = heap.peek();
    if (next) this.#alarm.armAt(next.deadline);
  }
}
