/**
 * The Batcher's pluggable schedule: when a queued group of requests runs, and how many rows it
 * takes. The Batcher keeps the queue, the run slots, the merging and the settling; a schedule only
 * decides. Strategies are files in schedules/, resolved by name (Batcher option `schedule`); the
 * default 'fixed' is the behaviour the options describe (maxQueueDelayMs, preferredBatchSizes).
 *
 * What a schedule sees: the batcher's state at the moment it decides (queue depth, batches and rows
 * in flight, the limits), each waiting group (its rows, requests and oldest arrival), and, through
 * `completed()`, every finished batch with its size and compute time, from which an adaptive
 * schedule learns. What it chooses: the next batch's size for a group (0: not now) and when to be
 * asked again about groups it let wait.
 *
 * To add a schedule: write schedules/<name>.ts exporting a ScheduleFactory, and add one line to
 * SCHEDULES below.
 */
import { fixedSchedule } from './schedules/fixed.js';

/** The batcher's state when a schedule decides. Valid during the call only. */
export interface ScheduleState {
  /** performance.now() of the decision. */
  readonly now: number;
  readonly maxBatchSize: number;
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
  /** The target failed the batch (its compute time says little about the model). */
  readonly failed: boolean;
}

export interface BatchSchedule {
  readonly name: string;
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
  /** A batch finished (completed or failed). */
  completed?(sample: BatchSample, state: ScheduleState): void;
}

/** The options a schedule is built from (validated Batcher options). */
export interface ScheduleOptions {
  readonly maxBatchSize: number;
  readonly maxQueueDelayMs: number;
  /** Largest first. */
  readonly preferredBatchSizes: readonly number[];
}

export type ScheduleFactory = (options: ScheduleOptions) => BatchSchedule;

/** Every schedule, by name. */
const SCHEDULES: Readonly<Record<string, ScheduleFactory>> = {
  fixed: fixedSchedule,
};

export const SCHEDULE_NAMES: readonly string[] = Object.keys(SCHEDULES);

/** The schedule called `name` (validated against SCHEDULE_NAMES by the options), built for `options`. */
export function resolveSchedule(name: string, options: ScheduleOptions): BatchSchedule {
  return SCHEDULES[name]!(options);
}
