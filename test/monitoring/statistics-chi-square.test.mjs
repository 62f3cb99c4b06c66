// The chi-square homogeneity test against SciPy's chi2_contingency (2×K tables, default Yates
// correction at dof 1), including empty categories (dropped), categories unseen in the reference
// (the "other" bucket: finite, unlike a goodness-of-fit test), tiny counts; the z-test against the
// uncorrected 2×2 chi-square it equals; the chi-square and normal tails themselves.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chiSquareSf, chiSquareTest, normalSf, zTest } from '../../dist/monitoring/index.js';
import { agreement, createSeededRandom } from './helpers.mjs';
import { scipyReference } from './scipy.mjs';

const scipy = scipyReference();
const dropEmpty = (ref, cur) => {
  const keep = ref.map((_, k) => k).filter((k) => ref[k] + cur[k] > 0);
  return [keep.map((k) => ref[k]), keep.map((k) => cur[k])];
};

if (scipy.skip) {
  console.log(`SKIP: SciPy reference unavailable: ${scipy.skip}`);
  test.skip('chi2_contingency agreement (needs SciPy)', () => {});
} else {
  test('chi2_contingency: random tables, empty and unseen categories, 2×2 with Yates', () => {
    const u = createSeededRandom(3);
    const tables = [
      [
        [10, 20, 30],
        [12, 18, 33],
      ],
      [
        [100, 0, 50, 0],
        [90, 5, 40, 0],
      ], // a category unseen in the reference, one empty in both
      [
        [500, 300, 200, 0],
        [50, 30, 20, 7],
      ], // new values only in "other"
      [
        [5, 3],
        [2, 8],
      ], // 2×2: Yates
      [
        [20, 20],
        [20, 21],
      ], // |O − E| < 0.5: Yates moves O onto E
      [
        [1000, 1],
        [990, 11],
      ],
      [
        [3, 0, 0],
        [0, 0, 4],
      ],
      [
        [150, 0],
        [0, 250],
      ], // complete separation
    ];
    for (let t = 0; t < 40; t++) {
      const k = 2 + Math.floor(u() * 12);
      const ref = Array.from({ length: k }, () => (u() < 0.15 ? 0 : Math.floor(u() * 300)));
      const cur = Array.from({ length: k }, (_, i) => (u() < 0.15 ? 0 : Math.floor(u() * 100 * (1 + (i % 3)))));
      ref[0] += 1;
      cur[0] += 1;
      tables.push([ref, cur]);
    }
    const cases = tables.map(([r, c]) => ({ op: 'chi2_contingency', table: dropEmpty(r, c) }));
    const expected = scipy.run(cases);
    const stat = agreement('chi2_contingency statistic'),
      p = agreement('chi2_contingency p-value');
    tables.forEach(([r, c], i) => {
      const got = chiSquareTest({ kind: 'categorical', reference: r, current: c });
      const e = expected[i];
      stat.check(got.statistic, e.statistic, { rel: 1e-12, abs: 1e-12, what: `χ² of ${JSON.stringify([r, c])}` });
      p.check(got.pValue, e.pvalue, { rel: 1e-9, abs: 1e-300, what: `p of ${JSON.stringify([r, c])}` });
      assert.is(got.dof, e.dof);
      assert.ok(Number.isFinite(got.statistic), 'finite with unseen categories');
    });
    stat.report();
    p.report();
  });

  test('z-test: p equals chi2_contingency(correction=False) on the 2×2 table; normal and chi-square tails', () => {
    const u = createSeededRandom(5);
    const tables = [
      [
        [30, 70],
        [45, 55],
      ],
      [
        [999, 1],
        [950, 50],
      ],
      [
        [1, 9],
        [2, 8],
      ],
      [
        [500, 500],
        [520, 480],
      ],
    ];
    for (let t = 0; t < 20; t++)
      tables.push([
        [1 + Math.floor(u() * 400), 1 + Math.floor(u() * 400)],
        [1 + Math.floor(u() * 200), 1 + Math.floor(u() * 200)],
      ]);
    const expected = scipy.run(tables.map((table) => ({ op: 'chi2_contingency', table, correction: false })));
    const p = agreement('z-test p-value');
    tables.forEach(([r, c], i) => {
      const z = zTest({ kind: 'categorical', reference: r, current: c });
      p.check(z.pValue, expected[i].pvalue, { rel: 1e-9, abs: 1e-300, what: `z-test ${JSON.stringify([r, c])}` });
      assert.ok(Math.abs(z.statistic ** 2 - expected[i].statistic) <= 1e-9 * Math.max(1, expected[i].statistic), 'z² = Pearson χ²');
    });
    p.report();
    const tails = [];
    for (const x of [0, 0.001, 0.5, 1, 1.96, 3, 5, 8, 12, 20, 37]) tails.push({ op: 'norm_sf', x }, { op: 'norm_sf', x: -x });
    for (const k of [1, 2, 3, 5, 10, 30, 100, 999])
      for (const x of [0.01, 0.5, 1, k, 2 * k, 5 * k + 30, 10 * k + 200]) tails.push({ op: 'chi2_sf', x, k });
    const te = scipy.run(tails);
    const a = agreement('normal and chi-square tails');
    tails.forEach((c, i) => {
      a.check(c.op === 'norm_sf' ? normalSf(c.x) : chiSquareSf(c.x, c.k), te[i], {
        rel: 1e-11,
        abs: 1e-300,
        what: `${c.op}(${c.x}${c.k ? `, ${c.k}` : ''})`,
      });
    });
    a.report();
  });
}

test('homogeneity is symmetric, dof 0 gives p = 1, empty samples give NaN', () => {
  const a = chiSquareTest({ kind: 'categorical', reference: [10, 20, 0], current: [30, 5, 2] });
  const b = chiSquareTest({ kind: 'categorical', reference: [30, 5, 2], current: [10, 20, 0] });
  assert.ok(Math.abs(a.statistic - b.statistic) < 1e-12);
  assert.equal(chiSquareTest({ kind: 'categorical', reference: [5, 0], current: [7, 0] }), { statistic: 0, pValue: 1, dof: 0 });
  assert.ok(Number.isNaN(chiSquareTest({ kind: 'categorical', reference: [5, 1], current: [0, 0] }).pValue));
  assert.equal(zTest({ kind: 'categorical', reference: [5, 0], current: [7, 0] }), { statistic: 0, pValue: 1 });
});

test.run();
