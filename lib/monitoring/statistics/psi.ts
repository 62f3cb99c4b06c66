/**
 * Population Stability Index over the frozen bins:
 *   PSI = Σₖ (rₖ − cₖ)·ln(rₖ/cₖ), rₖ, cₖ the reference and current proportions,
 * with Evidently's rule for empty bins: a zero proportion becomes ε = 0.0001, or the sample's
 * smallest non-zero proportion / 10⁶ when that is ≤ 0.0001. Drift: PSI ≥ 0.1 (Evidently's and
 * the industry's default; ≥ 0.25 is usually called a major shift).
 *
 * Noise: with B bins, under no drift PSI ≈ (1/n_ref + 1/n_cur)·χ²_{B−1}, so its expected value
 * is about (B − 1)(1/n_ref + 1/n_cur): 20 bins and 1,000-row samples already give ≈ 0.04.
 * A small reference or window makes the 0.1 threshold noisy; prefer a test (KS, chi-square)
 * there, as Evidently's defaults do.
 */
import { proportions, type BinnedComparison, type StatisticResult } from './binned.js';

export const PSI_MAJOR = 0.25;

function fillZeros(p: Float64Array): void {
  let min = Infinity;
  for (const v of p) if (v > 0 && v < min) min = v;
  const eps = min <= 0.0001 ? min / 1e6 : 0.0001;
  for (let i = 0; i < p.length; i++) if (p[i] === 0) p[i] = eps;
}

export function psi(c: BinnedComparison): StatisticResult {
  const r = proportions(c.reference),
    q = proportions(c.current);
  if (r.every((v) => v === 0) || q.every((v) => v === 0)) return { statistic: NaN };
  fillZeros(r);
  fillZeros(q);
  let s = 0;
  for (let k = 0; k < r.length; k++) s += (r[k]! - q[k]!) * Math.log(r[k]! / q[k]!);
  return { statistic: s };
}
