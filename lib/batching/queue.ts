/**
 * The batcher's queue: requests grouped by shape (only equal shapes share a batch), one FIFO per
 * priority level inside each group, and a min-heap of deadlines so one timer serves every
 * request's timeout. Removal is lazy: a dropped entry stays in its FIFO, marked, until it reaches
 * the front; the group's counters are updated at once.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { FeedsType, ReturnType } from '../session/session.js';
import type { PaddingInfo } from './layout.js';

/** Entry states. */
export const QUEUED = 0,
  RUNNING = 1,
  DROPPED = 2;

/** What `Batcher.run()` resolves to: the outputs by name, plus padding lengths when padding is on. */
export type BatchResult = ReturnType & { [PADDING]?: PaddingInfo };

/**
 * Key of the padding lengths in a {@link BatchResult} (a symbol, so `Object.keys`/`Object.values`
 * of a result still list only outputs): `result[PADDING]` is a {@link PaddingInfo}. Registered
 * (`Symbol.for('ortex.padding')`), so two copies of ortex agree on it.
 */
export const PADDING: unique symbol = Symbol.for('ortex.padding');

/** One `run()` call: settles exactly once. An oversize request is queued as several parts. */
export class BatchJob {
  readonly promise: Promise<BatchResult>;
  resolve!: (r: BatchResult) => void;
  reject!: (e: unknown) => void;
  settled = false;
  /** Parts still waiting in the queue. */
  queuedParts = 0;
  /** Parts not yet answered (split requests). */
  remaining = 0;
  parts: BatchEntry[] = [];
  results: (ReturnType | undefined)[] | undefined;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;

  constructor(
    readonly rows: number,
    readonly priority: number,
    readonly enqueuedAt: number,
    /** performance.now() time after which it is dropped if still queued; Infinity for none. */
    readonly deadline: number,
  ) {
    this.promise = new Promise<BatchResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

/** One queued unit of work: a whole request, or one part of a split one. */
export class BatchEntry {
  state = QUEUED;
  constructor(
    readonly job: BatchJob,
    readonly part: number,
    readonly rows: number,
    /** The request's tensors (or this part's rows of them), in model input order; empty when not merging. */
    readonly tensors: Tensor[],
    readonly group: ShapeGroup,
    /** Length along the padded axis (0 without padding). */
    readonly padLength: number,
    /** The feeds as given, when the batcher does not merge (batchAxis null). */
    readonly feeds: FeedsType | undefined,
  ) {}
}

/** FIFO over an array with a moving head; dropped entries are skipped when they reach the front. */
export class Fifo {
  #items: (BatchEntry | undefined)[] = [];
  #head = 0;

  push(e: BatchEntry): void {
    this.#items.push(e);
  }

  /** First entry still queued, or undefined; dropped entries before it are discarded. */
  peek(): BatchEntry | undefined {
    const items = this.#items;
    while (this.#head < items.length) {
      const e = items[this.#head]!;
      if (e.state === QUEUED) return e;
      items[this.#head++] = undefined;
    }
    if (this.#head > 0) {
      this.#items = [];
      this.#head = 0;
    }
    return undefined;
  }

  /** Removes the front entry (call after peek() returned it). */
  shift(): void {
    this.#items[this.#head++] = undefined;
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Every entry still queued, front first. */
  *live(): IterableIterator<BatchEntry> {
    for (let i = this.#head; i < this.#items.length; i++) {
      const e = this.#items[i];
      if (e && e.state === QUEUED) yield e;
    }
  }
}

/** Requests of one shape (same key): they may share a batch. */
export class ShapeGroup {
  readonly queues: Fifo[];
  /** Queued rows and entries (dropped ones excluded). */
  rows = 0;
  count = 0;

  constructor(
    readonly key: string,
    levels: number,
  ) {
    this.queues = Array.from({ length: levels }, () => new Fifo());
  }

  /** The next entry to run: first queued of the most urgent priority level. */
  head(): BatchEntry | undefined {
    for (let p = 0; p < this.queues.length; p++) {
      const e = this.queues[p]!.peek();
      if (e) return e;
    }
    return undefined;
  }

  /** Enqueue time of the longest-waiting queued entry (Infinity when empty). */
  oldest(): number {
    let t = Infinity;
    for (let p = 0; p < this.queues.length; p++) {
      const e = this.queues[p]!.peek();
      if (e && e.job.enqueuedAt < t) t = e.job.enqueuedAt;
    }
    return t;
  }
}

/** Binary min-heap of jobs by deadline. */
export class DeadlineHeap {
  #items: BatchJob[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): BatchJob | undefined {
    return this.#items[0];
  }

  push(job: BatchJob): void {
    const a = this.#items;
    let i = a.length;
    a.push(job);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (a[parent]!.deadline <= job.deadline) break;
      a[i] = a[parent]!;
      i = parent;
    }
    a[i] = job;
  }

  pop(): BatchJob | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last !== undefined) {
      let i = 0;
      const n = a.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && a[r]!.deadline < a[l]!.deadline ? r : l;
        if (a[c]!.deadline >= last.deadline) break;
        a[i] = a[c]!;
        i = c;
      }
      a[i] = last;
    }
    return top;
  }

  /** Keeps only the jobs for which `keep` is true (rebuilds the heap). */
  retain(keep: (job: BatchJob) => boolean): void {
    const kept = this.#items.filter(keep);
    this.#items = [];
    for (const j of kept) this.push(j);
  }
}
