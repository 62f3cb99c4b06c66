/**
 * Batcher: dynamic batching in front of an InferenceSession or a SessionPool, with the session's
 * `run(feeds, options)` shape. Concurrent requests are merged along the batch axis, run as one
 * batch, and the outputs are cut back into per-request results (views, not copies, along axis 0).
 * Triton's dynamic batcher is the model for the semantics.
 *
 * Scheduling. Requests queue by shape (equal non-batch dimensions; only those share a batch) and
 * priority. A batch starts when a run slot is free (fewer batches running than the schedule
 * allows, at most `maxInflightBatches`) and the schedule says its group is ready. The default
 * schedule, 'adaptive', runs a group at once and learns the batch-size cap and the batches in
 * flight from measured throughput and latency; 'fixed' waits until the group holds `maxBatchSize`
 * rows, or the largest reachable preferred size, or its oldest request has waited
 * `maxQueueDelayMs` (default 0: at once). Dispatch happens at most once per event-loop turn
 * (requests made in the same turn are dispatched together) and whenever a batch completes; one timer serves
 * all queue delays and one all request deadlines (no per-request timers). While every slot is
 * busy, requests pile up and form bigger batches.
 *
 * Back-pressure is visible: beyond `maxQueueSize` queued rows, requests are rejected with
 * ERR_QUEUE_FULL; `stats()` reports queue depth, in-flight batches, batch-size, queue-wait and
 * compute-time histograms and rejections by code; the `'batch'` and `'reject'` events feed a
 * metrics exporter. A listener that throws never reaches the request path: the error goes to the
 * batcher's `'error'` listeners, or becomes a process warning (ORTEX_LISTENER_ERROR).
 *
 * This file coordinates; the parts live beside it: queue.ts (queue bookkeeping), schedule.ts and
 * schedules/ (when a batch runs and how big), layout.ts (how the model batches), assemble.ts and
 * merge.ts (merge, split, reassemble), settle.ts (settling requests), deadlines.ts and timers.ts
 * (one timer each for deadlines and delays), lifecycle.ts (drain and close).
 *
 * ```js
 * const batcher = await Batcher.create('model.onnx', { maxBatchSize: 32, poolSize: 2 });
 * const out = await batcher.run({ x: new Tensor('float32', row, [1, 256]) }, { timeoutMs: 50 });
 * batcher.on('batch', (e) => histogram.observe(e.rows));
 * await batcher.drain();   // finish what is queued, then release
 * ```
 */
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import { onAbort } from '../base/abort.js';
import { asyncDispose } from '../base/async-dispose.js';
import { describe, fromNative, invalid, OrtexError } from '../base/errors.js';
import { integer } from '../base/validate.js';
import { emitSafely } from '../base/safe-emit.js';
import type { ModelIO, Runnable } from '../session/model-io.js';
import { parseRequestOptions } from '../session/run-options.js';
import { InferenceSession, type FeedsType, type ReturnType, type RunOptions } from '../session/session.js';
import { SessionPool } from '../session/session-pool.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ValueMetadata } from '../tensor/value-metadata.js';
import { Assembler } from './assemble.js';
import { BatchCancel, CANCEL_RUN_MS } from './cancel.js';
import { Deadlines } from './deadlines.js';
import { BatchLayout, type PaddingInfo } from './layout.js';
import { CLOSING, DRAINING, Lifecycle, OPEN } from './lifecycle.js';
import type { Typed } from './merge.js';
import {
  resolveBatcherOptions,
  type BatcherCreateOptions,
  type BatcherOptions,
  type BatchRunOptions,
  type ResolvedBatcherOptions,
} from './options.js';
import { BatchEntry, BatchJob, BatchQueue, PADDING, type BatchResult, type ShapeGroup } from './queue.js';
import { resolveSchedule, type ScheduleState } from './schedule.js';
import { Settler } from './settle.js';
import { BatchCounters, type BatcherStats, type BatchEvent, type RejectEvent } from './stats.js';
import { Alarm } from './timers.js';
import { createAutoLayout, resolveSessionLayout } from './session-layouts.js';
import { LAYOUT_CANDIDATE, LayoutProbe, type Lane, type LayoutCandidate, type SessionLayoutSpec } from './session-layout-probe.js';

