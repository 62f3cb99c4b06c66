// Windows drawn from the reference distribution do not alarm more often than the thresholds
// imply. Each trial profiles a fresh reference (1,000 rows: Evidently's defaults pick KS for the
// numeric features (the integer one has more than 5 values), chi-square for the categorical one, all at α = 0.05) and judges one window of
// 500 rows from the same distributions. Per-feature alarm rates must stay within α plus three
// binomial standard deviations (binning makes KS conservative, so they are usually well below),
// and the model-level rate (share of drifted features ≥ 0.5) within the chance of two or more of
// five features alarming at once. A second run with a 5,000-row reference measures the distance
// defaults (normed Wasserstein, Jensen–Shannon at 0.1): a distance threshold implies no error
// rate, and on 500-row windows sampling noise alone moves W₁/σ by about 0.05, so the rate is
// reported and only bounded loosely (≤ 10 %); and Bonferroni-corrected KS, whose family-wise
// rate must stay within α.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Monitor } from '../../dist/monitoring/index.js';
import { profileOf, SYNTHETIC, syntheticRows } from './helpers.mjs';

const TRIALS = 300;
const WINDOW = 500;

async function run({ referenceRows, options = {}, trials = TRIALS }) {
  const alarms = Object.fromEntries(SYNTHETIC.names.map((n) => [n, 0]));
  let modelAlarms = 0;
  let statistics;
  for (let t = 0; t < trials; t++) {
    const draw = syntheticRows(10_000 + t);
    const profile = await profileOf(SYNTHETIC.schema, draw(referenceRows));
    const m = new Monitor({
      model: 'fa',
      schema: SYNTHETIC.schema,
      profile,
      window: { subWindows: 5, subWindowRows: WINDOW / 5 },
      minSamples: WINDOW,
      statistics: 'judging',
      ...options,
    });
    const window = draw(WINDOW);
    for (let i = 0; i < WINDOW; i += 50) m.observe(window.slice(i, i + 50));
    const r = m.report();
    assert.is(r.status === 'ok' || r.status === 'drift', true, r.status);
    statistics ??= Object.fromEntries(r.features.map((f) => [f.name, f.statistic]));
    for (const f of r.features) if (f.drifted) alarms[f.name]++;
    if (r.drifted) modelAlarms++;
    await m.close();
  }
  return { alarms, modelAlarms, statistics };
}

const bound = (p, n) => p + 3 * Math.sqrt((p * (1 - p)) / n);
/** P(at least k of m independent alarms at rate p). */
function atLeast(k, m, p) {
  let s = 0;
  for (let j = k; j <= m; j++) {
    let c = 1;
    for (let i = 0; i < j; i++) c = (c * (m - i)) / (i + 1);
    s += c * p ** j * (1 - p) ** (m - j);
  }
  return s;
}

test('small reference (KS and chi-square at α = 0.05): alarm rates within what α implies', async () => {
  const { alarms, modelAlarms, statistics } = await run({ referenceRows: 1000 });
  assert.equal(statistics, { normal: 'ks', skewed: 'ks', uniform: 'ks', count: 'ks', colour: 'chisquare' });
  const rates = Object.fromEntries(Object.entries(alarms).map(([k, v]) => [k, v / TRIALS]));
  console.log(
    `# false-alarm rate per feature over ${TRIALS} windows of ${WINDOW} (α = 0.05): ${JSON.stringify(rates)}; model ${(modelAlarms / TRIALS).toFixed(4)}`,
  );
  for (const [name, rate] of Object.entries(rates))
    assert.ok(rate <= bound(0.05, TRIALS), `${name}: ${rate} > ${bound(0.05, TRIALS).toFixed(4)}`);
  const modelP = atLeast(3, 5, 0.05); // share ≥ 0.5 of 5 features needs 3
  assert.ok(modelAlarms / TRIALS <= bound(modelP, TRIALS) + 1 / TRIALS, `model: ${modelAlarms / TRIALS}`);
});

test('large reference (normed Wasserstein, Jensen–Shannon at 0.1) and Bonferroni KS: no more alarms than allowed', async () => {
  const trials = 60;
  const distances = await run({ referenceRows: 5000, trials });
  assert.equal(distances.statistics, {
    normal: 'wasserstein',
    skewed: 'wasserstein',
    uniform: 'wasserstein',
    count: 'wasserstein',
    colour: 'jensenshannon',
  });
  const total = Object.values(distances.alarms).reduce((a, b) => a + b, 0);
  console.log(
    `# distance defaults (reference 5000, window ${WINDOW}): ${total} feature alarms in ${trials * 5} judgments (${(total / (trials * 5)).toFixed(4)}), ${JSON.stringify(distances.alarms)}; ${distances.modelAlarms} model alarms`,
  );
  assert.ok(total / (trials * 5) <= 0.1, `distances alarmed ${total} times: ${JSON.stringify(distances.alarms)}`);
  assert.is(distances.modelAlarms, 0, 'the share rule keeps single noisy features from flagging the model');
  const bonferroni = await run({
    referenceRows: 1000,
    trials: 150,
    options: { statistic: 'ks', columns: { colour: { statistic: 'chisquare' } }, aggregation: { correction: 'bonferroni', driftShare: 0 } },
  });
  const any = bonferroni.modelAlarms / 150;
  console.log(`# Bonferroni (family-wise α = 0.05, any feature): model false-alarm rate ${any.toFixed(4)}`);
  assert.ok(any <= bound(0.05, 150), `family-wise rate ${any}`);
});

test.run();
