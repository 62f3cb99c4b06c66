// Drift over HTTP, deterministic (seeded traffic, row-based sub-windows, requests sent one at a
// time): traffic drawn from the reference raises no alarm on /drift or the gauges; traffic with
// petal_length scaled by 1.6 makes petal_length — and only it among the features — drift; a new
// version starts a fresh window against its own profile and the old one leaves /metrics.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  IRIS,
  addToRepository,
  get,
  irisMonitoringRepository,
  irisTraffic,
  metricValue,
  postJson,
  removeDir,
  startServer,
} from './helpers.mjs';

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const { repo } = await irisMonitoringRepository({ window: { subWindows: 5, subWindowRows: 100 }, minSamples: 200 });
addToRepository(repo, 'plain/1', IRIS);
addToRepository(repo, 'off/1', IRIS);
addToRepository(repo, 'off/config.yaml', JSON.stringify({ monitoring: { enabled: false } }));
const server = await startServer({ models: repo, config: { watch: false } });
const url = (p) => `${server.url}${p}`;

async function send(records) {
  for (const features of records) {
    const r = await postJson(url('/v1/models/iris/predict'), { features });
    assert.is(r.status, 200, JSON.stringify(r.body));
  }
}
const drifted = (report) => Object.fromEntries(report.features.map((f) => [f.name, f.drifted]));

test('before enough rows: insufficient-data, gauges say not judged', async () => {
  await send(await irisTraffic(100, 7));
  const r = await get(url('/v2/models/iris/drift'));
  assert.is(r.status, 200);
  assert.is(r.body.model_name, 'iris');
  assert.is(r.body.model_version, '1');
  assert.is(r.body.status, 'insufficient-data');
  assert.is(r.body.window.rows, 100);
  const m = (await get(url('/metrics'))).body;
  assert.is(metricValue(m, 'ortex_drift_judged', { model: 'iris', version: '1' }), 0);
});

test('traffic drawn from the reference: no drift on any feature, in the report and on the gauges', async () => {
  await send(await irisTraffic(400, 11));
  const r = (await get(url('/v2/models/iris/versions/1/drift'))).body;
  assert.is(r.status, 'ok', JSON.stringify(r.features.map((f) => [f.name, f.score])));
  assert.is(r.window.rows, 500);
  assert.equal(drifted(r), Object.fromEntries(FEATURES.map((f) => [f, false])));
  assert.is(r.outputs.drifted, false);
  assert.ok(r.features.every((f) => f.statistic === 'ks' && f.score > 0.05));
  const m = (await get(url('/metrics'))).body;
  assert.is(metricValue(m, 'ortex_drift_judged', { model: 'iris', version: '1' }), 1);
  assert.is(metricValue(m, 'ortex_drift_detected', { model: 'iris', version: '1', scope: 'inputs' }), 0);
  for (const feature of FEATURES) assert.is(metricValue(m, 'ortex_feature_drift_detected', { model: 'iris', feature }), 0, feature);
  assert.is(metricValue(m, 'ortex_monitor_rows_total', { model: 'iris', version: '1' }), 500);
});

test('petal_length scaled by 1.6: petal_length drifts, and no other feature', async () => {
  await send(await irisTraffic(500, 12, { petal_length: 1.6 }));
  const r = (await get(url('/v2/models/iris/drift'))).body;
  assert.equal(drifted(r), { sepal_length: false, sepal_width: false, petal_length: true, petal_width: false });
  const petal = r.features.find((f) => f.name === 'petal_length');
  assert.ok(petal.score < 1e-10, `KS p-value ${petal.score}`);
  assert.ok(petal.current.mean > 1.4 * petal.reference.mean, 'the window holds only shifted rows');
  assert.is(r.drifted, false, "one feature of four: under Evidently's share rule the inputs as a whole do not drift");
  assert.is(r.share, 0.25);
  assert.is(r.outputs.drifted, true, 'the predictions moved with petal_length');
  assert.is(r.status, 'drift');
  const m = (await get(url('/metrics'))).body;
  for (const feature of FEATURES)
    assert.is(
      metricValue(m, 'ortex_feature_drift_detected', { model: 'iris', version: '1', feature }),
      feature === 'petal_length' ? 1 : 0,
      feature,
    );
  assert.is(metricValue(m, 'ortex_drift_detected', { model: 'iris', version: '1', scope: 'outputs' }), 1);
  assert.ok(metricValue(m, 'ortex_feature_drift_score', { model: 'iris', feature: 'petal_length', statistic: 'ks' }) < 1e-10);
  assert.ok(
    metricValue(m, 'ortex_input_violations_total', { model: 'iris', feature: 'petal_length', rule: 'range', action: 'count' }) > 0,
    'values past the training range are counted and pass',
  );
});

test('a new version gets a fresh window against its own profile; the old monitor leaves /metrics', async () => {
  cpSync(join(repo, 'iris', '1'), join(repo, 'iris', '2'), { recursive: true });
  const load = await postJson(url('/v2/repository/models/iris/load'), {});
  assert.is(load.status, 200, JSON.stringify(load.body));
  const r = (await get(url('/v2/models/iris/drift'))).body;
  assert.is(r.model_version, '2');
  assert.is(r.window.rows, 0);
  assert.is(r.status, 'insufficient-data');
  assert.is((await get(url('/v2/models/iris/versions/1/drift'))).status, 404, 'version 1 retired');
  const m = (await get(url('/metrics'))).body;
  assert.is(metricValue(m, 'ortex_drift_window_rows', { model: 'iris', version: '2' }), 0);
  assert.is(metricValue(m, 'ortex_drift_window_rows', { model: 'iris', version: '1' }), undefined);
  assert.ok(server.app.ortex.monitorOf('iris', '2'), 'monitorOf finds the new version');
  assert.is(server.app.ortex.monitorOf('iris', '1'), undefined);
  await send(await irisTraffic(300, 13));
  assert.is((await get(url('/v2/models/iris/drift'))).body.status, 'ok');
});

test('an unknown model is 404; a model without monitoring says so', async () => {
  const unknown = await get(url('/v2/models/nope/drift'));
  assert.is(unknown.status, 404);
  assert.match(unknown.body.error, /'nope'/);
  const plain = await get(url('/v2/models/plain/drift'));
  assert.is(plain.status, 200);
  assert.is(plain.body.status, 'not-monitored');
  assert.is(plain.body.model_name, 'plain');
  assert.match(plain.body.message, /no monitoring/);
  assert.is(server.app.ortex.monitorOf('plain'), undefined);
  const off = await get(url('/v2/models/off/drift'));
  assert.is(off.body.status, 'not-monitored');
  assert.match(off.body.message, /monitoring turned off \(monitoring\.enabled: false/);
  assert.is(server.app.ortex.monitorOf('off'), undefined);
  assert.is((await get(url('/v2/models/plain/reservoir'))).status, 404);
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});

test.run();
