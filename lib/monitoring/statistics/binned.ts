/**
 * What every drift statistic compares: the reference's and the current window's counts over the
 * same bins (a numeric feature's frozen quantile bins with under/overflow, or a categorical
 * feature's categories plus "other"), and for numeric bins the mean of the values in each bin.
 */

export type ColumnKind = 'numeric' | 'categorical';

export interface BinnedComparison {
  /** Numeric bins are ordered (ECDF-based statistics need that); categories are not. */
  readonly kind: ColumnKind;
  /** Reference counts per bin. */
  readonly reference: ArrayLike<number>;
  /** Current-window counts per bin, aligned with `reference`. */
  readonly current: ArrayLike<number>;
  /** Numeric: mean of the reference values in each bin (ignored where the count is 0). */
  readonly referenceMeans?: ArrayLike<number>;
  /** Numeric: mean of the current values in each bin (ignored where the count is 0). */
  readonly currentMeans?: ArrayLike<number>;
  /** Numeric: the reference's standard deviation (population, ddof 0), for normed distances. */
  readonly referenceStd?: number;
}

export interface StatisticResult {
  /** The statistic itself (D for KS, χ² for chi-square, the distance for distances). */
  readonly statistic: number;
  /** For tests: the p-value. */
  readonly pValue?: number;
  /** Chi-square: degrees of freedom after dropping bins empty in both samples. */
  readonly dof?: number;
  /** KS: how the p-value was computed. */
  readonly method?: 'exact' | 'asymptotic';
}

export function total(counts: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < counts.length; i++) s += counts[i]!;
  return s;
}

/** Proportions per bin (all zeros for an empty sample). */
export function proportions(counts: ArrayLike<number>): Float64Array {
  const n = total(counts);
  const out = new Float64Array(counts.length);
  if (n > 0) for (let i = 0; i < counts.length; i++) out[i] = counts[i]! / n;
  return out;
}
