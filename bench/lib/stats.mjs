// Percentiles and histogram summaries shared by all benches.
import { createHistogram } from 'node:perf_hooks';

/** Nearest-rank percentile of an array of numbers, p in (0, 100]. Same definition as ceiling.cc. */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** Median (mean of the two middle values for even counts). */
export function median(values) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Constant-memory latency recorder (HDR histogram, 3 significant figures) in nanoseconds. */
export function latencyHistogram() {
  return createHistogram({ lowest: 1, highest: Number.MAX_SAFE_INTEGER, figures: 3 });
}

export function recordMs(hist, ms) {
  hist.record(Math.max(1, Math.round(ms * 1e6)));
}

/** { p50_us, p99_us, mean_us } of a latency histogram recorded in ns. */
export function latencySummary(hist) {
  if (hist.count === 0) return { p50_us: null, p99_us: null, mean_us: null };
  return {
    p50_us: round(hist.percentile(50) / 1e3, 3),
    p99_us: round(hist.percentile(99) / 1e3, 3),
    mean_us: round(hist.mean / 1e3, 3),
  };
}

/** { eld_p50_ms, eld_p99_ms, eld_max_ms } of a monitorEventLoopDelay histogram (ns). */
export function eventLoopSummary(hist) {
  if (hist.count === 0) return { eld_p50_ms: null, eld_p99_ms: null, eld_max_ms: null };
  return {
    eld_p50_ms: round(hist.percentile(50) / 1e6, 3),
    eld_p99_ms: round(hist.percentile(99) / 1e6, 3),
    eld_max_ms: round(hist.max / 1e6, 3),
  };
}

export function round(x, digits) {
  if (x == null || !Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
