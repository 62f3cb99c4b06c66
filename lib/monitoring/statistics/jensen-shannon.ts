/**
 * Jensen–Shannon distance between the reference and current bin proportions (SciPy
 * `scipy.spatial.distance.jensenshannon(p, q)`, natural logarithm):
 *   JS(p, q) = √(½ KL(p ‖ m) + ½ KL(q ‖ m)),  m = (p + q)/2,  KL(p ‖ m) = Σ pₖ ln(pₖ/mₖ) (0·ln 0 = 0).
 * Bounded by √ln 2 ≈ 0.833 and finite with empty bins. Drift: ≥ 0.1 (Evidently's default).
 */
import { proportions, type BinnedComparison, type StatisticResult } from './binned.js';

export function jensenShannon(c: BinnedComparison): StatisticResult {
  const p = proportions(c.reference),
    q = proportions(c.current);
  if (p.every((v) => v === 0) || q.every((v) => v === 0)) return { statistic: NaN };
  let js = 0;
  for (let k = 0; k < p.length; k++) {
    const m = (p[k]! + q[k]!) / 2;
    if (p[k]! > 0) js += p[k]! * Math.log(p[k]! / m);
    if (q[k]! > 0) js += q[k]! * Math.log(q[k]! / m);
  }
  return { statistic: Math.sqrt(Math.max(0, js / 2)) };
}
