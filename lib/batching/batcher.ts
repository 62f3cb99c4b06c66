/**
 * Batcher: dynamic batching in front of an InferenceSession or a SessionPool, with the session's
 * `run(feeds, options)` shape. Concurrent requests are merged along the batch axis, run as one
 * batch, and the outputs are cut back into per-request results (views, not copies, along axis 0).
 * Triton's dynamic batcher is the model for the semantics.
 *
 * Scheduling. Requests queue by shape (equal non-batch dimensions; only those share a batch) and
 * priority. A batch starts when a run slot is free (fewer than `maxInflightBatches` running) and
 * its group is ready: it holds `maxBatchSize` rows, or the largest reachable preferred size, or
 * its oldest request has waited `maxQueueDelayMs` (default 0: at once). Dispatch happens at most
 * once per event-loop turn (requests made in the same turn share a batch) and whenever a batch
 * completes; one timer serves all queue delays and one all request deadlines (no per-request
 * timers). While every slot is busy, requests pile up and form bigger batches — the batch size
 * follows the load by itself.
 *
 * Back-pressure is visible: beyond `maxQueueSize` queued rows, requests are rejected with
 * ERR_QUEUE_FULL; `stats()` reports queue depth, in-flight batches, batch-size, queue-wait and
 * compute-time histograms and rejections by code; the `'batch'` and `'reject'` events feed a
 * metrics exporter.
 *
 * ```js
 * const batcher = await Batcher.create('model.onnx', { maxBatchSize: 32, poolSize: 2 });
 * const out = await batcher.run({ x: new Tensor('float32', row, [1, 256]) }, { timeoutMs: 50 });
 * batcher.on('batch', (e) => histogram.observe(e.rows));
 * await batcher.drain();   // finish what is queued, then release
 * ```
 */
import { EventEmitter } from 'node:events';
import { describe, fromNative, invalid, OrtexError } from '../base/errors.js';
import { BatchLayout, type PaddingInfo } from './layout.js';
import { checkOutputRows, concatTensors, MergeBuffers, sliceRows, splitTensor, type Typed } from './merge.js';
import { parseRequestOptions } from '../session/run-options.js';
import {
  resolveBatcherOptions,
  type BatcherCreateOptions,
  type BatcherOptions,
  type BatchRunOptions,
  type ResolvedBatcherOptions,
} from './options.js';
import { BatchEntry, BatchJob, DeadlineHeap, PADDING, QUEUED, RUNNING, DROPPED, ShapeGroup, type BatchResult } from './queue.js';
import { BatchCounters, type BatcherStats, type BatchEvent, type RejectEvent } from './stats.js';
import { InferenceSession, type FeedsType, type ReturnType, type RunOptions } from '../session/session.js';
import { SessionPool } from '../session/session-pool.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ValueMetadata } from '../tensor/value-metadata.js';
import type { ModelIO, Runnable } from '../session/model-io.js';
import { asyncDispose } from '../base/async-dispose.js';

export { PADDING };
export type { BatchResult };

/**
 * What a Batcher runs batches on: an {@link InferenceSession}, a {@link SessionPool}, or any
 * other {@link Runnable} (e.g. a wrapper that adds tracing). `released` and `parallelism` may be
 * left out by a hand-written target: it then counts as open, with one batch in flight by default.
 */
export interface BatchTarget extends ModelIO {
  run(feeds: FeedsType, options?: RunOptions): Promise<ReturnType>;
  release(): Promise<void>;
  readonly released?: boolean;
  readonly parallelism?: number;
}

const OPEN = 0,
  DRAINING = 1,
  CLOSING = 2,
  CLOSED = 3;

interface RunningBatch {
  entries: BatchEntry[];
  rows: number;
  padTo: number;
  started: number;
  maxWait: number;
  /** Pooled merge buffers to give back when the run completes: [input index, buffer, ...]. */
  held: (number | Typed)[] | undefined;
}