/** The layout of a target the Batcher was given (it does not choose one). */
const GIVEN_LAYOUT: SessionLayoutSpec = { sessions: 1, intraOpNumThreads: 0 };

export { PADDING };
export type { BatchResult };

/**
 * What a Batcher runs batches on: an {@link InferenceSession}, a {@link SessionPool}, or any
 * other {@link Runnable} (e.g. a wrapper that adds tracing). `released` and `parallelism` may be
 * left out by a hand-written target: it then counts as open, with one batch in flight by default.
 * `run()` may return the result or a promise of it (as with `await`); a throw or a rejection fails
 * the requests of that batch with the error, and the batcher keeps serving.
 */
export interface BatchTarget extends ModelIO {
  run(feeds: FeedsType, options?: RunOptions): Promise<ReturnType>;
  release(): Promise<void>;
  readonly released?: boolean;
  readonly parallelism?: number;
}

interface RunningBatch {
  /** The layout it runs on. */
  lane: Lane<BatchTarget>;
  entries: BatchEntry[];
  rows: number;
  padTo: number;
  started: number;
  maxWait: number;
  /** Sum of its entries' queue waits. */
  totalWait: number;
  /** Batches running when it started. */
  behind: number;
  /** Pooled merge buffers to give back when the run completes: [input index, buffer, ...]. */
  held: (number | Typed)[];
  /** Set when the run can be cancelled (cancel.ts). */
  cancel: BatchCancel | undefined;
}

/** Event listeners of a Batcher (typed overloads of EventEmitter's). */
export interface Batcher {
  /** A batch completed or failed. */
  on(event: 'batch', listener: (e: BatchEvent) => void): this;
  /** A run() call was rejected (any code). */
  on(event: 'reject', listener: (e: RejectEvent) => void): this;
  /** The batcher finished closing (after drain() or close()). */
  on(event: 'close', listener: () => void): this;
  /** A 'batch', 'reject' or 'close' listener threw (without an 'error' listener, that becomes a process warning). */
  on(event: 'error', listener: (e: Error) => void): this;
  once(event: 'batch', listener: (e: BatchEvent) => void): this;
  once(event: 'reject', listener: (e: RejectEvent) => void): this;
  once(event: 'close', listener: () => void): this;
  once(event: 'error', listener: (e: Error) => void): this;
  off(event: 'batch', listener: (e: BatchEvent) => void): this;
  off(event: 'reject', listener: (e: RejectEvent) => void): this;
  off(event: 'close', listener: () => void): this;
  off(event: 'error', listener: (e: Error) => void): this;
}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface above only adds typed overloads of EventEmitter's own on/once/off
export class Batcher extends EventEmitter implements Runnable<BatchRunOptions> {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata: readonly ValueMetadata[];
  readonly outputMetadata: readonly ValueMetadata[];
  /** Axis requests are merged along, or null when they are queued but never merged. */
  readonly batchAxis: number | null;
  /** Most rows per batch (1 when not merging). */
  readonly maxBatchSize: number;
  /** Most batches running at once (the bound; the adaptive schedule may keep fewer: see `stats().schedule`). */
  readonly maxInflightBatches: number;

