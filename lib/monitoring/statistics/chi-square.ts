/**
 * Chi-square test of homogeneity: are the reference and the current window drawn from one
 * categorical distribution? (SciPy `chi2_contingency` on the 2×K table of counts, default
 * options.)
 *
 * Table: row 1 the reference counts, row 2 the current counts, one column per category (plus
 * "other"); columns empty in both rows are dropped (they carry no information, and SciPy rejects
 * a zero expected frequency). Expected Eᵣₖ = rowᵣ·colₖ/N.
 * χ² = Σ (Oᵣₖ − Eᵣₖ)²/Eᵣₖ with dof = K' − 1 (K' the columns kept); p = P(χ²_dof ≥ χ²).
 * With dof = 1 (a 2×2 table) Yates' continuity correction moves each O towards E by
 * min(0.5, |O − E|), as SciPy's `correction=True` does. dof = 0: χ² = 0, p = 1.
 *
 * Unlike Evidently's goodness-of-fit `chisquare(f_obs, f_exp=reference)`, which is infinite as
 * soon as the window holds a category the reference never saw, the homogeneity test stays
 * finite: an unseen category lands in "other", whose reference count may be zero, and the
 * pooled expected count is not.
 */
import { chiSquareSf } from './special.js';
import { total, type BinnedComparison, type StatisticResult } from './binned.js';

export function chiSquareTest(c: BinnedComparison): StatisticResult {
  const n1 = total(c.reference),
    n2 = total(c.current);
  const N = n1 + n2;
  if (n1 === 0 || n2 === 0) return { statistic: NaN, pValue: NaN, dof: 0 };
  const cols: number[] = [];
  for (let k = 0; k < c.reference.length; k++) if (c.reference[k]! + c.current[k]! > 0) cols.push(k);
  const dof = cols.length - 1;
  if (dof <= 0) return { statistic: 0, pValue: 1, dof: 0 };
  let chi2 = 0;
  for (const k of cols) {
    const col = c.reference[k]! + c.current[k]!;
    for (const [observed, row] of [
      [c.reference[k]!, n1],
      [c.current[k]!, n2],
    ] as const) {
      const expected = (row * col) / N;
      let diff = observed - expected;
      if (dof === 1) diff = Math.sign(diff) * Math.max(0, Math.abs(diff) - 0.5);
      chi2 += (diff * diff) / expected;
    }
  }
  return { statistic: chi2, pValue: chiSquareSf(chi2, dof), dof };
}
