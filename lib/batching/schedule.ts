/**
 * The Batcher's pluggable schedule: how many batches may run at once, when a queued group of
 * requests runs, and how many rows it takes. The Batcher keeps the queue, the run slots, the
 * merging and the settling; a schedule only decides. Strategies are files in schedules/, resolved
 * by name (Batcher option `schedule`): 'adaptive' (the default) learns batch size and batches in
 * flight from what it measures; 'fixed' is what the options say (maxQueueDelayMs,
 * preferredBatchSizes, maxInflightBatches).
 *
 * What a schedule sees: the batcher's state at the moment it decides (queue depth, batches and rows
 * in flight, the limits), each waiting group (its rows, requests and oldest arrival), and, through
 * `completed()`, every finished batch with its size, compute time and queue waits, from which an
 * adaptive schedule learns. What it chooses: how many batches may be in flight (up to the
 * batcher's bound), the next batch's size for a group (0: not now) and when to be asked again
 * about groups it let wait. `report()` says what it chose, for stats().
 *
 * To add a schedule: write schedules/<name>.ts exporting a ScheduleFactory, and add one line to
 * SCHEDULES below.
 */
import { adaptiveSchedule } from './schedules/adaptive.js';
import { fixedSchedule } from './schedules/fixed.js';

/** The batcher's state when a schedule decides. Valid during the call only (the object is reused). */
export interface ScheduleState {
  /** performance.now() of the decision. */
  readonly now: number;
  readonly maxBatchSize: number;
  /** The batcher's bound on batches in flight (its run slots); a schedule may use fewer. */
  readonly maxInflightBatches: number;
  /** Batches running now, and their rows. */
  readonly inflightBatches: number;
  readonly inflightRows: number;
  /** Everything queued (all groups): entries (a split request counts once per part) and rows. */
  readonly queuedRequests: number;
  readonly queuedRows: number;
  /** The batcher is draining or closing: whatever is queued should run without waiting. */
  readonly flushing: boolean;
}

/** A group of queued requests that may share a batch (same shape). */
export interface QueueGroup {
  readonly rows: number;
  readonly requests: number;
  /** performance.now() at which its longest-waiting request was queued. */
  readonly oldestEnqueuedAt: number;
}

/** A batch that finished, reported to the schedule. */
export interface BatchSample {
  readonly rows: number;
  readonly requests: number;
  /** From the call to the target to its result, in ms. */
  readonly computeMs: number;
  /** Longest queue wait among its requests, in ms. */
  readonly maxQueueWaitMs: number;
  /** Sum of its requests' queue waits, in ms (with `computeMs`: their mean latency). */
  readonly totalQueueWaitMs: number;
  /**
   * Batches already running when it started: at or above the target's parallelism it may have
   * waited inside the target, and `computeMs` includes that wait.
   */
  readonly startedBehind: number;
  /** The target failed the batch (its compute time says little about the model). */
  readonly failed: boolean;
}

/** What a schedule chose and, for one that learns, the measurements behind it (stats().schedule). */
export interface ScheduleReport {
  /** The schedule's name (Batcher option `schedule`). */
  readonly name: string;
  /** Most rows the next batch may take now (at most maxBatchSize). */
  readonly batchSizeCap: number;
  /** Batches allowed in flight now (at most config.maxInflightBatches). */
  readonly inflightBatches: number;
  /**
   * adaptive: what it is doing: `'warmup'` (first batches, not measured), `'measuring'` the
   * current choice, `'probing'` a neighbouring one, `'settled'` (every neighbour measured worse;
   * it re-checks when the load changes and now and then), or `'light'` (too little load for the
   * choice to matter: it keeps the last one).
   */
  readonly phase?: 'warmup' | 'measuring' | 'probing' | 'settled' | 'light';
  /** adaptive: the latest measurement window at the current choice. */
  readonly measured?: ScheduleMeasurement;
  /**
   * adaptive: fitted compute time of a batch, `fixedMs + perRowMs × rows` (recent batches, at the
   * current concurrency); undefined before enough batches.
   */
  readonly cost?: { readonly fixedMs: number; readonly perRowMs: number };
  /** adaptive: the latency target (Batcher option maxLatencyMs), when set. */
  readonly maxLatencyMs?: number;
  /** adaptive: neighbouring choices measured so far, and how many were better (adopted). */
  readonly probes?: number;
  readonly changes?: number;
}

