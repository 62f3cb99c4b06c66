/**
 * Frozen bins. A numeric column's bins come from the reference's quantiles and never move:
 * edges e₀ < e₁ < … < e_K (e₀ the reference minimum, e_K its maximum, the rest the inverted-CDF
 * quantiles at k/B, duplicates merged) give the bins
 *   underflow (−∞, e₀) · [e₀, e₁] · (e₁, e₂] · … · (e_{K−1}, e_K] · overflow (e_K, ∞)
 * (K + 2 bins; 3 for a constant reference). Right-closed bins put every edge in the bin it ends,
 * so the ECDF at each edge is a prefix sum of bin counts: the binned KS statistic is exact at the
 * edges. A categorical column's bins are its categories plus a final "other" bucket that catches
 * every value the reference did not list (including values never seen).
 */

/** Ascending, distinct edges from sorted finite values: min, the k/B inverted-CDF quantiles, max. */
export function quantileEdges(sorted: ArrayLike<number>, bins: number): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const edges = [sorted[0]!];
  for (let k = 1; k < bins; k++) {
    const v = sorted[Math.max(0, Math.ceil((k / bins) * n) - 1)]!;
    if (v > edges[edges.length - 1]!) edges.push(v);
  }
  if (sorted[n - 1]! > edges[edges.length - 1]!) edges.push(sorted[n - 1]!);
  return edges;
}

/** Number of bins for a numeric column with these edges (under/overflow included). */
export function numericBinCount(edges: readonly number[]): number {
  return Math.max(1, edges.length - 1) + 2;
}

/** Bin of a finite value: 0 underflow, 1…K the closed-right bins, K+1 overflow (see the module comment). */
export function numericBin(edges: readonly number[], v: number): number {
  const last = edges.length - 1;
  if (v < edges[0]!) return 0;
  if (v > edges[last]!) return Math.max(1, last) + 1;
  // 1 + the number of interior edges e₁…e_{K−1} strictly below v.
  let lo = 1,
    hi = last; // search in [lo, hi)
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(1, lo);
}

/** Linear-interpolated quantile of sorted values (NumPy's default), for summary statistics. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1);
  const i = Math.floor(pos);
  const frac = pos - i;
  return i + 1 < n ? sorted[i]! + frac * (sorted[i + 1]! - sorted[i]!) : sorted[n - 1]!;
}
