/** What a Batcher reports: counters, histograms and the payloads of its events. */
import { Histogram, type HistogramSnapshot } from '../base/histogram.js';
import type { OrtexError, OrtexErrorCode } from '../base/errors.js';
import type { ScheduleReport } from './schedule.js';
import type { SessionLayoutReport } from './session-layout-probe.js';

/**
 * A point-in-time view of a {@link Batcher}. The counters add up at every moment:
 * `submitted === resolved + rejectedTotal + pending`.
 */
export interface BatcherStats {
  /** Queue depth: queued entries (a split request counts once per part) and their rows. */
  queued: { requests: number; rows: number };
  /** Batches running now, the requests (entries) merged into them and their rows. */
  inflight: { batches: number; requests: number; rows: number };
  /** run() calls not yet settled (queued or running). */
  pending: number;
  /** run() calls, including those rejected at once (queue full, closed, invalid input). */
  submitted: number;
  /** run() calls resolved with outputs. */
  resolved: number;
  /** run() calls rejected, by error code (ERR_QUEUE_FULL, ERR_TIMEOUT, ERR_ABORTED, ERR_CLOSED, ERR_INVALID_INPUT, ERR_RUNTIME, ...). */
  rejected: Partial<Record<OrtexErrorCode, number>>;
  /** Sum of `rejected`. */
  rejectedTotal: number;
  /** Batches run, those of them that failed, and those stopped in the runtime because every request of theirs had left (cancel.ts). */
  batches: number;
  failedBatches: number;
  cancelledBatches: number;
  /** Rows per batch (buckets 1..maxBatchSize). */
  batchSize: HistogramSnapshot;
  /** Time each request (or part) spent queued before its batch started, in ms. */
  queueWaitMs: HistogramSnapshot;
  /** Time each batch took to run (from the call to its result), in ms. */
  computeMs: HistogramSnapshot;
  /** Options that shape the schedule, for dashboards. */
  config: {
    maxBatchSize: number;
    maxQueueDelayMs: number;
    maxQueueSize: number;
    maxInflightBatches: number;
    batchAxis: number | null;
    /** The schedule's name (Batcher option `schedule`). */
    schedule: string;
  };
  /**
   * What the schedule chose: the batch-size cap and batches in flight in force now and, for the
   * adaptive schedule, what it is doing and the measurements behind its choice.
   */
  schedule: ScheduleReport;
  /** With `sessionLayout: 'auto'` (Batcher.create's default): the layouts compared and the one chosen. */
  sessionLayout?: SessionLayoutReport;
}

/** Payload of the `'batch'` event, emitted when a batch completes (or fails). */
export interface BatchEvent {
  /** Rows in the batch. */
  rows: number;
  /** Entries (requests or parts) merged into it. */
  requests: number;
  /** Length the padded axis was padded to, when padding is on. */
  paddedLength?: number;
  /** Longest queue wait among its requests, in ms. */
  maxQueueWaitMs: number;
  /** Time the batch took to run, in ms. */
  computeMs: number;
  /** Batches still running and rows still queued, after this one. */
  inflight: number;
  queuedRows: number;
  /** The runtime's error, when the batch failed (each of its requests was rejected with it). */
  error?: OrtexError;
  /** True when the run was cancelled: every request of the batch had been answered before it ended. */
  cancelled?: true;
}

/** Payload of the `'reject'` event, emitted once for every rejected run() call. */
export interface RejectEvent {
  code: OrtexErrorCode;
  error: OrtexError;
  /** Rows of the request (0 if its feeds were invalid). */
  rows: number;
  priority: number;
}

/** @internal The mutable counters behind {@link BatcherStats}. */
export class BatchCounters {
  submitted = 0;
  resolved = 0;
  rejectedTotal = 0;
  readonly rejected: Partial<Record<OrtexErrorCode, number>> = {};
  batches = 0;
  failedBatches = 0;
  cancelledBatches = 0;
  readonly batchSize: Histogram;
  /** 10 µs … ~100 s, 20 % apart. */
  readonly queueWaitMs = Histogram.exponential(0.01, 1.2, 90);
  readonly computeMs = Histogram.exponential(0.01, 1.2, 90);

  constructor(maxBatchSize: number) {
    // Exact buckets up to 256 rows, then 10 % apart.
    const exact = Math.min(maxBatchSize, 256);
    const bounds = Array.from({ length: exact }, (_, i) => i + 1);
    for (let v = exact * 1.1; bounds[bounds.length - 1]! < maxBatchSize; v *= 1.1) bounds.push(Math.min(Math.ceil(v), maxBatchSize));
    this.batchSize = new Histogram(bounds);
  }

  reject(code: OrtexErrorCode): void {
    this.rejected[code] = (this.rejected[code] ?? 0) + 1;
    this.rejectedTotal++;
  }
}