/** Event listeners of a Batcher (typed overloads of EventEmitter's). */
export interface Batcher {
  /** A batch completed or failed. */
  on(event: 'batch', listener: (e: BatchEvent) => void): this;
  /** A run() call was rejected (any code). */
  on(event: 'reject', listener: (e: RejectEvent) => void): this;
  /** The batcher finished closing (after drain() or close()). */
  on(event: 'close', listener: () => void): this;
  once(event: 'batch', listener: (e: BatchEvent) => void): this;
  once(event: 'reject', listener: (e: RejectEvent) => void): this;
  once(event: 'close', listener: () => void): this;
  off(event: 'batch', listener: (e: BatchEvent) => void): this;
  off(event: 'reject', listener: (e: RejectEvent) => void): this;
  off(event: 'close', listener: () => void): this;
}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above only adds typed overloads of EventEmitter's own on/once/off
export class Batcher extends EventEmitter implements Runnable<BatchRunOptions> {
  /** The session or pool batches run on. */
  readonly target: BatchTarget;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  /** Axis requests are merged along, or null when they are queued but never merged. */
  readonly batchAxis: number | null;
  /** Most rows per batch (1 when not merging). */
  readonly maxBatchSize: number;
  /** Most batches running at once. */
  readonly maxInflightBatches: number;

  readonly #o: ResolvedBatcherOptions;
  readonly #layout: BatchLayout;
  readonly #merging: boolean;
  readonly #runOptions: RunOptions;
  readonly #groups = new Map<string, ShapeGroup>();
  #deadlines = new DeadlineHeap();
  #deadlineTimer: NodeJS.Timeout | undefined;
  #deadlineAt = Infinity;
  #delayTimer: NodeJS.Timeout | undefined;
  #delayAt = Infinity;
  #immediate: NodeJS.Immediate | undefined;
  #queuedRows = 0;
  #queuedEntries = 0;
  #inflight = 0;
  #inflightRequests = 0;
  #inflightRows = 0;
  #pending = 0;
  readonly #counters: BatchCounters;
  readonly #buffers: MergeBuffers;
  /** Per input: elements of one row, when every non-batch dim is fixed (capacity of pooled buffers), else 0. */
  readonly #rowElements: number[];
  #state = OPEN;
  #finishing = false;
  #closed: Promise<void> | undefined;
  #resolveClosed: (() => void) | undefined;
  #rejectClosed: ((e: unknown) => void) | undefined;

