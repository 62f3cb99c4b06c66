/**
 * Triton's statistics extension (`GET /v2/models[/{m}[/versions/{v}]]/stats`): per-version
 * counts and cumulative durations in nanoseconds, as perf_analyzer reads them to show the
 * server's side of a measurement (success, queue, compute). Every number is an integer
 * (perf_analyzer's JSON reader takes them as uint64). What ortex does not time separately is
 * reported as 0 ns: decoding and encoding (`compute_input`, `compute_output`: they are inside
 * the request's `success` time), and the per-batch-size split (`batch_stats` is empty; batch
 * sizes are on /metrics as `ortex_batch_size`). The warm-up run is left out.
 */
import type { ModelVersionStats } from './model-version.js';

interface DurationStat {
  count: number;
  ns: number;
}

export interface TritonModelStat {
  name: string;
  version: string;
  last_inference: number;
  inference_count: number;
  execution_count: number;
  inference_stats: Record<
    'success' | 'fail' | 'queue' | 'compute_input' | 'compute_infer' | 'compute_output' | 'cache_hit' | 'cache_miss',
    DurationStat
  >;
  batch_stats: never[];
}

const stat = (count: number, ms: number): DurationStat => ({
  count: Math.max(0, Math.round(count)),
  ns: Math.max(0, Math.round(ms * 1e6)),
});

export function tritonModelStat(s: ModelVersionStats): TritonModelStat {
  const b = s.batcher;
  const w = s.warmup;
  const executions = b.batches - b.failedBatches - b.cancelledBatches - w.batches;
  const computeCount = b.computeMs.count - w.computeCount;
  return {
    name: s.model,
    version: s.version,
    last_inference: s.lastRequestAt,
    inference_count: s.succeeded.rows,
    execution_count: Math.max(0, executions),
    inference_stats: {
      success: stat(s.succeeded.count, s.succeeded.ms),
      fail: stat(s.failed.count, s.failed.ms),
      queue: stat(b.queueWaitMs.count - w.queueCount, b.queueWaitMs.sum - w.queueMs),
      compute_input: stat(computeCount, 0),
      compute_infer: stat(computeCount, b.computeMs.sum - w.computeMs),
      compute_output: stat(computeCount, 0),
      cache_hit: stat(0, 0),
      cache_miss: stat(0, 0),
    },
    batch_stats: [],
  };
}
