/**
 * The distribution of the two-sided one-sample Kolmogorov–Smirnov statistic Dₙ: P(Dₙ ≥ x) for a
 * sample of n, i.e. SciPy's `kstwo.sf(x, n)`, which `ks_2samp` uses in its asymptotic mode with
 * n = round(n₁n₂/(n₁+n₂)). The method for each (n, x) follows Simard & L'Ecuyer (2011),
 * "Computing the Two-Sided Kolmogorov-Smirnov Distribution", J. Stat. Software 39(11), as SciPy does:
 *
 * - nx ≤ 1/2: 1; nx ≤ 1: Ruben–Gambino, P(Dₙ < x) = n!/nⁿ (2nx − 1)ⁿ; nx ≥ n − 1: 2(1 − x)ⁿ;
 * - x ≥ 1/2, or nx² large (≥ 4 for n ≤ 140, ≥ 2.2 above): 2·P(Dₙ⁺ ≥ x), exact for x ≥ 1/2 and
 *   within double precision of the two-sided tail elsewhere in that range (Miller);
 *   P(Dₙ⁺ ≥ x) by the Smirnov/Birnbaum–Tingey sum (positive terms, summed in log space);
 * - otherwise the CDF by Durbin's matrix (Marsaglia, Tsang & Wang 2003) where it is cheap
 *   (n ≤ 140, or n ≤ 100000 and n·x^1.5 ≤ 1.4), else the Pelz–Good asymptotic series (1976).
 *   (SciPy uses Pomeranz's recursion for part of the n ≤ 140 range; Durbin's matrix is exact there too.)
 */
import { logFactorialOverPower } from './special.js';

/** P(Dₙ⁺ ≥ x), one-sided (Smirnov 1944; Birnbaum & Tingey 1951): x Σⱼ C(n,j) (x + j/n)^(j−1) (1 − x − j/n)^(n−j), j ≤ ⌊n(1−x)⌋. */
export function smirnovSf(n: number, x: number): number {
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const last = Math.floor(n * (1 - x) + 1e-12 * n);
  const logs = new Float64Array(last + 1);
  // ln C(n, j), accumulated with Kahan compensation (n terms: plain summation loses ~n ulps).
  let logBinom = 0,
    carry = 0;
  let max = -Infinity;
  for (let j = 0; j <= last; j++) {
    if (j > 0) {
      const y = Math.log((n - j + 1) / j) - carry;
      const t = logBinom + y;
      carry = t - logBinom - y;
      logBinom = t;
    }
    const a = x + j / n;
    const b = 1 - x - j / n;
    const t =
      b <= 0 ? (n - j === 0 ? logBinom + (j - 1) * Math.log(a) : -Infinity) : logBinom + (j - 1) * Math.log(a) + (n - j) * Math.log1p(-a);
    logs[j] = t;
    if (t > max) max = t;
  }
  if (max === -Infinity) return 0;
  let sum = 0;
  for (let j = 0; j <= last; j++) sum += Math.exp(logs[j]! - max);
  return Math.min(1, x * sum * Math.exp(max));
}

const SCALE_EXP = 128;
const SCALE_UP = 2 ** SCALE_EXP;
const SCALE_DOWN = 2 ** -SCALE_EXP;

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k]!;
      if (aik === 0) continue;
      const row = k * m;
      const o = i * m;
      for (let j = 0; j < m; j++) out[o + j]! += aik * b[row + j]!;
    }
  }
  return out;
}

