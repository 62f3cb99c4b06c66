// From per-feature statistics to one decision: Benjamini–Hochberg adjusted p-values against
// SciPy's false_discovery_control, Bonferroni, distances keeping their thresholds, and
// Evidently's share-of-drifted-features ≥ 0.5 rule.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { aggregate, benjaminiHochberg } from '../../dist/monitoring/index.js';
import { agreement, createSeededRandom } from './helpers.mjs';
import { scipyReference } from './scipy.mjs';

const scipy = scipyReference();
if (scipy.skip) {
  console.log(`SKIP: SciPy reference unavailable: ${scipy.skip}`);
  test.skip('false_discovery_control agreement (needs SciPy)', () => {});
} else {
  test('Benjamini–Hochberg adjusted p-values equal SciPy false_discovery_control(method="bh")', () => {
    const u = createSeededRandom(31);
    const lists = [[0.01, 0.04, 0.03, 0.2], [0.5], [1e-10, 1e-10, 0.9, 0.04999]];
    for (let t = 0; t < 30; t++) lists.push(Array.from({ length: 1 + Math.floor(u() * 20) }, () => u() ** 3));
    const expected = scipy.run(lists.map((p) => ({ op: 'false_discovery_control', p })));
    const a = agreement('benjamini-hochberg');
    lists.forEach((p, i) => {
      benjaminiHochberg(p).forEach((v, k) => {
        a.check(v, expected[i][k], { rel: 1e-12, abs: 1e-15, what: `BH ${JSON.stringify(p)}[${k}]` });
      });
    });
    a.report();
  });
}

const tests = (ps, threshold = 0.05) => ps.map((score) => ({ kind: 'p-value', score, threshold }));

test('no correction: each test at its own threshold; share rule ≥ 0.5 decides the model', () => {
  const d = aggregate(tests([0.01, 0.2, 0.03, 0.6]));
  assert.equal(d.drifted, [true, false, true, false]);
  assert.is(d.share, 0.5);
  assert.ok(d.modelDrifted, '2 of 4 is a share of 0.5: drift (≥)');
  const one = aggregate(tests([0.01, 0.2, 0.3, 0.6]));
  assert.is(one.share, 0.25);
  assert.not.ok(one.modelDrifted);
});

test('Bonferroni: m·p against α; with driftShare 0 any drifted feature is a model drift', () => {
  const d = aggregate(tests([0.01, 0.02, 0.3, 0.6]), { correction: 'bonferroni', driftShare: 0 });
  assert.equal(d.adjusted, [0.04, 0.08, 1, 1]);
  assert.equal(d.drifted, [true, false, false, false]);
  assert.ok(d.modelDrifted);
  assert.not.ok(aggregate(tests([0.02, 0.03, 0.3, 0.6]), { correction: 'bonferroni', driftShare: 0 }).modelDrifted);
});

test('Benjamini–Hochberg decisions; distances keep their thresholds; NaN scores are not judged', () => {
  const cols = [
    ...tests([0.001, 0.012, 0.039, 0.041, 0.2]),
    { kind: 'distance', score: 0.15, threshold: 0.1 },
    { kind: 'distance', score: NaN, threshold: 0.1 },
  ];
  const d = aggregate(cols, { correction: 'benjamini-hochberg' });
  // sorted p: 0.001·5/1, 0.012·5/2 = 0.03, 0.039·5/3 = 0.065, 0.041·5/4 = 0.05125, 0.2 → step-up minima
  assert.equal(d.drifted.slice(0, 5), [true, true, false, false, false]);
  assert.ok(d.drifted[5], 'the distance drifts at its own threshold');
  assert.not.ok(d.drifted[6]);
  assert.is(d.share, 3 / 6, 'the NaN column is left out of the share');
  assert.ok(d.modelDrifted);
});

test.run();
