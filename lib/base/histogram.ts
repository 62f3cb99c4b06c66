/**
 * A constant-memory histogram with fixed bucket bounds, cheap enough to record on every request
 * (one binary search). Shaped for metrics exporters: `snapshot()` gives Prometheus-style upper
 * bounds with per-bucket counts, plus count, sum, min, max, mean and a few percentiles.
 */
import { describe, invalid } from './errors.js';

/** A point-in-time copy of a {@link Histogram}. */
export interface HistogramSnapshot {
  /** Values recorded. */
  count: number;
  /** Sum of the values recorded. */
  sum: number;
  /** Smallest and largest value recorded (0 when empty). */
  min: number;
  max: number;
  /** sum / count (0 when empty). */
  mean: number;
  /** Nearest-rank percentiles, resolved to their bucket's upper bound and clamped to [min, max]. */
  p50: number;
  p90: number;
  p99: number;
  /** Inclusive upper bounds of the buckets, ascending; one more bucket (+Inf) follows the last. */
  bounds: number[];
  /**
   * Values per bucket (not cumulative): `counts[i]` counts values `v` with
   * `bounds[i-1] < v <= bounds[i]`; `counts[bounds.length]` counts values above the last bound.
   * A Prometheus exporter sums them into its cumulative `le` buckets.
   */
  counts: number[];
}

/**
 * Nearest-rank percentile (`p` in [0, 100]) of values counted per bucket (`counts[i]` values in
 * `(bounds[i-1], bounds[i]]`, `counts[bounds.length]` above the last bound): the upper bound of the
 * bucket holding that rank, clamped to [min, max] (the +Inf bucket resolves to max). 0 when no
 * value is counted. Works on any counts over these bounds, e.g. the difference of two snapshots
 * of one histogram (then min and max of the later snapshot still bound every value).
 */
export function bucketPercentile(bounds: ArrayLike<number>, counts: ArrayLike<number>, p: number, min: number, max: number): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (total <= 0) return 0;
  const rank = Math.max(1, Math.ceil((Math.min(Math.max(p, 0), 100) / 100) * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) {
      const bound = i < bounds.length ? bounds[i]! : max;
      return Math.min(Math.max(bound, min), max);
    }
  }
  return max;
}

/** Values recorded into fixed buckets; percentiles are resolved to bucket bounds. */
export class Histogram {
  /** Inclusive upper bounds of the buckets, ascending (a +Inf bucket follows the last). */
  readonly bounds: readonly number[];
  readonly #bounds: Float64Array;
  readonly #counts: Float64Array;
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = -Infinity;

  /** @param bounds inclusive upper bounds, strictly ascending finite numbers (at least one). */
  constructor(bounds: readonly number[]) {
    if (!Array.isArray(bounds) || bounds.length === 0)
      throw invalid('ERR_INVALID_ARGUMENT', 'histogram bounds', 'a non-empty array of ascending numbers', describe(bounds));
    for (let i = 0; i < bounds.length; i++) {
      const b = bounds[i];
      if (typeof b !== 'number' || !Number.isFinite(b) || (i > 0 && !(b > bounds[i - 1]!))) {
        throw invalid('ERR_INVALID_ARGUMENT', `histogram bounds[${i}]`, 'a finite number above the previous bound', describe(b));
      }
    }
    this.bounds = Object.freeze([...bounds]);
    this.#bounds = Float64Array.from(bounds);
    this.#counts = new Float64Array(bounds.length + 1);
  }

  /** Bounds `start, start·factor, start·factor², …` (`count` of them), rounded to 4 significant digits. */
  static exponential(start: number, factor: number, count: number): Histogram {
    const bounds: number[] = [];
    let v = start;
    for (let i = 0; i < count; i++, v *= factor) {
      const rounded = Number(v.toPrecision(4));
      if (bounds.length === 0 || rounded > bounds[bounds.length - 1]!) bounds.push(rounded);
    }
    return new Histogram(bounds);
  }

  /** Bounds `start, start + width, …` (`count` of them): exact counts for small integers such as batch sizes. */
  static linear(start: number, width: number, count: number): Histogram {
    return new Histogram(Array.from({ length: count }, (_, i) => start + i * width));
  }

  /** Records `value` (`times` times). NaN is ignored. */
  record(value: number, times = 1): void {
    if (Number.isNaN(value)) return;
    const b = this.#bounds;
    let lo = 0;
    let hi = b.length; // bucket index in [0, b.length]
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (value <= b[mid]!) hi = mid;
      else lo = mid + 1;
    }
    this.#counts[lo]! += times;
    this.#count += times;
    this.#sum += value * times;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
  }

  get count(): number {
    return this.#count;
  }

  get sum(): number {
    return this.#sum;
  }

  /**
   * Nearest-rank percentile (`p` in [0, 100]), resolved to the upper bound of the bucket holding
   * that rank and clamped to [min, max]. 0 when empty.
   */
  percentile(p: number): number {
    return bucketPercentile(this.#bounds, this.#counts, p, this.#min, this.#max);
  }

  /** A copy of the current state. */
  snapshot(): HistogramSnapshot {
    const empty = this.#count === 0;
    return {
      count: this.#count,
      sum: this.#sum,
      min: empty ? 0 : this.#min,
      max: empty ? 0 : this.#max,
      mean: empty ? 0 : this.#sum / this.#count,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      bounds: [...this.bounds],
      counts: Array.from(this.#counts),
    };
  }

  /** Forgets every value recorded. */
  reset(): void {
    this.#counts.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#min = Infinity;
    this.#max = -Infinity;
  }
}