/** One measurement window of the adaptive schedule. */
export interface ScheduleMeasurement {
  /** Rows answered per second. */
  readonly rowsPerSecond: number;
  /** Mean time of a request from queueing to result, ms. */
  readonly latencyMs: number;
  /** Mean rows per batch. */
  readonly meanBatchRows: number;
  /** Mean rows queued or in flight when a batch completed (the load). */
  readonly rowsInSystem: number;
  readonly batches: number;
  readonly ms: number;
}

export interface BatchSchedule {
  readonly name: string;
  /**
   * Batches that may run at once now: 1 to `state.maxInflightBatches` (values outside are
   * clamped). Asked at each dispatch, before `batchSize()`.
   */
  inflightLimit(state: ScheduleState): number;
  /**
   * Rows to take from `group` now: from 1 to `state.maxBatchSize` to start a batch at once (fewer
   * rows may be taken when requests do not split evenly), or 0 to let it wait. Asked only while a
   * run slot is free.
   */
  batchSize(group: QueueGroup, state: ScheduleState): number;
  /**
   * When to ask again about a group this schedule let wait (performance.now() ms), or Infinity to
   * wait for the next arrival or completion, which always ask again.
   */
  wakeAt(group: QueueGroup, state: ScheduleState): number;
  /** A batch finished (completed or failed). `state` is the batcher's after it. */
  completed?(sample: BatchSample, state: ScheduleState): void;
  /**
   * Its target runs batches again after a pause (the Batcher's session layout probe ran them on
   * another layout meanwhile, and reported none of those to this schedule): a measurement in
   * progress spans the pause and should start over.
   */
  resumed?(): void;
  /**
   * While held, a learning schedule keeps its current choice: it goes on measuring but tries no
   * neighbour. The layout probe holds a candidate layout's schedule at the choice it starts with
   * (the layout's own: one large batch at a time) while comparing it, and lets go if it wins.
   */
  hold?(on: boolean): void;
  /** What it chose (stats().schedule). */
  report(): ScheduleReport;
}

/** The options a schedule is built from (validated Batcher options). */
export interface ScheduleOptions {
  readonly maxBatchSize: number;
  readonly maxQueueDelayMs: number;
  /** Largest first. */
  readonly preferredBatchSizes: readonly number[];
  /** The batcher's bound on batches in flight. */
  readonly maxInflightBatches: number;
  /** What the target says it runs at once (its `parallelism` hint, at most the bound): where adaptive starts. */
  readonly targetParallelism: number;
  /** Latency target in ms (adaptive), Infinity for none. */
  readonly maxLatencyMs: number;
  /** adaptive: the batch-size cap it starts at (default maxBatchSize; the layout probe starts a candidate from what the first layout learned). */
  readonly startBatchSize?: number;
}

export type ScheduleFactory = (options: ScheduleOptions) => BatchSchedule;

/** Every schedule, by name. */
const SCHEDULES: Readonly<Record<string, ScheduleFactory>> = {
  adaptive: adaptiveSchedule,
  fixed: fixedSchedule,
};

export const SCHEDULE_NAMES: readonly string[] = Object.keys(SCHEDULES);

/** The schedule called `name` (validated against SCHEDULE_NAMES by the options), built for `options`. */
export function resolveSchedule(name: string, options: ScheduleOptions): BatchSchedule {
  return SCHEDULES[name]!(options);
}
