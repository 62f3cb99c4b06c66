// Jensen–Shannon distance, Wasserstein distance (raw and normed) and PSI against SciPy/NumPy:
// jensenshannon on count vectors with empty bins, wasserstein_distance on samples with ties
// (one bin per distinct value is exact), the normed form with NumPy's population std, PSI with
// Evidently's ε rule; and the binned Wasserstein within a bin width of the raw one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jensenShannon, numericBin, numericBinCount, psi, quantileEdges, wasserstein, wasserstein1 } from '../../dist/monitoring/index.js';
import { agreement, createSeededRandom, exactBins, normals } from './helpers.mjs';
import { scipyReference } from './scipy.mjs';

const scipy = scipyReference();
const std = (x) => {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
};

if (scipy.skip) {
  console.log(`SKIP: SciPy reference unavailable: ${scipy.skip}`);
  test.skip('distance agreement (needs SciPy)', () => {});
} else {
  test('jensenshannon: random count vectors with empty bins, identical and disjoint supports', () => {
    const u = createSeededRandom(11);
    const pairs = [
      [
        [1, 0, 0],
        [0, 0, 1],
      ],
      [
        [5, 5],
        [5, 5],
      ],
      [
        [0, 3, 7, 0],
        [1, 0, 7, 2],
      ],
    ];
    for (let t = 0; t < 50; t++) {
      const k = 2 + Math.floor(u() * 30);
      pairs.push([
        Array.from({ length: k }, () => (u() < 0.2 ? 0 : Math.floor(u() * 100))),
        Array.from({ length: k }, () => (u() < 0.2 ? 0 : Math.floor(u() * 100))),
      ]);
      pairs[pairs.length - 1][0][0] += 1;
      pairs[pairs.length - 1][1][k - 1] += 1;
    }
    const expected = scipy.run(pairs.map(([p, q]) => ({ op: 'jensenshannon', p, q })));
    const a = agreement('jensenshannon');
    pairs.forEach(([p, q], i) => {
      a.check(jensenShannon({ kind: 'categorical', reference: p, current: q }).statistic, expected[i], {
        rel: 1e-12,
        abs: 1e-15,
        what: `JS ${JSON.stringify([p, q])}`,
      });
    });
    a.report();
  });

  test('wasserstein_distance on samples (ties, different sizes), and normed by np.std of the reference', () => {
    const cases = [];
    for (let t = 0; t < 30; t++) {
      const z = normals(200 + t);
      const n1 = 1 + ((t * 37) % 400),
        n2 = 1 + ((t * 53) % 300);
      const dec = t % 4;
      const r = (x) => Math.round(x * 10 ** dec) / 10 ** dec;
      cases.push({ u: Array.from({ length: n1 }, () => r(z())), v: Array.from({ length: n2 }, () => r(z() * (1 + t / 10) + t / 20)) });
    }
    const expected = scipy.run(
      cases.flatMap((c) => [
        { op: 'wasserstein_distance', u: c.u, v: c.v },
        { op: 'std', x: c.u },
      ]),
    );
    const a = agreement('wasserstein_distance'),
      n = agreement('wasserstein normed');
    cases.forEach((c, i) => {
      const bins = exactBins(c.u, c.v);
      const w = wasserstein1(bins.values, bins.reference, bins.values, bins.current);
      a.check(w, expected[2 * i], { rel: 1e-11, abs: 1e-14, what: `W1 case ${i}` });
      const sd = expected[2 * i + 1];
      const normed = wasserstein({ ...bins, referenceStd: std(c.u) }).statistic;
      n.check(normed, expected[2 * i] / Math.max(sd, 0.001), { rel: 1e-10, abs: 1e-13, what: `normed W1 case ${i}` });
    });
    a.report();
    n.report();
  });

  test("PSI: Evidently's formula and ε rule on the same proportions (NumPy)", () => {
    const u = createSeededRandom(13);
    const pairs = [
      [
        [10, 0, 5],
        [0, 10, 5],
      ],
      [
        [1, 1e6],
        [1e6, 1],
      ],
    ];
    for (let t = 0; t < 40; t++) {
      const k = 2 + Math.floor(u() * 25);
      pairs.push([
        Array.from({ length: k }, () => (u() < 0.2 ? 0 : Math.floor(u() * 1000))),
        Array.from({ length: k }, () => (u() < 0.2 ? 0 : Math.floor(u() * 1000))),
      ]);
      pairs[pairs.length - 1][0][0] += 1;
      pairs[pairs.length - 1][1][0] += 1;
    }
    const norm = (c) => c.map((x) => x / c.reduce((a, b) => a + b, 0));
    const expected = scipy.run(pairs.map(([r, c]) => ({ op: 'psi', r: norm(r), c: norm(c) })));
    const a = agreement('psi');
    pairs.forEach(([r, c], i) => {
      a.check(psi({ kind: 'categorical', reference: r, current: c }).statistic, expected[i], {
        rel: 1e-11,
        abs: 1e-14,
        what: `PSI ${JSON.stringify([r, c])}`,
      });
    });
    a.report();
  });
}

test('binned Wasserstein (mass at per-bin means) is within one bin width of the raw distance', () => {
  const z = normals(21);
  const u = createSeededRandom(22);
  for (let t = 0; t < 30; t++) {
    const ref = Array.from({ length: 2000 }, () => z());
    const cur = Array.from({ length: 500 }, () => z() * (0.5 + u()) + 2 * u() - 1);
    const edges = quantileEdges(Float64Array.from(ref).sort(), 20);
    const count = (s) => {
      const c = new Float64Array(numericBinCount(edges)),
        sum = new Float64Array(c.length);
      for (const v of s) {
        const b = numericBin(edges, v);
        c[b]++;
        sum[b] += v;
      }
      return { c, means: c.map((n, b) => (n ? sum[b] / n : NaN)) };
    };
    const r = count(ref),
      c = count(cur);
    const raw = exactBins(ref, cur);
    const exact = wasserstein1(raw.values, raw.reference, raw.values, raw.current);
    const binned = wasserstein1(r.means, r.c, c.means, c.c);
    let width = 0;
    for (let k = 1; k < edges.length; k++) width = Math.max(width, edges[k] - edges[k - 1]);
    // the open-ended bins hold their own means, so only the closed bins' widths bound the error
    assert.ok(Math.abs(binned - exact) <= width, `binned ${binned} vs raw ${exact}, widest bin ${width}`);
  }
});

test('distances: zero for identical samples, symmetric JS, NaN for an empty sample', () => {
  const same = {
    kind: 'numeric',
    reference: [1, 2, 3],
    current: [2, 4, 6],
    referenceMeans: [0, 1, 2],
    currentMeans: [0, 1, 2],
    referenceStd: 1,
  };
  assert.ok(Math.abs(jensenShannon(same).statistic) < 1e-12);
  assert.ok(Math.abs(psi(same).statistic) < 1e-12);
  assert.ok(Math.abs(wasserstein(same).statistic) < 1e-12);
  const p = { kind: 'categorical', reference: [3, 1, 0], current: [0, 2, 9] };
  assert.ok(
    Math.abs(jensenShannon(p).statistic - jensenShannon({ kind: 'categorical', reference: p.current, current: p.reference }).statistic) <
      1e-15,
  );
  assert.ok(Number.isNaN(jensenShannon({ kind: 'categorical', reference: [1], current: [0] }).statistic));
});

test.run();
