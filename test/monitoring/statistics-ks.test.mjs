// The two-sample KS test against SciPy's ks_2samp (method 'auto': exact p-values up to 10000 per
// sample, kstwo above) and the one-sample distribution kstwo.sf itself over every branch of its
// method choice: small samples, ties, fully separated samples, unequal sizes, n₁ = n₂.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exactTwoSampleSf, kolmogorovSf, ksTest } from '../../dist/monitoring/index.js';
import { agreement, createSeededRandom, exactBins, normals } from './helpers.mjs';
import { scipyReference } from './scipy.mjs';

const scipy = scipyReference();
if (scipy.skip) {
  console.log(`SKIP: SciPy reference unavailable: ${scipy.skip}`);
  test.skip('ks_2samp agreement (needs SciPy)', () => {});
} else {
  console.log(`# SciPy ${scipy.version}`);

  test('ks_2samp: statistic and p-value, exact and asymptotic, with ties', () => {
    const cases = [];
    const specs = [
      // [n1, n2, shift, decimals (ties when small), label]
      [1, 1, 0, 1],
      [2, 3, 0, 2],
      [3, 2, 5, 2],
      [5, 7, 0, 3],
      [6, 6, 0.3, 1],
      [10, 10, 3, 3],
      [8, 12, 0.5, 6],
      [20, 20, 10, 2],
      [30, 45, 0.3, 1],
      [50, 45, 0.1, 0],
      [200, 150, 0.2, 2],
      [1000, 800, 0.05, 6],
      [999, 1001, 0.1, 1],
      [5000, 3000, 0.04, 3],
      [10000, 10000, 0.02, 4],
      [10000, 37, 0.2, 6],
      [10001, 10001, 0.02, 4],
      [12000, 300, 0.1, 2],
      [20000, 15000, 0.03, 3],
      [50000, 20, 0.5, 6],
      [30000, 30000, 0, 1],
    ];
    specs.forEach(([n1, n2, shift, dec], i) => {
      const z = normals(100 + i);
      const round = (x) => Math.round(x * 10 ** dec) / 10 ** dec;
      cases.push({
        op: 'ks_2samp',
        a: Array.from({ length: n1 }, () => round(z())),
        b: Array.from({ length: n2 }, () => round(z() + shift)),
      });
    });
    const expected = scipy.run(cases);
    const stat = agreement('ks_2samp statistic'),
      p = agreement('ks_2samp p-value');
    cases.forEach((c, i) => {
      const r = ksTest(exactBins(c.a, c.b));
      const what = `n=${c.a.length},${c.b.length}`;
      stat.check(r.statistic, expected[i].statistic, { abs: 1e-12, what: `${what} D` });
      p.check(r.pValue, expected[i].pvalue, { rel: 1e-9, abs: 1e-300, what: `${what} p (${r.method})` });
      assert.is(r.method, Math.max(c.a.length, c.b.length) <= 10000 ? 'exact' : 'asymptotic');
    });
    stat.report();
    p.report();
  });

  test('kstwo.sf over every method region (Ruben–Gambino, Durbin, Smirnov, Pelz–Good)', () => {
    const grid = [];
    for (const n of [1, 2, 3, 7, 20, 50, 100, 140, 141, 300, 1000, 4000, 10000, 60000, 150000]) {
      for (const x of [0.0005, 0.003, 0.01, 0.02, 0.035, 0.05, 0.08, 0.12, 0.2, 0.35, 0.49, 0.5, 0.6, 0.9, 0.999])
        grid.push({ op: 'kstwo_sf', n, x });
      grid.push({ op: 'kstwo_sf', n, x: 0.75 / n }, { op: 'kstwo_sf', n, x: 1 - 1.5 / n });
    }
    const expected = scipy.run(grid);
    const a = agreement('kstwo.sf');
    grid.forEach((c, i) => {
      a.check(kolmogorovSf(c.n, c.x), expected[i], { rel: 1e-10, abs: 1e-300, what: `kstwo.sf(${c.x}, ${c.n})` });
    });
    a.report();
  });
}

test('exact p-value: symmetric in the sample sizes, 1 at D = 0, decreasing in D', () => {
  assert.is(exactTwoSampleSf(30, 17, 0), 1);
  const lcm = 30 * 17;
  let last = 1;
  for (let h = 1; h <= lcm; h += 17) {
    const p = exactTwoSampleSf(30, 17, h);
    assert.ok(Math.abs(p - exactTwoSampleSf(17, 30, h)) < 1e-15);
    assert.ok(p <= last + 1e-15, `p(${h}) = ${p} > ${last}`);
    last = p;
  }
});

test('binning only loses power: the binned D never exceeds the raw D, by at most the largest bin mass', () => {
  const z = normals(7);
  const u = createSeededRandom(8);
  for (let t = 0; t < 50; t++) {
    const a = Array.from({ length: 300 }, () => z());
    const b = Array.from({ length: 200 }, () => z() * (1 + u()) + u());
    const raw = ksTest(exactBins(a, b));
    const edges = [...a].sort((x, y) => x - y).filter((_, i) => i % 15 === 0);
    const bin = (v) => edges.filter((e) => e < v).length; // 0..edges.length, right-closed
    const counts = (s) => {
      const c = new Float64Array(edges.length + 1);
      for (const v of s) c[bin(v)]++;
      return c;
    };
    const ra = counts(a),
      rb = counts(b);
    const binned = ksTest({ kind: 'numeric', reference: ra, current: rb });
    let maxMass = 0;
    for (let k = 0; k < ra.length; k++) maxMass = Math.max(maxMass, ra[k] / a.length, rb[k] / b.length);
    assert.ok(binned.statistic <= raw.statistic + 1e-12, `binned ${binned.statistic} > raw ${raw.statistic}`);
    assert.ok(raw.statistic <= binned.statistic + maxMass + 1e-12, `raw ${raw.statistic} > binned ${binned.statistic} + ${maxMass}`);
    assert.ok(binned.pValue >= raw.pValue - 1e-12);
  }
});

test.run();