  readonly #o: ResolvedBatcherOptions;
  readonly #layout: BatchLayout;
  readonly #assembler: Assembler | undefined;
  /** The layout batches run on now: its target and its schedule. */
  #lane: Lane<BatchTarget>;
  /** With `sessionLayout: 'auto'`: the probe that chooses the layout, and every lane it made. */
  readonly #probe: LayoutProbe<BatchTarget> | undefined;
  readonly #lanes: Lane<BatchTarget>[] = [];
  readonly #runOptions: RunOptions;
  readonly #queue: BatchQueue;
  readonly #counters: BatchCounters;
  readonly #settler: Settler;
  readonly #deadlines: Deadlines;
  readonly #delay: Alarm;
  readonly #lifecycle = new Lifecycle();
  #immediate: NodeJS.Immediate | undefined;
  #inflight = 0;
  #inflightRequests = 0;
  #inflightRows = 0;
  /** Batches that ran to the end (the first, a warm-up, is not a measure of the others), and the fastest of the rest in ms. */
  #measuredBatches = 0;
  #fastestMs = Infinity;
  /** What the schedule sees, refreshed at each decision (one object, no allocation per batch). */
  readonly #stateView = {
    now: 0,
    maxBatchSize: 0,
    maxInflightBatches: 0,
    inflightBatches: 0,
    inflightRows: 0,
    queuedRequests: 0,
    queuedRows: 0,
    flushing: false,
  };

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
    this.inputNames = t.inputNames;
    this.outputNames = t.outputNames;
    this.inputMetadata = t.inputMetadata;
    this.outputMetadata = t.outputMetadata;
    this.#layout = new BatchLayout(t.inputMetadata, t.outputMetadata, o.batchAxis, o.padding);
    const merging = o.batchAxis !== null;
    this.batchAxis = o.batchAxis;
    this.maxBatchSize = merging ? o.maxBatchSize : 1;
    // Batches run off the JS thread unless told otherwise: the next batch forms (and, with more
    // than one in flight, starts) while one runs.
    this.#runOptions = { mode: 'async', ...(o.runOptions ?? {}) };
    const candidate = (options as { [LAYOUT_CANDIDATE]?: LayoutCandidate } | undefined)?.[LAYOUT_CANDIDATE];
    const first = this.#makeLane(t, candidate?.first ?? GIVEN_LAYOUT);
    this.#lane = first;
    // The first layout has the most parallelism (the candidate runs one batch with every core):
    // its bound is the batcher's.
    this.maxInflightBatches = first.maxInflightBatches;
    this.#stateView.maxBatchSize = this.maxBatchSize;
    this.#stateView.maxInflightBatches = first.maxInflightBatches;
    const lifecycle = this.#lifecycle;
    this.#probe =
      candidate === undefined
        ? undefined
        : new LayoutProbe<BatchTarget>(
            {
              makeLane: (target, spec, startBatchSize) => this.#makeLane(target, spec, startBatchSize),
              activate: (lane) => this.#activate(lane),
              retire: (lane) => this.#retire(lane),
              get closing() {
                return !lifecycle.open;
              },
            },
            first,
            candidate,
            o.maxLatencyMs,
          );
    this.#assembler = merging ? new Assembler(this.#layout, this.maxBatchSize, this.maxInflightBatches + 1) : undefined;
    this.#counters = new BatchCounters(this.maxBatchSize);
    this.#queue = new BatchQueue(o.priorityLevels, () => this.#queueEmptied());
    this.#settler = new Settler(this.#counters, this.#queue, this);
    this.#deadlines = new Deadlines(
      (job, now) => this.#settler.expire(job, now),
      () => this.#maybeFinish(),
    );
    this.#delay = new Alarm(() => this.#pump());
  }

  /** The session or pool batches run on now (with `sessionLayout: 'auto'`, the layout in use). */
  get target(): BatchTarget {
    return this.#lane.target;
  }

  /** A lane for `target`: its schedule starts at the target's parallelism hint (and at `startBatchSize` rows, when given). */
  #makeLane(target: BatchTarget, spec: SessionLayoutSpec, startBatchSize?: number): Lane<BatchTarget> {
    const o = this.#o;
    const hint = target.parallelism;
    const parallelism = typeof hint === 'number' && Number.isInteger(hint) && hint >= 1 ? Math.min(hint, 1024) : 1;
    // The adaptive schedule may go above the hint (batches queued in the runtime overlap the JS
    // thread's merge and split work with native compute), within a bound.
    const maxInflightBatches = o.maxInflightBatches ?? (o.schedule === 'adaptive' ? Math.min(1024, 2 * parallelism + 2) : parallelism);
    const schedule = resolveSchedule(o.schedule, {
      maxBatchSize: Math.min(this.maxBatchSize, spec.maxBatchSize ?? Infinity),
      maxQueueDelayMs: o.maxQueueDelayMs,
      preferredBatchSizes: o.preferredBatchSizes,
      maxInflightBatches,
      targetParallelism: parallelism,
      maxLatencyMs: o.maxLatencyMs,
      ...(startBatchSize !== undefined ? { startBatchSize } : {}),
    });
    const lane: Lane<BatchTarget> = { spec, target, schedule, maxInflightBatches, inflight: 0, retired: false, releasing: undefined };
    this.#lanes.push(lane);
    return lane;
  }

  /** New batches run on `lane` (the layout probe switched). */
  #activate(lane: Lane<BatchTarget>): void {
    this.#lane = lane;
    this.#stateView.maxInflightBatches = Math.min(lane.maxInflightBatches, this.maxInflightBatches);
    lane.schedule.resumed?.();
    if (this.#queue.entries > 0) this.#schedulePump();
  }

  /** `lane` is no longer used: released once its batches in flight are done. */
  #retire(lane: Lane<BatchTarget>): void {
    lane.retired = true;
    if (lane.inflight === 0) this.#releaseLane(lane);
  }

  /** Releases `lane`'s target once (not the batcher's first target unless it owns it: the layout probe's are always its own). */
  #releaseLane(lane: Lane<BatchTarget>): Promise<void> {
    if (lane === this.#lanes[0] && !this.#o.ownsTarget) return Promise.resolve();
    if (lane.releasing === undefined) {
      lane.releasing = Promise.resolve().then(() => lane.target.release());
      // A release that fails while the batcher serves on is reported by close(), not as an unhandled rejection.
      lane.releasing.catch(() => {});
    }
    return lane.releasing;
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
    const { sessionOptions, poolSize, sessionLayout, ...rest } = options;
    if (model !== null && typeof model === 'object' && typeof (model as BatchTarget).run === 'function') {
      if (sessionOptions !== undefined || poolSize !== undefined || sessionLayout !== undefined) {
        throw invalid(
          'ERR_INVALID_ARGUMENT',
          'Batcher.create options',
          'no sessionOptions, poolSize or sessionLayout when wrapping an existing session or pool',
          'them',
        );
      }
      return new Batcher(model as BatchTarget, rest);
    }
    const resolved = resolveBatcherOptions(rest); // fail before loading the model
    if (poolSize !== undefined) integer(poolSize, 'Batcher option poolSize', 1, 1024);
    const source = model as string | Uint8Array | ArrayBuffer | ArrayBufferView;
    const cores = availableParallelism();
    const mode = resolveSessionLayout({ sessionLayout, poolSize, sessionOptions, schedule: resolved.schedule, cores });
    if (mode === 'auto') {
      const { first, candidate } = await createAutoLayout(source, sessionOptions, cores, rest.maxBatchSize);
      try {
        const maxBatchSize = Math.max(candidate.first.maxBatchSize!, candidate.candidate.maxBatchSize!);
        return new Batcher(first, { ...rest, maxBatchSize, ownsTarget: true, [LAYOUT_CANDIDATE]: candidate } as BatcherOptions);
      } catch (e) {
        await first.release();
        throw e;
      }
    }
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
   * ERR_QUEUE_FULL, ERR_TIMEOUT, ERR_ABORTED, ERR_CLOSED, ERR_INVALID_INPUT (bad feeds, a request
   * larger than maxQueueSize, or an oversize request with `oversize: 'reject'`), or the runtime's
   * error if its batch failed. Never throws synchronously.
   */
  run(feeds: FeedsType, options?: BatchRunOptions): Promise<BatchResult> {
    const o = this.#o;
    const settler = this.#settler;
    this.#counters.submitted++;
    let priority = o.defaultPriority;
    const state = this.#lifecycle.state;
    if (state !== OPEN)
      return settler.refuse(
        new OrtexError('ERR_CLOSED', `the batcher is ${state === DRAINING ? 'draining' : 'closed'} and accepts no new requests`),
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
    const merging = this.#assembler !== undefined;
    try {
      if (options !== undefined) {
        const r = parseRequestOptions(options, o.priorityLevels);
        if (r.priority !== undefined) priority = r.priority;
        if (r.timeoutMs !== undefined) timeoutMs = r.timeoutMs;
        if (r.deadline !== undefined) absolute = r.deadline;
        signal = r.signal;
      }
      if (merging) {
        const p = this.#layout.prepare(feeds);
        rows = p.rows;
        key = p.key;
        tensors = p.tensors;
        padLength = p.padLength;
      } else if (feeds === null || typeof feeds !== 'object' || Array.isArray(feeds)) {
        throw invalid('ERR_INVALID_INPUT', 'feeds', 'an object of input name → value', describe(feeds));
      }
    } catch (e) {
      return settler.refuse(e, 0, priority);
    }
    if (signal?.aborted)
      return settler.refuse(
        new OrtexError('ERR_ABORTED', 'the request was aborted before it was queued', { cause: signal.reason }),
        rows,
        priority,
      );
    const refusal = this.#admission(rows);
    if (refusal) return settler.refuse(refusal, rows, priority);
    const now = performance.now();
    let deadline = timeoutMs === Infinity ? Infinity : now + timeoutMs;
    if (absolute !== Infinity) deadline = Math.min(deadline, now + (absolute - Date.now()));
    const job = new BatchJob(rows, priority, now, deadline);
    settler.pending++;
    const queue = this.#queue;
    if (rows <= this.maxBatchSize) {
      const entry = new BatchEntry(job, 0, rows, tensors, queue.group(key), padLength, merging ? undefined : feeds);
      job.parts = [entry];
      queue.enqueue(entry);
    } else {
      // Oversize: parts of maxBatchSize rows. With padding they only join parts of equal length
      // (never padded), so their outputs reassemble.
      const group = queue.group(this.#layout.padding ? `${key}\0${padLength}` : key);
      const parts = this.#assembler!.splitRequest(tensors, rows);
      job.results = new Array(parts.length);
      job.remaining = parts.length;
      parts.forEach((part, i) => {
        const entry = new BatchEntry(job, i, part.rows, part.tensors, group, padLength, undefined);
        job.parts.push(entry);
        queue.enqueue(entry);
      });
    }
    if (deadline !== Infinity) this.#deadlines.add(job, queue.entries);
    if (signal) {
      job.signal = signal;
      job.unsubscribe = onAbort(signal, () => {
        settler.abort(job);
        this.#maybeFinish();
      });
    }
    this.#schedulePump();
    return job.promise;
  }

  /** Why a request of `rows` rows cannot be queued now, or undefined. */
  #admission(rows: number): OrtexError | undefined {
    const o = this.#o;
    const max = this.maxBatchSize;
    if (rows > max && o.oversize === 'reject') {
      return invalid(
        'ERR_INVALID_INPUT',
        'feeds',
        `at most ${max} rows along the batch axis (maxBatchSize; or oversize: 'split')`,
        `${rows} rows`,
      );
    }
    if (rows > o.maxQueueSize) {
      // Retrying cannot help: say so with a client error instead of ERR_QUEUE_FULL.
      return invalid(
        'ERR_INVALID_INPUT',
        'feeds',
        `at most ${o.maxQueueSize} rows in one request (maxQueueSize: a larger request can never be queued; raise maxQueueSize or send smaller requests)`,
        `${rows} rows`,
      );
    }
    const queued = this.#queue.rows;
    if (queued + rows > o.maxQueueSize) {
      return new OrtexError(
        'ERR_QUEUE_FULL',
        `the batcher's queue is full: ${queued} of ${o.maxQueueSize} rows are waiting (maxQueueSize), no room for ${rows} more`,
        { details: { queuedRows: queued, maxQueueSize: o.maxQueueSize, rows } },
      );
    }
    return undefined;
  }

  /** Counters, queue depth, in-flight work and histograms; see {@link BatcherStats}. */
  stats(): BatcherStats {
    const c = this.#counters;
    return {
      queued: { requests: this.#queue.entries, rows: this.#queue.rows },
      inflight: { batches: this.#inflight, requests: this.#inflightRequests, rows: this.#inflightRows },
      pending: this.#settler.pending,
      submitted: c.submitted,
      resolved: c.resolved,
      rejected: { ...c.rejected },
      rejectedTotal: c.rejectedTotal,
      batches: c.batches,
      failedBatches: c.failedBatches,
      cancelledBatches: c.cancelledBatches,
      batchSize: c.batchSize.snapshot(),
      queueWaitMs: c.queueWaitMs.snapshot(),
      computeMs: c.computeMs.snapshot(),
      config: {
        maxBatchSize: this.maxBatchSize,
        maxQueueDelayMs: this.#o.maxQueueDelayMs,
        maxQueueSize: this.#o.maxQueueSize,
        maxInflightBatches: this.maxInflightBatches,
        batchAxis: this.batchAxis,
        schedule: this.#lane.schedule.name,
      },
      schedule: this.#lane.schedule.report(),
      ...(this.#probe ? { sessionLayout: this.#probe.report() } : {}),
    };
  }

  /**
   * The fastest batch that ran to the end, in ms (the first batch, a warm-up, and failed or
   * cancelled ones left out); Infinity until there is one. A busy machine slows some batches
   * down, never the model's own cost, so this is the figure for "how long can a batch take".
   */
  get fastestBatchMs(): number {
    return this.#fastestMs;
  }

  /** True once drain() or close() was called. */
  get closed(): boolean {
    return !this.#lifecycle.open;
  }

  /** Same as {@link closed} ({@link Runnable}). */
  get released(): boolean {
    return !this.#lifecycle.open;
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
    const lc = this.#lifecycle;
    if (lc.open) {
      lc.state = DRAINING;
      if (this.#queue.entries > 0) this.#schedulePump();
    }
    return this.#finished();
  }

  /**
   * Stops accepting requests, rejects everything queued with ERR_CLOSED, waits for the batches in
   * flight (their requests are answered), then releases the target if the batcher owns it.
   * Idempotent; may follow drain() to give up on what is still queued.
   */
  close(): Promise<void> {
    const lc = this.#lifecycle;
    if (lc.state < CLOSING) {
      lc.state = CLOSING;
      const error = new OrtexError('ERR_CLOSED', 'the batcher was closed before the request ran');
      for (const e of this.#queue.live()) this.#settler.reject(e.job, error);
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

  // --- scheduling ------------------------------------------------------------------------------

  /** Nothing queued: no deadline or delay left to watch. */
  #queueEmptied(): void {
    this.#deadlines.clear();
    this.#delay.clear();
  }

  /** Pumps once in the next event-loop turn (requests made in this turn share a batch). */
  #schedulePump(): void {
    if (this.#immediate === undefined) this.#immediate = setImmediate(this.#tick);
  }

  readonly #tick = (): void => {
    this.#immediate = undefined;
    this.#pump();
  };

  #state(now: number): ScheduleState {
    const v = this.#stateView;
    v.now = now;
    v.inflightBatches = this.#inflight;
    v.inflightRows = this.#inflightRows;
    v.queuedRequests = this.#queue.entries;
    v.queuedRows = this.#queue.rows;
    v.flushing = !this.#lifecycle.open;
    return v;
  }

  /** Starts every batch the schedule says is ready while run slots are free. */
  #pump(): void {
    const queue = this.#queue;
    if (queue.entries > 0) {
      const lane = this.#lane;
      const schedule = lane.schedule;
      const now = performance.now();
      const allowed = schedule.inflightLimit(this.#state(now));
      const slots = allowed >= 1 ? Math.min(Math.floor(allowed), lane.maxInflightBatches, this.maxInflightBatches) : 1;
      while (this.#inflight < slots && queue.entries > 0) {
        const state = this.#state(now);
        const next = queue.pick((g) => schedule.batchSize(g, state));
        if (next === undefined) break;
        this.#launch(next[0], Math.min(next[1], this.maxBatchSize), now);
      }
      // Groups left waiting: ask again when the schedule says.
      if (queue.entries > 0 && this.#inflight < slots) {
        const state = this.#state(now);
        this.#delay.armAt(queue.earliest((g) => schedule.wakeAt(g, state)));
      }
    }
    this.#maybeFinish();
  }

  /** Forms a batch of up to `limit` rows from `g` and runs it. */
  #launch(g: ShapeGroup, limit: number, now: number): void {
    const { entries, rows } = this.#queue.take(g, limit, now, (e) => this.#settler.expire(e.job, now));
    if (entries.length === 0) return;
    let padTo = 0;
    let maxWait = 0;
    let totalWait = 0;
    const wait = this.#counters.queueWaitMs;
    for (const e of entries) {
      if (e.padLength > padTo) padTo = e.padLength;
      const waited = now - e.job.enqueuedAt;
      wait.record(waited);
      totalWait += waited;
      if (waited > maxWait) maxWait = waited;
    }
    const lane = this.#lane;
    const cancel = this.#cancellable(entries) ? new BatchCancel(entries) : undefined;
    const batch: RunningBatch = { lane, entries, rows, padTo, started: now, maxWait, totalWait, behind: this.#inflight, held: [], cancel };
    this.#inflight++;
    lane.inflight++;
    this.#inflightRequests += entries.length;
    this.#inflightRows += rows;
    this.#counters.batches++;
    this.#counters.batchSize.record(rows);
    let result: unknown;
    try {
      const feeds = this.#assembler ? this.#assembler.merge(entries, padTo, batch.held) : entries[0]!.feeds!;
      batch.started = performance.now();
      if (cancel !== undefined) {
        if (this.#o.timeoutScope === 'request') cancel.expireAtDeadlines((job, at) => this.#settler.expireRunning(job, at));
        result = lane.target.run(feeds, { ...this.#runOptions, signal: cancel.signal });
      } else result = lane.target.run(feeds, this.#runOptions);
    } catch (e) {
      result = Promise.reject(e);
    }
    // A plain value is taken as the result, as `await` would; a thenable that throws rejects.
    Promise.resolve(result).then(
      (out) => this.#completed(batch, out as ReturnType),
      (err) => this.#failed(batch, err),
    );
  }

  /**
   * True when a batch of `entries` should run with a cancel signal: batches can take long (none
   * measured yet, or the fastest took ≥ CANCEL_RUN_MS) and some request in it can leave before
   * the run ends (a signal of its own, or a deadline the run is held to).
   */
  #cancellable(entries: readonly BatchEntry[]): boolean {
    if (this.#fastestMs < CANCEL_RUN_MS) return false;
    const deadlines = this.#o.timeoutScope === 'request';
    for (const e of entries) if (e.job.signal !== undefined || (deadlines && e.job.deadline !== Infinity)) return true;
    return false;
  }

  // --- completion ------------------------------------------------------------------------------

  #endBatch(batch: RunningBatch): number {
    batch.cancel?.end();
    const computeMs = performance.now() - batch.started;
    this.#counters.computeMs.record(computeMs);
    this.#inflight--;
    this.#inflightRequests -= batch.entries.length;
    this.#inflightRows -= batch.rows;
    if (batch.held.length > 0) this.#assembler!.release(batch.held);
    const lane = batch.lane;
    if (--lane.inflight === 0 && lane.retired) void this.#releaseLane(lane);
    return computeMs;
  }

  #completed(batch: RunningBatch, out: ReturnType): void {
    const computeMs = this.#endBatch(batch);
    const entries = batch.entries;
    let pieces: ReturnType[];
    try {
      pieces = this.#assembler ? this.#assembler.split(out, entries, batch.rows) : [out];
    } catch (e) {
      this.#failEntries(batch, e, computeMs);
      return;
    }
    // With timeoutScope 'request', a request whose deadline passed during the run is answered so
    // (on a batch that can be cancelled the alarm already did; this covers shorter ones).
    const late = this.#o.timeoutScope === 'request' ? performance.now() : -Infinity;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.job.settled) continue;
      if (e.job.deadline <= late) this.#settler.expireRunning(e.job, late);
      else this.#answer(e, pieces[i]!, batch.padTo);
    }
    this.#afterBatch(batch, computeMs, undefined);
  }

  /** Hands a batch's result to the entry's request (reassembling a split request when its last part arrives). */
  #answer(e: BatchEntry, result: ReturnType, padTo: number): void {
    const job = e.job;
    const padding = this.#layout.padding;
    if (job.results === undefined) {
      if (padding)
        (result as BatchResult)[PADDING] = { axes: padding.axes, length: e.padLength, paddedLength: padTo } satisfies PaddingInfo;
      this.#settler.resolve(job, result);
      return;
    }
    job.results[e.part] = result;
    if (--job.remaining > 0) return;
    let merged: BatchResult;
    try {
      merged = this.#assembler!.reassemble(job.results as ReturnType[]);
    } catch (err) {
      this.#settler.reject(job, fromNative(err, 'ERR_RUNTIME'));
      return;
    }
    if (padding) merged[PADDING] = { axes: padding.axes, length: e.padLength, paddedLength: e.padLength };
    this.#settler.resolve(job, merged);
  }

  #failed(batch: RunningBatch, err: unknown): void {
    const computeMs = this.#endBatch(batch);
    this.#failEntries(batch, err, computeMs);
  }

  #failEntries(batch: RunningBatch, err: unknown, computeMs: number): void {
    // A cancelled run's requests were all answered already; it did not fail.
    if (batch.cancel?.cancelled) {
      this.#afterBatch(batch, computeMs, undefined);
      return;
    }
    this.#counters.failedBatches++;
    const cause = fromNative(err, 'ERR_RUNTIME');
    const options = {
      cause,
      details: { batchRows: batch.rows, batchRequests: batch.entries.length },
      ...(cause.ortCode !== undefined ? { ortCode: cause.ortCode } : {}),
      ...(cause.ortCodeName !== undefined ? { ortCodeName: cause.ortCodeName } : {}),
    };
    for (const e of batch.entries) {
      if (!e.job.settled) this.#settler.reject(e.job, new OrtexError(cause.code, cause.message, options));
    }
    this.#afterBatch(batch, computeMs, cause);
  }

  /** Reports the finished batch (schedule, 'batch' event) and schedules what comes next. */
  #afterBatch(batch: RunningBatch, computeMs: number, error: OrtexError | undefined): void {
    // A batch of a layout no longer in use teaches the current one's schedule nothing.
    const lane = batch.lane;
    const schedule = lane.schedule;
    // Counted whether the runtime stopped it or it ended just as it was cancelled: either way every request had left.
    const cancelled = batch.cancel?.cancelled === true;
    if (cancelled) this.#counters.cancelledBatches++;
    if (!error && !cancelled && this.#measuredBatches++ > 0 && computeMs < this.#fastestMs) this.#fastestMs = computeMs;
    // A cancelled run stopped early: its time measures nothing.
    if (lane === this.#lane && !cancelled && (schedule.completed || this.#probe)) {
      const sample = {
        rows: batch.rows,
        requests: batch.entries.length,
        computeMs,
        maxQueueWaitMs: batch.maxWait,
        totalQueueWaitMs: batch.totalWait,
        startedBehind: batch.behind,
        failed: error !== undefined,
      };
      const state = this.#state(performance.now());
      schedule.completed?.(sample, state);
      this.#probe?.completed(sample, state);
    }
    if (this.listenerCount('batch') > 0) {
      const event: BatchEvent = {
        rows: batch.rows,
        requests: batch.entries.length,
        maxQueueWaitMs: batch.maxWait,
        computeMs,
        inflight: this.#inflight,
        queuedRows: this.#queue.rows,
      };
      if (this.#layout.padding) event.paddedLength = batch.padTo;
      if (error) event.error = error;
      if (cancelled) event.cancelled = true;
      emitSafely(this, 'Batcher', 'batch', event);
    }
    if (this.#queue.entries > 0) this.#schedulePump();
    else this.#maybeFinish();
  }

  // --- closing ---------------------------------------------------------------------------------

  #finished(): Promise<void> {
    const closed = this.#lifecycle.closed();
    this.#maybeFinish();
    return closed;
  }

  /** Releases the target if owned, and every layout the probe made (one being created too, once it is). */
  async #releaseAll(): Promise<void> {
    await this.#probe?.close();
    const results = await Promise.allSettled(this.#lanes.map((lane) => this.#releaseLane(lane)));
    const failed = results.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  #maybeFinish(): void {
    this.#lifecycle.maybeFinish(
      this.#inflight === 0 && this.#queue.entries === 0,
      () => {
        this.#delay.clear();
        this.#deadlines.clear();
        if (this.#immediate) clearImmediate(this.#immediate);
        this.#immediate = undefined;
        this.#queue.clear();
        return this.#releaseAll();
      },
      () => {
        if (this.listenerCount('close') > 0) emitSafely(this, 'Batcher', 'close');
      },
    );
  }
}

export type { BatcherOptions, BatcherCreateOptions, BatchRunOptions, BatcherStats, BatchEvent, RejectEvent };
