/**
 * From per-column statistics to one decision per model.
 *
 * Per column: a test drifts when its p-value < threshold, a distance when it is ≥ threshold.
 * Corrections change the tests' decisions (distances keep their thresholds), over the family of
 * p-value tests judged together (the input features, or the output columns):
 * - 'none' (Evidently's behaviour): each test at its own threshold α.
 * - 'bonferroni': adjusted p = min(1, m·p), drift when < α (family-wise error ≤ α).
 * - 'benjamini-hochberg': adjusted p₍ᵢ₎ = minⱼ≥ᵢ min(1, m·p₍ⱼ₎/j) over the sorted p-values (SciPy's
 *   `false_discovery_control(p, method='bh')`), drift when < α (false discovery rate ≤ α).
 * Model: drifted when at least one column drifted and the share of drifted columns (of those
 * with a statistic) is ≥ driftShare — Evidently's dataset-drift rule with its default 0.5.
 * `{ correction: 'bonferroni', driftShare: 0 }` is the classic "any feature, family-wise α" test.
 */

export type Correction = 'none' | 'bonferroni' | 'benjamini-hochberg';

export interface AggregationOptions {
  correction?: Correction;
  /** Share of drifted columns at which the model counts as drifted (default 0.5). */
  driftShare?: number;
}

export interface Judged {
  /** 'p-value' tests compare `score` (the p-value) below the threshold; distances at or above it. */
  readonly kind: 'p-value' | 'distance';
  /** NaN when the statistic could not be computed (the column is left out of the share). */
  readonly score: number;
  readonly threshold: number;
}

export interface Decision {
  readonly drifted: boolean[];
  /** Adjusted p-values (equal to the p-values with correction 'none'; NaN for distances). */
  readonly adjusted: number[];
  readonly share: number;
  readonly modelDrifted: boolean;
}

/** SciPy-compatible Benjamini–Hochberg adjusted p-values. */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a]! - p[b]!);
  const out = new Array<number>(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r]!;
    running = Math.min(running, (p[i]! * m) / (r + 1));
    out[i] = Math.min(1, running);
  }
  return out;
}

export function aggregate(columns: readonly Judged[], options: AggregationOptions = {}): Decision {
  const correction = options.correction ?? 'none';
  const driftShare = options.driftShare ?? 0.5;
  const tests = columns.map((c, i) => ({ c, i })).filter(({ c }) => c.kind === 'p-value' && Number.isFinite(c.score));
  const adjusted = columns.map((c) => (c.kind === 'p-value' ? c.score : NaN));
  if (correction === 'bonferroni') for (const { c, i } of tests) adjusted[i] = Math.min(1, c.score * tests.length);
  else if (correction === 'benjamini-hochberg') {
    const bh = benjaminiHochberg(tests.map(({ c }) => c.score));
    tests.forEach(({ i }, k) => {
      adjusted[i] = bh[k]!;
    });
  }
  const drifted = columns.map((c, i) => (c.kind === 'p-value' ? adjusted[i]! < c.threshold : c.score >= c.threshold));
  const judged = columns.filter((c) => Number.isFinite(c.score)).length;
  const count = drifted.filter(Boolean).length;
  const share = judged ? count / judged : 0;
  return { drifted, adjusted, share, modelDrifted: count > 0 && share >= driftShare };
}
