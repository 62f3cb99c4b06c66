/**
 * Special functions the drift statistics need, in double precision: log-gamma, the regularized
 * incomplete gamma functions (hence the chi-square and normal tails), and log n!/n^n.
 *
 * - logGamma: Lanczos approximation (g = 7, 9 coefficients), |relative error| < 1e-14 for x > 0.
 * - gammaQ(a, x) = Γ(a, x)/Γ(a): the power series of P for x < a + 1 (Q = 1 − P is not small
 *   there), the Legendre continued fraction of Q (modified Lentz) otherwise, so small upper tails
 *   keep their relative precision.
 * - chiSquareSf(x, k) = Q(k/2, x/2); normalSf(z) = erfc(z/√2)/2 with erfc(y) = Q(1/2, y²).
 */

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

/** Lower regularized gamma P(a, x) by its power series (converges fast for x < a + 1). */
function gammaPSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Upper regularized gamma Q(a, x) by its continued fraction (modified Lentz; x ≥ a + 1). */
function gammaQFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/** Upper regularized incomplete gamma Q(a, x) = Γ(a, x)/Γ(a), a > 0, x ≥ 0. */
export function gammaQ(a: number, x: number): number {
  if (!(x > 0)) return 1;
  if (!Number.isFinite(x)) return 0;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQFraction(a, x);
}

/** P(X ≥ x) for X ~ χ²(k). */
export function chiSquareSf(x: number, k: number): number {
  if (k <= 0) return 1;
  return gammaQ(k / 2, x / 2);
}

/** P(Z ≥ z) for a standard normal Z. */
export function normalSf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const y = z / Math.SQRT2;
  return y >= 0 ? 0.5 * gammaQ(0.5, y * y) : 1 - 0.5 * gammaQ(0.5, y * y);
}

/**
 * ln(n!/n^n) for a positive integer n, without the cancellation of ln n! − n ln n: Stirling's
 * series with the n ln n term removed, ln(n)/2 − n + ln(2π)/2 + Σ B₂ⱼ/(2j(2j−1)n^(2j−1)).
 */
export function logFactorialOverPower(n: number): number {
  if (n <= 20) {
    let s = 0;
    for (let i = 1; i <= n; i++) s += Math.log(i / n);
    return s;
  }
  const r = 1 / n,
    r2 = r * r;
  const series = r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 / 1188))));
  return 0.5 * Math.log(n) - n + HALF_LOG_2PI + series;
}
