/**
 * One monitored column (an input feature or a model output column): where its slots sit in the
 * window's flat count vector, how a value is counted into them, and its reference counts.
 * Slot layout per column: bins counts | bins sums (numeric) | missing, nonFinite, n, Σ(v−shift), Σ(v−shift)².
 */
import { invalid } from '../base/errors.js';
import { numericBin, numericBinCount } from './binning.js';
import type { ColumnProfile } from './profile.js';
import type { CategoryValue } from './schema.js';
import { defaultStatistic, statistic, type BinnedComparison, type DriftStatistic } from './statistics/index.js';

export const SCALARS = 5;
const MISSING = 0,
  NON_FINITE = 1,
  N = 2,
  SUM = 3,
  SUMSQ = 4;

export interface ColumnConfig {
  /** Statistic that judges this column (default: Evidently's rule). */
  statistic?: string;
  threshold?: number;
  /** false: not judged (still reported). */
  enabled?: boolean;
}

export class Column {
  readonly bins: number;
  readonly countsAt: number;
  readonly sumsAt: number;
  readonly scalarsAt: number;
  readonly width: number;
  readonly reference: Float64Array;
  readonly referenceMeans?: Float64Array;
  readonly referenceStd?: number;
  readonly referenceMean?: number;
  readonly referenceRows: number;
  readonly statistic: DriftStatistic;
  readonly threshold: number;
  readonly enabled: boolean;
  private readonly edges?: readonly number[];
  private readonly categories?: ReadonlyMap<CategoryValue, number>;
  private readonly shift: number;

  constructor(
    readonly name: string,
    readonly scope: 'inputs' | 'outputs',
    readonly profile: ColumnProfile,
    offset: number,
    config: ColumnConfig = {},
  ) {
    const numeric = profile.kind === 'numeric';
    this.bins = numeric ? (profile.edges.length ? numericBinCount(profile.edges) : 3) : profile.categories.length + 1;
    this.countsAt = offset;
    this.sumsAt = offset + this.bins;
    this.scalarsAt = this.sumsAt + (numeric ? this.bins : 0);
    this.width = this.scalarsAt + SCALARS - offset;
    this.reference = Float64Array.from(profile.counts);
    this.referenceRows = profile.counts.reduce((a, b) => a + b, 0);
    if (numeric) {
      this.edges = profile.edges;
      this.referenceMeans = Float64Array.from(profile.means, (m) => m ?? NaN);
      this.referenceStd = profile.summary.std;
      this.referenceMean = profile.summary.mean;
      this.shift = Number.isFinite(profile.summary.mean) ? profile.summary.mean : 0;
    } else {
      this.categories = new Map(profile.categories.map((c, i) => [c, i]));
      this.shift = 0;
    }
    const what = `the statistic of '${name}'`;
    const chosen =
      config.statistic !== undefined
        ? statistic(config.statistic, what)
        : defaultStatistic(profile.kind, this.referenceRows, profile.distinct);
    if (!chosen.appliesTo.includes(profile.kind)) {
      throw invalid(
        'ERR_INVALID_ARGUMENT',
        what,
        `a statistic for a ${profile.kind} column (${chosen.name} applies to ${chosen.appliesTo.join(' and ')} columns)`,
        `"${chosen.name}"`,
      );
    }
    this.statistic = chosen;
    this.threshold = config.threshold ?? chosen.defaultThreshold;
    this.enabled = config.enabled ?? true;
  }

  /** For SlidingWindow: each sum slot's count slot (−1 elsewhere). */
  markSums(map: Int32Array): void {
    if (this.sumsAt === this.scalarsAt) return;
    for (let b = 0; b < this.bins; b++) map[this.sumsAt + b] = this.countsAt + b;
  }

  /** Counts one value into the vector `v`. */
  add(v: Float64Array, value: unknown): void {
    if (value === undefined || value === null) {
      v[this.scalarsAt + MISSING]!++;
      return;
    }
    const edges = this.edges;
    if (edges) {
      const x = typeof value === 'number' ? value : typeof value === 'boolean' || typeof value === 'bigint' ? Number(value) : NaN;
      if (!(x - x === 0)) {
        // NaN, ±Infinity, or not a number at all (a counted type violation)
        v[this.scalarsAt + NON_FINITE]!++;
        return;
      }
      const b = edges.length ? numericBin(edges, x) : 1;
      v[this.countsAt + b]!++;
      v[this.sumsAt + b]! += x;
      const d = x - this.shift;
      v[this.scalarsAt + N]!++;
      v[this.scalarsAt + SUM]! += d;
      v[this.scalarsAt + SUMSQ]! += d * d;
      return;
    }
    const key = typeof value === 'bigint' ? Number(value) : (value as CategoryValue);
    const b = this.categories!.get(key) ?? this.bins - 1;
    v[this.countsAt + b]!++;
    v[this.scalarsAt + N]!++;
  }

  /** The window's counts for this column against the reference. */
  comparison(totals: Float64Array): BinnedComparison {
    const current = totals.subarray(this.countsAt, this.countsAt + this.bins);
    if (!this.edges) return { kind: 'categorical', reference: this.reference, current };
    const sums = totals.subarray(this.sumsAt, this.sumsAt + this.bins);
    const currentMeans = new Float64Array(this.bins);
    for (let b = 0; b < this.bins; b++) currentMeans[b] = current[b]! > 0 ? sums[b]! / current[b]! : NaN;
    return {
      kind: 'numeric',
      reference: this.reference,
      current,
      referenceMeans: this.referenceMeans!,
      currentMeans,
      referenceStd: this.referenceStd!,
    };
  }

  /** Window summary: rows counted, missing, non-finite, mean and std (numeric). */
  summary(totals: Float64Array): { rows: number; missing: number; nonFinite: number; mean?: number; std?: number } {
    const s = this.scalarsAt;
    const n = totals[s + N]!;
    const out: { rows: number; missing: number; nonFinite: number; mean?: number; std?: number } = {
      rows: n,
      missing: totals[s + MISSING]!,
      nonFinite: totals[s + NON_FINITE]!,
    };
    if (this.edges && n > 0) {
      const m = totals[s + SUM]! / n;
      out.mean = this.shift + m;
      out.std = Math.sqrt(Math.max(0, totals[s + SUMSQ]! / n - m * m));
    }
    return out;
  }
}
