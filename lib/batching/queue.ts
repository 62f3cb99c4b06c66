/**
 * The batcher's queue bookkeeping: requests grouped by shape (only equal shapes share a batch), one
 * FIFO per priority level inside each group, the counters of what is queued, and a min-heap of
 * deadlines so one timer serves every request's timeout. Removal is lazy: a dropped entry stays in
 * its FIFO, marked, until it reaches the front; the counters are updated at once.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { FeedsType, ReturnType } from '../session/session.js';
import type { BatchCancel } from './cancel.js';
import type { PaddingInfo } from './layout.js';
import type { QueueGroup } from './schedule.js';

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
  /** Stops listening to `signal` (set while it listens). */
  unsubscribe: (() => void) | undefined;
  /** Some part of it ran in a batch that can be cancelled (cancel.ts): settling it withdraws it there. */
  cancellable = false;

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
  /** The cancel handle of the batch it runs in, when that batch can be cancelled. */
  cancel: BatchCancel | undefined = undefined;
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
export class ShapeGroup implements QueueGroup {
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

  get requests(): number {
    return this.count;
  }

  get oldestEnqueuedAt(): number {
    return this.oldest();
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

/** Entries taken from a group for one batch. */
export interface Taken {
  entries: BatchEntry[];
  rows: number;
}

/**
 * Every queued entry, by group, with the counters of what is queued. `onEmpty` is called when the
 * last queued entry leaves (nothing left to time out or to wait for).
 */
export class BatchQueue {
  readonly #groups = new Map<string, ShapeGroup>();
  readonly #levels: number;
  readonly #onEmpty: () => void;
  /** Queued rows and entries (a split request counts once per queued part). */
  rows = 0;
  entries = 0;

  constructor(levels: number, onEmpty: () => void) {
    this.#levels = levels;
    this.#onEmpty = onEmpty;
  }

  /** The group of requests with shape key `key`, made on first use. */
  group(key: string): ShapeGroup {
    let g = this.#groups.get(key);
    if (g === undefined) {
      g = new ShapeGroup(key, this.#levels);
      this.#groups.set(key, g);
    }
    return g;
  }

  enqueue(e: BatchEntry): void {
    const g = e.group;
    g.queues[e.job.priority]!.push(e);
    g.rows += e.rows;
    g.count++;
    this.rows += e.rows;
    this.entries++;
    e.job.queuedParts++;
  }

  /** Takes a queued entry out of the counters (it stays in its FIFO until it reaches the front). */
  unqueue(e: BatchEntry, state: number): void {
    e.state = state;
    const g = e.group;
    g.rows -= e.rows;
    g.count--;
    this.rows -= e.rows;
    e.job.queuedParts--;
    if (--this.entries === 0) this.#onEmpty();
  }

  /**
   * The group to run next and its batch size: among groups for which `sizeOf` is above 0, the one
   * whose head is the most urgent (priority level, then arrival). Empty groups are dropped.
   */
  pick(sizeOf: (g: ShapeGroup) => number): [ShapeGroup, number] | undefined {
    let best: ShapeGroup | undefined;
    let bestSize = 0;
    let bestPriority = Infinity;
    let bestAt = Infinity;
    for (const g of this.#groups.values()) {
      if (g.count === 0) {
        this.#groups.delete(g.key);
        continue;
      }
      const size = sizeOf(g);
      if (size <= 0) continue;
      const head = g.head()!;
      const p = head.job.priority;
      const at = head.job.enqueuedAt;
      if (p < bestPriority || (p === bestPriority && at < bestAt)) {
        best = g;
        bestSize = size;
        bestPriority = p;
        bestAt = at;
      }
    }
    return best === undefined ? undefined : [best, bestSize];
  }

  /** The smallest `f(g)` over groups with queued entries (Infinity when none). */
  earliest(f: (g: ShapeGroup) => number): number {
    let at = Infinity;
    for (const g of this.#groups.values()) if (g.count > 0) at = Math.min(at, f(g));
    return at;
  }

  /**
   * Takes entries from `g` (priority order, then arrival) up to `limit` rows (at least one entry).
   * Entries whose deadline has passed are dropped and handed to `expired` instead.
   */
  take(g: ShapeGroup, limit: number, now: number, expired: (e: BatchEntry) => void): Taken {
    const entries: BatchEntry[] = [];
    let rows = 0;
    outer: for (let p = 0; p < g.queues.length; p++) {
      const q = g.queues[p]!;
      for (let e = q.peek(); e !== undefined; e = q.peek()) {
        if (rows > 0 && rows + e.rows > limit) break outer;
        q.shift();
        if (e.job.deadline <= now) {
          this.unqueue(e, DROPPED);
          expired(e);
          continue;
        }
        this.unqueue(e, RUNNING);
        entries.push(e);
        rows += e.rows;
        if (rows >= limit) break outer;
      }
    }
    return { entries, rows };
  }

  /** Every queued entry (for close()). */
  live(): BatchEntry[] {
    const out: BatchEntry[] = [];
    for (const g of this.#groups.values()) for (const q of g.queues) for (const e of q.live()) out.push(e);
    return out;
  }

  clear(): void {
    this.#groups.clear();
  }
}