  /**
   * Wraps `target` (not owned unless `options.ownsTarget`). Throws ERR_INVALID_ARGUMENT for bad
   * options, and for a model without a batch axis when merging (set `batchAxis: null` to queue
   * without merging).
   */
  constructor(target: InferenceSession | SessionPool | BatchTarget, options?: BatcherOptions) {
    super();
    const t = target as BatchTarget;
    if (
      t === null ||
      typeof t !== 'object' ||
      typeof t.run !== 'function' ||
      !Array.isArray(t.inputMetadata) ||
      !Array.isArray(t.outputMetadata)
    ) {
      throw invalid('ERR_INVALID_ARGUMENT', 'the Batcher target', 'an InferenceSession or a SessionPool', describe(target));
    }
    if (t.released === true) {
      throw invalid('ERR_INVALID_ARGUMENT', 'the Batcher target', 'a session or pool that is not released', 'a released one');
    }
    const o = resolveBatcherOptions(options);
    this.#o = o;
    this.target = t;
    this.inputNames = t.inputNames;
    this.outputNames = t.outputNames;
    this.inputMetadata = t.inputMetadata;
    this.outputMetadata = t.outputMetadata;
    this.#layout = new BatchLayout(t.inputMetadata, t.outputMetadata, o.batchAxis, o.padding);
    this.#merging = o.batchAxis !== null;
    this.batchAxis = o.batchAxis;
    this.maxBatchSize = this.#merging ? o.maxBatchSize : 1;
    const hint = t.parallelism;
    this.maxInflightBatches =
      o.maxInflightBatches ?? (typeof hint === 'number' && Number.isInteger(hint) && hint >= 1 ? Math.min(hint, 1024) : 1);
    // Batches run off the JS thread unless told otherwise: the next batch forms (and, with more
    // than one in flight, starts) while one runs.
    this.#runOptions = { mode: 'async', ...(o.runOptions ?? {}) };
    this.#counters = new BatchCounters(this.maxBatchSize);
    this.#buffers = new MergeBuffers(this.#layout.inputs.length, this.maxInflightBatches + 1);
    this.#rowElements = this.#layout.inputs.map((i) =>
      i.shape.length > 0 && i.freeAxes.length === 0 && i.padAxis < 0
        ? i.shape.reduce<number>((n, d, k) => (k === this.batchAxis ? n : n * (d as number)), 1)
        : 0,
    );
  }

  /**
   * Loads `model` (a path or model bytes) into one session (`poolSize` 1, the default) or a
   * {@link SessionPool} of `poolSize` sessions, and wraps it in a Batcher that owns it (released
   * on close). Given a session, pool or other {@link BatchTarget} instead, wraps that (not owned
   * unless `ownsTarget`; `poolSize` and `sessionOptions` do not apply).
   */
  static async create(
    model: string | Uint8Array | ArrayBuffer | ArrayBufferView | InferenceSession | SessionPool | BatchTarget,
    options: BatcherCreateOptions = {},
  ): Promise<Batcher> {
    if (options === null || typeof options !== 'object')
      throw invalid('ERR_INVALID_ARGUMENT', 'Batcher options', 'an object', describe(options));
    const { sessionOptions, poolSize, ...rest } = options;
    if (model !== null && typeof model === 'object' && typeof (model as BatchTarget).run === 'function') {
      if (sessionOptions !== undefined || poolSize !== undefined) {
        throw invalid(
          'ERR_INVALID_ARGUMENT',
          'Batcher.create options',
          'no sessionOptions or poolSize when wrapping an existing session or pool',
          'them',
        );
      }
      return new Batcher(model as BatchTarget, rest);
    }
    resolveBatcherOptions(rest); // fail before loading the model
    if (poolSize !== undefined && !(typeof poolSize === 'number' && Number.isInteger(poolSize) && poolSize >= 1 && poolSize <= 1024)) {
      throw invalid('ERR_INVALID_ARGUMENT', 'Batcher option poolSize', 'an integer from 1 to 1024', describe(poolSize));
    }
    const source = model as string | Uint8Array | ArrayBuffer | ArrayBufferView;
    const pooled = poolSize !== undefined && poolSize > 1;
    const target = pooled
      ? await SessionPool.create(source, { size: poolSize, ...(sessionOptions ? { sessionOptions } : {}) })
      : await InferenceSession.create(source, sessionOptions);
    try {
      return new Batcher(target, { ...rest, ownsTarget: rest.ownsTarget ?? true });
    } catch (e) {
      await target.release();
      throw e;
    }
  }

  /**
   * Queues a request and resolves to its outputs by name (each with the request's own rows
   * along the batch axis), plus `result[PADDING]` when padding is on. Rejects with
   * ERR_QUEUE_FULL, ERR_TIMEOUT, ERR_ABORTED, ERR_CLOSED, ERR_INVALID_INPUT (bad feeds, or an
   * oversize request with `oversize: 'reject'`), or the runtime's error if its batch failed.
   * Never throws synchronously.
   */
  run(feeds: FeedsType, options?: BatchRunOptions): Promise<BatchResult> {
    const o = this.#o;
    this.#counters.submitted++;
    let priority = o.defaultPriority;
    if (this.#state !== OPEN)
      return this.#refuse(
        new OrtexError('ERR_CLOSED', `the batcher is ${this.#state === DRAINING ? 'draining' : 'closed'} and accepts no new requests`),
        0,
        priority,
      );
    let rows = 1;
    let key = '';
    let tensors: Tensor[] = [];
    let padLength = 0;
    let signal: AbortSignal | undefined;
    let timeoutMs = o.timeoutMs;
    let absolute = Infinity;
    try {
      if (options !== undefined) {
        const r = parseRequestOptions(options, o.priorityLevels);
        if (r.priority !== undefined) priority = r.priority;
        if (r.timeoutMs !== undefined) timeoutMs = r.timeoutMs;
        if (r.deadline !== undefined) absolute = r.deadline;
        signal = r.signal;
      }
      if (this.#merging) {
        const p = this.#layout.prepare(feeds);
        rows = p.rows;
        key = p.key;
        tensors = p.tensors;
        padLength = p.padLength;
      } else if (feeds === null || typeof feeds !== 'object' || Array.isArray(feeds)) {
        throw invalid('ERR_INVALID_INPUT', 'feeds', 'an object of input name → value', describe(feeds));
      }
    } catch (e) {
      return this.#refuse(e, 0, priority);
    }
    if (signal?.aborted)
      return this.#refuse(
        new OrtexError('ERR_ABORTED', 'the request was aborted before it was queued', { cause: signal.reason }),
        rows,
        priority,
      );
    const max = this.maxBatchSize;
    if (rows > max && o.oversize === 'reject') {
      return this.#refuse(
        invalid(
          'ERR_INVALID_INPUT',
          'feeds',
          `at most ${max} rows along the batch axis (maxBatchSize; or oversize: 'split')`,
          `${rows} rows`,
        ),
        rows,
        priority,
      );
    }
    if (this.#queuedRows + rows > o.maxQueueSize) {
      return this.#refuse(
        new OrtexError(
          'ERR_QUEUE_FULL',
          `the batcher's queue is full: ${this.#queuedRows} of ${o.maxQueueSize} rows are waiting (maxQueueSize), no room for ${rows} more`,
          { details: { queuedRows: this.#queuedRows, maxQueueSize: o.maxQueueSize, rows } },
        ),
        rows,
        priority,
      );
    }
    const now = performance.now();
    let deadline = timeoutMs === Infinity ? Infinity : now + timeoutMs;
    if (absolute !== Infinity) deadline = Math.min(deadline, now + (absolute - Date.now()));
    const job = new BatchJob(rows, priority, now, deadline);
    this.#pending++;
    if (rows <= max) {
      const group = this.#group(key);
      const entry = new BatchEntry(job, 0, rows, tensors, group, padLength, this.#merging ? undefined : feeds);
      job.parts = [entry];
      this.#enqueue(entry);
    } else {
      // Oversize: parts of maxBatchSize rows. With padding they only join parts of equal length
      // (never padded), so their outputs reassemble.
      const group = this.#group(this.#layout.padding ? `${key}\0${padLength}` : key);
      const n = Math.ceil(rows / max);
      job.results = new Array(n);
      job.remaining = n;
      const inputs = this.#layout.inputs;
      const axis = this.batchAxis!;
      for (let i = 0; i < n; i++) {
        const count = Math.min(max, rows - i * max);
        const part = tensors.map((t, j) => sliceRows(t, inputs[j]!.info, axis, i * max, count));
        const entry = new BatchEntry(job, i, count, part, group, padLength, undefined);
        job.parts.push(entry);
        this.#enqueue(entry);
      }
    }
    if (deadline !== Infinity) {
      const heap = this.#deadlines;
      if (heap.size > 1024 && heap.size > 2 * this.#queuedEntries) heap.retain((j) => !j.settled && j.queuedParts > 0);
      heap.push(job);
      this.#armDeadline(deadline);
    }
    if (signal) {
      job.signal = signal;
      job.onAbort = () => this.#abort(job);
      signal.addEventListener('abort', job.onAbort, { once: true });
    }
    this.#schedule();
    return job.promise;
  }

  /** Counters, queue depth, in-flight work and histograms; see {@link BatcherStats}. */
  stats(): BatcherStats {
    const c = this.#counters;
    return {
      queued: { requests: this.#queuedEntries, rows: this.#queuedRows },
      inflight: { batches: this.#inflight, requests: this.#inflightRequests, rows: this.#inflightRows },
      pending: this.#pending,
      submitted: c.submitted,
      resolved: c.resolved,
      rejected: { ...c.rejected },
      rejectedTotal: c.rejectedTotal,
      batches: c.batches,
      failedBatches: c.failedBatches,
      batchSize: c.batchSize.snapshot(),
      queueWaitMs: c.queueWaitMs.snapshot(),
      computeMs: c.computeMs.snapshot(),
      config: {
        maxBatchSize: this.maxBatchSize,
        maxQueueDelayMs: this.#o.maxQueueDelayMs,
        maxQueueSize: this.#o.maxQueueSize,
        maxInflightBatches: this.maxInflightBatches,
        batchAxis: this.batchAxis,
      },
    };
  }

  /** True once drain() or close() was called. */
  get closed(): boolean {
    return this.#state !== OPEN;
  }

  /** Same as {@link closed} ({@link Runnable}). */
  get released(): boolean {
    return this.#state !== OPEN;
  }

  /** Capacity hint ({@link Runnable}): rows it runs at once, `maxInflightBatches × maxBatchSize`. */
  get parallelism(): number {
    return this.maxInflightBatches * this.maxBatchSize;
  }

  /**
   * Stops accepting requests (ERR_CLOSED), runs everything queued (without waiting for
   * maxQueueDelayMs), waits for the batches in flight, then releases the target if the batcher
   * owns it. Idempotent; resolves when done.
   */
  drain(): Promise<void> {
    if (this.#state === OPEN) {
      this.#state = DRAINING;
      if (this.#queuedEntries > 0) this.#schedule();
    }
    return this.#finished();
  }

  /**
   * Stops accepting requests, rejects everything queued with ERR_CLOSED, waits for the batches in
   * flight (their requests are answered), then releases the target if the batcher owns it.
   * Idempotent; may follow drain() to give up on what is still queued.
   */
  close(): Promise<void> {
    if (this.#state < CLOSING) {
      this.#state = CLOSING;
      const error = new OrtexError('ERR_CLOSED', 'the batcher was closed before the request ran');
      for (const g of this.#groups.values()) {
        for (const q of g.queues) for (const e of [...q.live()]) this.#reject(e.job, error);
      }
    }
    return this.#finished();
  }

  /** Same as close(), so a Batcher can stand in for a session. */
  release(): Promise<void> {
    return this.close();
  }

  [asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- queue -----------------------------------------------------------------------------------

  #group(key: string): ShapeGroup {
    let g = this.#groups.get(key);
    if (g === undefined) {
      g = new ShapeGroup(key, this.#o.priorityLevels);
      this.#groups.set(key, g);
    }
    return g;
  }

  #enqueue(e: BatchEntry): void {
    const g = e.group;
    g.queues[e.job.priority]!.push(e);
    g.rows += e.rows;
    g.count++;
    this.#queuedRows += e.rows;
    this.#queuedEntries++;
    e.job.queuedParts++;
  }

  /** Takes a queued entry out of the counters (it stays in its FIFO until it reaches the front). */
  #unqueue(e: BatchEntry, state: number): void {
    e.state = state;
    const g = e.group;
    g.rows -= e.rows;
    g.count--;
    this.#queuedRows -= e.rows;
    e.job.queuedParts--;
    if (--this.#queuedEntries === 0) this.#queueEmptied();
  }

  /** Nothing queued: no deadline or delay left to watch (running requests ignore deadlines). */
  #queueEmptied(): void {
    if (this.#deadlines.size > 0) this.#deadlines = new DeadlineHeap();
    if (this.#deadlineTimer) {
      clearTimeout(this.#deadlineTimer);
      this.#deadlineTimer = undefined;
      this.#deadlineAt = Infinity;
    }
    if (this.#delayTimer) {
      clearTimeout(this.#delayTimer);
      this.#delayTimer = undefined;
      this.#delayAt = Infinity;
    }
  }

  #schedule(): void {
    if (this.#immediate === undefined) this.#immediate = setImmediate(this.#tick);
  }

  readonly #tick = (): void => {
    this.#immediate = undefined;
    this.#pump();
  };

  /** Rows to take from `g` now, or 0 when it should wait. */
  #readyLimit(g: ShapeGroup, now: number): number {
    const max = this.maxBatchSize;
    if (g.rows >= max) return max;
    for (const p of this.#o.preferredBatchSizes) if (g.rows >= p) return p;
    const delay = this.#o.maxQueueDelayMs;
    if (delay === 0 || this.#state !== OPEN || now - g.oldest() >= delay) return max;
    return 0;
  }

  /** Starts every batch that is ready while run slots are free. */
  #pump(): void {
    if (this.#queuedEntries === 0) {
      if (this.#state !== OPEN) this.#maybeFinish();
      return;
    }
    const now = performance.now();
    while (this.#inflight < this.maxInflightBatches && this.#queuedEntries > 0) {
      let best: ShapeGroup | undefined;
      let bestLimit = 0;
      let bestPriority = Infinity;
      let bestAt = Infinity;
      for (const g of this.#groups.values()) {
        if (g.count === 0) {
          this.#groups.delete(g.key);
          continue;
        }
        const limit = this.#readyLimit(g, now);
        if (limit === 0) continue;
        const head = g.head()!;
        const p = head.job.priority;
        const at = head.job.enqueuedAt;
        if (p < bestPriority || (p === bestPriority && at < bestAt)) {
          best = g;
          bestLimit = limit;
          bestPriority = p;
          bestAt = at;
        }
      }
      if (best === undefined) break;
      this.#launch(best, bestLimit, now);
    }
    // Groups waiting for company: wake up when the first of them has waited long enough.
    if (this.#queuedEntries > 0 && this.#inflight < this.maxInflightBatches && this.#o.maxQueueDelayMs > 0) {
      let at = Infinity;
      for (const g of this.#groups.values()) if (g.count > 0) at = Math.min(at, g.oldest() + this.#o.maxQueueDelayMs);
      if (at !== Infinity) this.#armDelay(at);
    }
    if (this.#state !== OPEN) this.#maybeFinish();
  }

  /** Forms a batch of up to `limit` rows from `g` (priority order, then arrival) and runs it. */
  #launch(g: ShapeGroup, limit: number, now: number): void {
    const entries: BatchEntry[] = [];
    let rows = 0;
    let padTo = 0;
    let maxWait = 0;
    const wait = this.#counters.queueWaitMs;
    outer: for (let p = 0; p < g.queues.length; p++) {
      const q = g.queues[p]!;
      for (let e = q.peek(); e !== undefined; e = q.peek()) {
        if (rows > 0 && rows + e.rows > limit) break outer;
        q.shift();
        const job = e.job;
        if (job.deadline <= now) {
          this.#unqueue(e, DROPPED);
          this.#reject(job, this.#timeoutError(job, now));
          continue;
        }
        this.#unqueue(e, RUNNING);
        entries.push(e);
        rows += e.rows;
        if (e.padLength > padTo) padTo = e.padLength;
        const waited = now - job.enqueuedAt;
        wait.record(waited);
        if (waited > maxWait) maxWait = waited;
        if (rows >= limit) break outer;
      }
    }
    if (entries.length === 0) return;
    const batch: RunningBatch = { entries, rows, padTo, started: now, maxWait, held: undefined };
    this.#inflight++;
    this.#inflightRequests += entries.length;
    this.#inflightRows += rows;
    this.#counters.batches++;
    this.#counters.batchSize.record(rows);
    let promise: Promise<ReturnType>;
    try {
      const feeds = this.#merging ? this.#mergeFeeds(batch) : entries[0]!.feeds!;
      batch.started = performance.now();
      promise = this.target.run(feeds, this.#runOptions);
    } catch (e) {
      promise = Promise.reject(e);
    }
    promise.then(
      (out) => this.#completed(batch, out),
      (err) => this.#failed(batch, err),
    );
  }

  #mergeFeeds(batch: RunningBatch): FeedsType {
    const { entries, padTo } = batch;
    const layout = this.#layout;
    const axis = this.batchAxis!;
    const pad = layout.padding;
    const feeds: FeedsType = {};
    const inputs = layout.inputs;
    for (let j = 0; j < inputs.length; j++) {
      const input = inputs[j]!;
      let merged: Tensor;
      if (entries.length === 1 && input.padAxis < 0) merged = entries[0]!.tensors[j]!;
      else {
        const ts = new Array<Tensor>(entries.length);
        for (let i = 0; i < entries.length; i++) ts[i] = entries[i]!.tensors[j]!;
        if (axis === 0 && input.padAxis < 0 && input.info.array !== undefined) {
          const [t, base] = this.#buffers.concat(j, ts, input.info, this.maxBatchSize * this.#rowElements[j]!);
          batch.held ??= [];
          batch.held.push(j, base);
          merged = t;
        } else {
          merged = concatTensors(ts, input.info, axis, input.padAxis, padTo, pad?.value);
        }
      }
      feeds[input.name] = merged;
    }
    return feeds;
  }

  // --- completion ------------------------------------------------------------------------------

  #endBatch(batch: RunningBatch): number {
    const computeMs = performance.now() - batch.started;
    this.#counters.computeMs.record(computeMs);
    this.#inflight--;
    this.#inflightRequests -= batch.entries.length;
    this.#inflightRows -= batch.rows;
    const held = batch.held;
    if (held !== undefined) for (let i = 0; i < held.length; i += 2) this.#buffers.give(held[i] as number, held[i + 1] as Typed);
    return computeMs;
  }

  #completed(batch: RunningBatch, out: ReturnType): void {
    const computeMs = this.#endBatch(batch);
    const entries = batch.entries;
    let pieces: ReturnType[];
    if (!this.#merging) {
      pieces = [out];
    } else {
      try {
        pieces = this.#split(batch, out);
      } catch (e) {
        this.#failEntries(batch, e, computeMs);
        return;
      }
    }
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (!e.job.settled) this.#answer(e, pieces[i]!, batch.padTo);
    }
    if (this.listenerCount('batch') > 0) this.#emitBatch(batch, computeMs, undefined);
    this.#afterBatch();
  }

  #split(batch: RunningBatch, out: ReturnType): ReturnType[] {
    const entries = batch.entries;
    const axis = this.batchAxis!;
    const outputs = this.#layout.outputs;
    if (entries.length === 1) {
      for (const o of outputs) checkOutputRows(out[o.name], o.name, axis, batch.rows);
      return [out];
    }
    const rows = entries.map((e) => e.rows);
    const pieces: ReturnType[] = entries.map(() => ({}));
    for (const o of outputs) {
      const t = out[o.name];
      checkOutputRows(t, o.name, axis, batch.rows);
      const parts = splitTensor(t, o.info, axis, rows);
      for (let i = 0; i < parts.length; i++) pieces[i]![o.name] = parts[i]!;
    }
    return pieces;
  }

  /** Hands a batch's result to the entry's request (reassembling a split request when its last part arrives). */
  #answer(e: BatchEntry, result: ReturnType, padTo: number): void {
    const job = e.job;
    const padding = this.#layout.padding;
    if (job.results === undefined) {
      if (padding)
        (result as BatchResult)[PADDING] = { axes: padding.axes, length: e.padLength, paddedLength: padTo } satisfies PaddingInfo;
      this.#resolve(job, result);
      return;
    }
    job.results[e.part] = result;
    if (--job.remaining > 0) return;
    let merged: BatchResult;
    try {
      merged = this.#reassemble(job.results as ReturnType[]);
    } catch (err) {
      this.#reject(job, fromNative(err, 'ERR_RUNTIME'));
      return;
    }
    if (padding) merged[PADDING] = { axes: padding.axes, length: e.padLength, paddedLength: e.padLength };
    this.#resolve(job, merged);
  }

  #reassemble(parts: ReturnType[]): BatchResult {
    const axis = this.batchAxis!;
    const out: BatchResult = {};
    for (const o of this.#layout.outputs) {
      const ts = parts.map((r) => r[o.name] as Tensor);
      const first = ts[0]!.dims;
      for (const t of ts) {
        if (t.dims.length !== first.length || t.dims.some((d, i) => i !== axis && d !== first[i])) {
          throw new OrtexError(
            'ERR_RUNTIME',
            `the parts of a split request produced output '${o.name}' with different shapes ([${first.join(',')}] and [${t.dims.join(',')}]); use oversize: 'reject'`,
          );
        }
      }
      out[o.name] = concatTensors(ts, o.info, axis);
    }
    return out;
  }

  #failed(batch: RunningBatch, err: unknown): void {
    const computeMs = this.#endBatch(batch);
    this.#failEntries(batch, err, computeMs);
  }

  #failEntries(batch: RunningBatch, err: unknown, computeMs: number): void {
    this.#counters.failedBatches++;
    const cause = fromNative(err, 'ERR_RUNTIME');
    const options = {
      cause,
      details: { batchRows: batch.rows, batchRequests: batch.entries.length },
      ...(cause.ortCode !== undefined ? { ortCode: cause.ortCode } : {}),
      ...(cause.ortCodeName !== undefined ? { ortCodeName: cause.ortCodeName } : {}),
    };
    for (const e of batch.entries) {
      if (!e.job.settled) this.#reject(e.job, new OrtexError(cause.code, cause.message, options));
    }
    if (this.listenerCount('batch') > 0) this.#emitBatch(batch, computeMs, cause);
    this.#afterBatch();
  }

  #emitBatch(batch: RunningBatch, computeMs: number, error: OrtexError | undefined): void {
    const event: BatchEvent = {
      rows: batch.rows,
      requests: batch.entries.length,
      maxQueueWaitMs: batch.maxWait,
      computeMs,
      inflight: this.#inflight,
      queuedRows: this.#queuedRows,
    };
    if (this.#layout.padding) event.paddedLength = batch.padTo;
    if (error) event.error = error;
    this.emit('batch', event);
  }

  #afterBatch(): void {
    if (this.#queuedEntries > 0) this.#schedule();
    else if (this.#state !== OPEN) this.#maybeFinish();
  }

  // --- settling --------------------------------------------------------------------------------

  #resolve(job: BatchJob, result: BatchResult): void {
    if (job.settled) return;
    this.#settle(job);
    this.#counters.resolved++;
    job.resolve(result);
  }

  #reject(job: BatchJob, error: OrtexError): void {
    if (job.settled) return;
    this.#settle(job);
    this.#counters.reject(error.code);
    if (this.listenerCount('reject') > 0)
      this.emit('reject', { code: error.code, error, rows: job.rows, priority: job.priority } satisfies RejectEvent);
    job.reject(error);
  }

  #settle(job: BatchJob): void {
    job.settled = true;
    this.#pending--;
    if (job.onAbort) job.signal!.removeEventListener('abort', job.onAbort);
    if (job.queuedParts > 0) {
      for (const e of job.parts) if (e.state === QUEUED) this.#unqueue(e, DROPPED);
    }
  }

  /** A request rejected before it was queued. */
  #refuse(e: unknown, rows: number, priority: number): Promise<never> {
    const error = fromNative(e, 'ERR_INVALID_INPUT');
    this.#counters.reject(error.code);
    if (this.listenerCount('reject') > 0) this.emit('reject', { code: error.code, error, rows, priority } satisfies RejectEvent);
    return Promise.reject(error);
  }

  #abort(job: BatchJob): void {
    if (job.settled) return;
    const running = job.queuedParts < job.parts.length;
    this.#reject(
      job,
      new OrtexError(
        'ERR_ABORTED',
        running
          ? 'the request was aborted while its batch was running (the batch runs on for the other requests)'
          : 'the request was aborted while queued',
        { cause: job.signal?.reason },
      ),
    );
    if (this.#state !== OPEN) this.#maybeFinish();
  }

  #timeoutError(job: BatchJob, now: number): OrtexError {
    const waited = now - job.enqueuedAt;
    return new OrtexError(
      'ERR_TIMEOUT',
      `the request was dropped after waiting ${waited.toFixed(1)} ms in the batcher's queue (its timeout or deadline passed before its batch could start)`,
      { details: { waitedMs: waited } },
    );
  }

  // --- timers ----------------------------------------------------------------------------------

  #armDeadline(at: number): void {
    if (at >= this.#deadlineAt) return;
    if (this.#deadlineTimer) clearTimeout(this.#deadlineTimer);
    this.#deadlineAt = at;
    this.#deadlineTimer = setTimeout(this.#onDeadline, Math.max(0, Math.ceil(at - performance.now())));
  }

  readonly #onDeadline = (): void => {
    this.#deadlineTimer = undefined;
    this.#deadlineAt = Infinity;
    const now = performance.now();
    const heap = this.#deadlines;
    for (let j = heap.peek(); j !== undefined && (j.settled || j.deadline <= now); j = heap.peek()) {
      heap.pop();
      if (!j.settled && j.queuedParts > 0) this.#reject(j, this.#timeoutError(j, now));
    }
    const next = heap.peek();
    if (next) this.#armDeadline(next.deadline);
    if (this.#state !== OPEN) this.#maybeFinish();
  };

  #armDelay(at: number): void {
    if (at >= this.#delayAt) return;
    if (this.#delayTimer) clearTimeout(this.#delayTimer);
    this.#delayAt = at;
    this.#delayTimer = setTimeout(this.#onDelay, Math.max(0, Math.ceil(at - performance.now())));
  }

  readonly #onDelay = (): void => {
    this.#delayTimer = undefined;
    this.#delayAt = Infinity;
    this.#pump();
  };

  // --- closing ---------------------------------------------------------------------------------

  #finished(): Promise<void> {
    if (this.#closed === undefined) {
      this.#closed = new Promise<void>((resolve, reject) => {
        this.#resolveClosed = resolve;
        this.#rejectClosed = reject;
      });
    }
    this.#maybeFinish();
    return this.#closed;
  }

  #maybeFinish(): void {
    if (this.#state === OPEN || this.#finishing || this.#closed === undefined) return;
    if (this.#inflight > 0 || this.#queuedEntries > 0) return;
    this.#finishing = true;
    if (this.#deadlineTimer) clearTimeout(this.#deadlineTimer);
    if (this.#delayTimer) clearTimeout(this.#delayTimer);
    if (this.#immediate) clearImmediate(this.#immediate);
    this.#deadlineTimer = this.#delayTimer = this.#immediate = undefined;
    this.#groups.clear();
    this.#deadlines = new DeadlineHeap();
    const release = this.#o.ownsTarget ? Promise.resolve().then(() => this.target.release()) : Promise.resolve();
    release.then(
      () => {
        this.#state = CLOSED;
        this.#resolveClosed!();
        this.emit('close');
      },
      (e) => this.#rejectClosed!(e),
    );
  }
}

export type { BatcherOptions, BatcherCreateOptions, BatchRunOptions, BatcherStats, BatchEvent, RejectEvent };