/** P(Dₙ < x) by Durbin's matrix method as Marsaglia, Tsang & Wang evaluate it (scaled powers of H). */
export function durbinCdf(n: number, x: number): number {
  const nx = n * x;
  if (x >= 1) return 1;
  if (nx <= 0.5) return 0;
  const k = Math.ceil(nx);
  const h = k - nx;
  const m = 2 * k - 1;
  const H = new Float64Array(m * m);
  // H[i][j] = 1/(i−j+1)! for i − j + 1 ≥ 0, with the first column and last row corrected by h.
  const invFact = new Float64Array(m + 1);
  invFact[0] = 1;
  for (let i = 1; i <= m; i++) invFact[i] = invFact[i - 1]! / i;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) if (i - j + 1 >= 0) H[i * m + j] = invFact[i - j + 1]!;
  }
  for (let i = 0; i < m; i++) {
    H[i * m] = (1 - h ** (i + 1)) * invFact[i + 1]!;
    H[(m - 1) * m + i] = (1 - h ** (m - i)) * invFact[m - i]!;
  }
  H[(m - 1) * m] = (1 - 2 * h ** m + Math.max(0, 2 * h - 1) ** m) * invFact[m]!;

  // H^n by squaring, keeping a binary exponent beside each matrix.
  let power: Float64Array<ArrayBuffer> | undefined;
  let powerExp = 0;
  let base: Float64Array<ArrayBuffer> = H;
  let baseExp = 0;
  let e = n;
  const centre = (k - 1) * m + (k - 1);
  while (e > 0) {
    if (e & 1) {
      if (power) {
        power = multiply(power, base, m);
        powerExp += baseExp;
      } else {
        power = base.slice();
        powerExp = baseExp;
      }
      if (Math.abs(power[centre]!) > SCALE_UP) {
        for (let i = 0; i < power.length; i++) power[i]! *= SCALE_DOWN;
        powerExp += SCALE_EXP;
      }
    }
    e = Math.floor(e / 2);
    if (e > 0) {
      base = multiply(base, base, m);
      baseExp *= 2;
      if (Math.abs(base[centre]!) > SCALE_UP) {
        for (let i = 0; i < base.length; i++) base[i]! *= SCALE_DOWN;
        baseExp += SCALE_EXP;
      }
    }
  }
  // P = n!/nⁿ · (Hⁿ)[k−1][k−1]
  const logP = Math.log(power![centre]!) + powerExp * Math.LN2 + logFactorialOverPower(n);
  return Math.min(1, Math.max(0, Math.exp(logP)));
}

/** Pelz–Good asymptotic series for P(Dₙ ≤ x): K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^1.5, z = x√n, in theta-function form. */
export function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z,
    z3 = z2 * z,
    z4 = z2 * z2,
    z6 = z4 * z2,
    z7 = z6 * z,
    z8 = z4 * z4,
    z10 = z8 * z2;
  const pi2 = Math.PI ** 2,
    pi4 = pi2 * pi2,
    pi6 = pi4 * pi2;
  const logQ = -pi2 / (8 * z2);
  if (logQ < -708) return 0;
  const q = Math.exp(logQ);
  const sqrt2pi = Math.sqrt(2 * Math.PI);
  const terms = Math.ceil((16 * z) / Math.PI);

  // Sums over odd m = 2k − 1 of c(m)·q^(m²), evaluated by Horner in q⁸ᵏ (q^(m²) = q·Π q^(8i)).
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  for (let k = terms; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m,
      m4 = m2 * m2,
      m6 = m4 * m2;
    const qp = q ** (8 * k);
    s0 = s0 * qp + 1;
    s1 = s1 * qp + (-z2 + (pi2 / 4) * m2);
    s2 = s2 * qp + (6 * z6 + 2 * z4 + (((2 * z4 - 5 * z2) * pi2) / 4) * m2 + ((pi4 * (1 - 2 * z2)) / 16) * m4);
    s3 =
      s3 * qp +
      (-30 * z6 -
        90 * z8 +
        ((pi2 * (135 * z4 - 96 * z6)) / 4) * m2 +
        ((pi4 * (-60 * z2 + 212 * z4)) / 16) * m4 +
        ((pi6 * (5 - 30 * z2)) / 64) * m6);
  }
  const f = q * sqrt2pi;
  let k0 = (s0 * f) / z;
  let k1 = (s1 * f) / (6 * z4);
  let k2 = (s2 * f) / (72 * z7);
  let k3 = (s3 * f) / (6480 * z10);
  // The terms over all integers k: K₂ += −π²√(2π)/(36z³) Σ k² q'^(k²), K₃ += π²√(2π)/(216z⁶) Σ (3z² − π²k²) k² q'^(k²), q' = e^(−π²/(2z²)).
  const q2 = Math.exp(-pi2 / (2 * z2));
  let e2 = 0,
    e3 = 0;
  for (let k = terms; k >= 1; k--) {
    const k2sq = k * k;
    const w = q2 ** k2sq;
    e2 += k2sq * w;
    e3 += (3 * z2 - pi2 * k2sq) * k2sq * w;
  }
  k2 += (e2 * pi2 * sqrt2pi) / (-36 * z3);
  k3 += (e3 * pi2 * sqrt2pi) / (216 * z6);
  k1 /= Math.sqrt(n);
  k2 /= n;
  k3 /= n * Math.sqrt(n);
  k0 += k1 + k2 + k3;
  return k0;
}

const clip = (p: number) => Math.min(1, Math.max(0, p));

/** P(Dₙ ≥ x) for the two-sided one-sample KS statistic of a sample of n (SciPy `kstwo.sf(x, n)`). */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    return clip(1 - Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1)));
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip(1 - durbinCdf(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}
