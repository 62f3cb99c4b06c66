// Prometheus metrics at scrape time: monitor.collect(registry) registers the drift gauges and the
// counters once per registry (several monitors share them, labelled by model and version); values
// are read when /metrics is scraped; close() takes a monitor out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { Monitor } from '../../dist/monitoring/index.js';
import { profileOf, SYNTHETIC, syntheticRows } from './helpers.mjs';

const { Registry } = createRequire(import.meta.url)('prom-client');
const profile = await profileOf(SYNTHETIC.schema, syntheticRows(1)(1000));
const make = (model, version) =>
  new Monitor({ model, version, schema: SYNTHETIC.schema, profile, window: { subWindows: 2, subWindowRows: 100 }, minSamples: 200 });

/** Sample value of `name` with these labels, from a scrape's text. */
function sample(text, name, labels) {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('drift gauges and counters for two models in one registry, read at scrape time', async () => {
  const registry = new Registry();
  const a = make('iris', '1');
  const b = make('fraud', '2');
  a.collect(registry);
  b.collect(registry);
  a.observe(syntheticRows(2)(200));
  b.observe(syntheticRows(3, { normal: { shift: 2 }, skewed: { shift: 2 }, uniform: { shift: 1 } })(200));
  try {
    b.validate([[1, 1, 1, 1.5, 'red']]);
  } catch {
    // integer rule: rejected and counted
  }
  let text = await registry.metrics();
  assert.is(sample(text, 'ortex_drift_detected', { model: 'iris', scope: 'inputs' }), 0);
  assert.is(sample(text, 'ortex_drift_detected', { model: 'fraud', version: '2', scope: 'inputs' }), 1);
  assert.ok(sample(text, 'ortex_drift_share', { model: 'fraud', scope: 'inputs' }) >= 0.6);
  assert.is(sample(text, 'ortex_drift_window_rows', { model: 'iris' }), 200);
  assert.is(sample(text, 'ortex_drift_judged', { model: 'iris' }), 1);
  assert.is(sample(text, 'ortex_feature_drift_detected', { model: 'fraud', feature: 'normal', statistic: 'ks' }), 1);
  assert.is(sample(text, 'ortex_feature_drift_threshold', { model: 'fraud', feature: 'colour', statistic: 'chisquare' }), 0.05);
  const score = sample(text, 'ortex_feature_drift_score', { model: 'fraud', feature: 'normal' });
  assert.ok(score < 1e-6, `p-value ${score}`);
  assert.is(sample(text, 'ortex_monitor_rows_total', { model: 'fraud' }), 200);
  assert.is(sample(text, 'ortex_input_violations_total', { model: 'fraud', feature: 'count', rule: 'type', action: 'reject' }), 1);
  assert.match(text, /# TYPE ortex_input_violations_total counter/);
  assert.match(text, /# HELP ortex_feature_drift_score The judging statistic/);

  const normal = syntheticRows(4)(300);
  for (let i = 0; i < 300; i += 100) b.observe(normal.slice(i, i + 100)); // the shifted rows leave the window
  text = await registry.metrics();
  assert.is(sample(text, 'ortex_drift_detected', { model: 'fraud', scope: 'inputs' }), 0);
  assert.is(sample(text, 'ortex_monitor_rows_total', { model: 'fraud' }), 500);

  await b.close();
  text = await registry.metrics();
  assert.is(sample(text, 'ortex_drift_detected', { model: 'fraud', scope: 'inputs' }), undefined, 'a closed monitor leaves the registry');
  assert.is(sample(text, 'ortex_drift_detected', { model: 'iris', scope: 'inputs' }), 0);
  await a.close();
});

test('collect() returns a remover, is idempotent per registry, and refuses a non-registry', async () => {
  const registry = new Registry();
  const m = make('m', '1');
  const leave = m.collect(registry);
  m.collect(registry);
  assert.is(registry.getMetricsAsArray().filter((x) => x.name === 'ortex_drift_detected').length, 1);
  leave();
  assert.not.match(await registry.metrics(), /ortex_drift_detected\{/);
  assert.throws(
    () => m.collect({}),
    (e) => e.code === 'ERR_INVALID_ARGUMENT',
  );
  await m.close();
});

test.run();
