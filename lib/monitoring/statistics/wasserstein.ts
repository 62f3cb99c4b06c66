/**
 * Normed first Wasserstein distance (Evidently's default for numeric features with a large
 * reference): W₁(ref, cur) / max(σ_ref, 0.001), drift when ≥ 0.1 — i.e. the mass moved, on average,
 * a tenth of a reference standard deviation.
 *
 * W₁ = ∫ |F_ref(x) − F_cur(x)| dx (SciPy `wasserstein_distance(u, v)` for samples). On binned data
 * each bin's mass sits at the mean of the values counted into it (kept per bin, so the open-ended
 * under/overflow bins know how far out their values are), and W₁ is exact for those two discrete
 * distributions; against the raw samples it is off by at most the width of a bin (moving mass
 * within one bin costs no more than that). With one bin per distinct value it is exact.
 */
import { total, type BinnedComparison, type StatisticResult } from './binned.js';

/** W₁ between two discrete distributions given as ascending support points with weights (weights need not be normalized). */
export function wasserstein1(xa: ArrayLike<number>, wa: ArrayLike<number>, xb: ArrayLike<number>, wb: ArrayLike<number>): number {
  const na = total(wa),
    nb = total(wb);
  let i = 0,
    j = 0;
  let fa = 0,
    fb = 0; // CDFs just after the last point passed
  let x = -Infinity;
  let area = 0;
  const next = () => {
    while (i < xa.length && !(wa[i]! > 0)) i++;
    while (j < xb.length && !(wb[j]! > 0)) j++;
  };
  next();
  while (i < xa.length || j < xb.length) {
    const takeA = j >= xb.length || (i < xa.length && xa[i]! <= xb[j]!);
    const at = takeA ? xa[i]! : xb[j]!;
    if (x !== -Infinity) area += Math.abs(fa - fb) * (at - x);
    x = at;
    if (takeA) fa += wa[i++]! / na;
    else fb += wb[j++]! / nb;
    next();
  }
  return area;
}

export function wasserstein(c: BinnedComparison): StatisticResult {
  if (!c.referenceMeans || !c.currentMeans) throw new TypeError('wasserstein needs the per-bin means');
  if (total(c.reference) === 0 || total(c.current) === 0) return { statistic: NaN };
  const w = wasserstein1(c.referenceMeans, c.reference, c.currentMeans, c.current);
  return { statistic: w / Math.max(c.referenceStd ?? 0, 0.001) };
}
