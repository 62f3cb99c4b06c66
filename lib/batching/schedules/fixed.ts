/**
 * The 'fixed' schedule: what the Batcher's options say, nothing learned. Up to maxInflightBatches
 * batches run at once. A group runs at once when it holds maxBatchSize rows, or at least one of the
 * preferred sizes (the largest reachable), or when its oldest request has waited maxQueueDelayMs
 * (0, the default: at once), or while the batcher flushes its queue (drain, close). Otherwise it
 * waits until its oldest request's delay is up. Under load the batch size follows by itself:
 * requests pile up while every slot is busy.
 */
import type { BatchSchedule, QueueGroup, ScheduleOptions, ScheduleReport, ScheduleState } from '../schedule.js';

export function fixedSchedule(options: ScheduleOptions): BatchSchedule {
  const { maxBatchSize: max, maxQueueDelayMs: delay, preferredBatchSizes: preferred, maxInflightBatches } = options;
  return {
    name: 'fixed',
    inflightLimit(s: ScheduleState): number {
      return s.maxInflightBatches;
    },
    batchSize(g: QueueGroup, s: ScheduleState): number {
      if (g.rows >= max) return max;
      for (const p of preferred) if (g.rows >= p) return p;
      if (delay === 0 || s.flushing || s.now - g.oldestEnqueuedAt >= delay) return max;
      return 0;
    },
    wakeAt(g: QueueGroup): number {
      return delay > 0 ? g.oldestEnqueuedAt + delay : Infinity;
    },
    report(): ScheduleReport {
      return { name: 'fixed', batchSizeCap: max, inflightBatches: maxInflightBatches };
    },
  };
}
