/**
 * Two-proportion z-test (Evidently's default for a feature with at most two values and a small
 * reference): the share p of the first category (in the profile's order; the rest pooled) in
 * the reference vs the window.
 *
 * z = (p_ref − p_cur) / √(P(1 − P)(1/n_ref + 1/n_cur)), P the pooled share; p = 2·P(Z ≥ |z|).
 * z² equals the uncorrected 2×2 chi-square statistic, so the p-value equals SciPy's
 * `chi2_contingency(table, correction=False)`. Both samples holding only that one category: p = 1.
 */
import { normalSf } from './special.js';
import { total, type BinnedComparison, type StatisticResult } from './binned.js';

export function zTest(c: BinnedComparison): StatisticResult {
  const n1 = total(c.reference),
    n2 = total(c.current);
  if (n1 === 0 || n2 === 0) return { statistic: NaN, pValue: NaN };
  let first = -1;
  for (let k = 0; k < c.reference.length; k++) {
    if (c.reference[k]! + c.current[k]! > 0) {
      first = k;
      break;
    }
  }
  const p1 = c.reference[first]! / n1,
    p2 = c.current[first]! / n2;
  const pooled = (c.reference[first]! + c.current[first]!) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (variance === 0) return { statistic: 0, pValue: 1 };
  const z = (p1 - p2) / Math.sqrt(variance);
  return { statistic: z, pValue: Math.min(1, 2 * normalSf(Math.abs(z))) };
}
