// The reservoir over HTTP: GET .../reservoir downloads the sample as CSV (a header of feature
// names, at most `size` rows, each one of the rows the server answered), POST .../reservoir/export
// writes the same sample to a file on the server and answers its path; the download's file name
// is safe for any model name (quotes, spaces, non-ASCII); a model without a reservoir or without
// monitoring answers 404 naming what is missing.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addToRepository, get, IRIS, irisMonitoringRepository, irisTraffic, postJson, removeDir, startServer } from './helpers.mjs';

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const ODD = 'iris "v2" modèle';
const samples = mkdtempSync(join(tmpdir(), 'ortex-reservoir-'));
// Five sub-windows of 20 rows, each keeping ⌈50 / 5⌉ = 10 of its rows: after 100 rows, 50.
const { repo } = await irisMonitoringRepository({
  window: { subWindows: 5, subWindowRows: 20 },
  reservoir: { size: 50, seed: 7, dir: samples },
});
// The same model and files under an odd name, and one monitored without a reservoir.
cpSync(join(repo, 'iris'), join(repo, ODD), { recursive: true });
cpSync(join(repo, 'iris'), join(repo, 'nosample'), { recursive: true });
writeFileSync(join(repo, 'nosample', 'config.yaml'), JSON.stringify({ monitoring: {} }));
addToRepository(repo, 'plain/1', IRIS);
const server = await startServer({ models: repo, config: { watch: false } });
const url = (p) => `${server.url}${p}`;
const model = (name) => `/v2/models/${encodeURIComponent(name)}`;
const sent = await irisTraffic(100, 5);
for (const name of ['iris', ODD]) {
  for (const features of sent) {
    const r = await postJson(url(`/v1/models/${encodeURIComponent(name)}/predict`), { features });
    assert.is(r.status, 200, JSON.stringify(r.body));
  }
}
await new Promise((r) => setImmediate(r)); // observations are counted on the next turn
const key = (values) => values.map((v) => Math.fround(Number(v))).join(',');
const sentKeys = new Set(sent.map((r) => key(FEATURES.map((f) => r[f]))));

async function download(name, path = '/reservoir') {
  const res = await fetch(url(`${model(name)}${path}`));
  return { res, text: await res.text() };
}

test('GET .../reservoir: a CSV of at most size rows, each one the server answered', async () => {
  const { res, text } = await download('iris');
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.is(res.headers.get('content-disposition'), 'attachment; filename="iris-1-reservoir.csv"');
  const [header, ...rows] = parse(text);
  assert.equal(header, FEATURES);
  assert.is(rows.length, 50);
  for (const row of rows) assert.ok(sentKeys.has(key(row)), `a row that was sent: ${row}`);
  const byVersion = await download('iris', '/versions/1/reservoir');
  assert.is(byVersion.text, text, 'the model and its version give the same sample');
});

test('POST .../reservoir/export writes the same sample on the server and answers its path', async () => {
  const r = await postJson(url(`${model('iris')}/reservoir/export`), {});
  assert.is(r.status, 200);
  assert.is(r.body.model_name, 'iris');
  assert.is(r.body.model_version, '1');
  assert.is(r.body.rows, 50);
  assert.ok(r.body.path.startsWith(join(samples, 'iris-1-')), r.body.path);
  assert.is(readFileSync(r.body.path, 'utf8'), (await download('iris')).text);
});

test('any model name gives a safe download file name', async () => {
  const { res, text } = await download(ODD);
  assert.is(res.status, 200);
  assert.is(res.headers.get('content-disposition'), 'attachment; filename="iris__v2__mod_le-1-reservoir.csv"');
  assert.is(parse(text).length, 51);
  const r = await postJson(url(`${model(ODD)}/reservoir/export`), {});
  assert.is(r.status, 200);
  assert.ok(r.body.path.startsWith(join(samples, 'iris__v2__mod_le-1-')), r.body.path);
});

test('no reservoir, no monitoring, unknown model or version: 404 naming what is missing', async () => {
  const none = await get(url(`${model('nosample')}/reservoir`));
  assert.is(none.status, 404);
  assert.match(none.body.error, /set monitoring\.reservoir\.size/);
  const exportNone = await postJson(url(`${model('nosample')}/reservoir/export`), {});
  assert.is(exportNone.status, 404);
  const plain = await get(url(`${model('plain')}/reservoir`));
  assert.is(plain.status, 404);
  assert.match(plain.body.error, /without monitoring/);
  assert.is((await get(url(`${model('nope')}/reservoir`))).status, 404);
  const version = await get(url(`${model('iris')}/versions/9/reservoir`));
  assert.is(version.status, 404);
  assert.match(version.body.error, /received '9'/);
});

test.after(async () => {
  await server.close();
  removeDir(repo);
  removeDir(samples);
});

test.run();
