// The dashboard's JSON state against known traffic: per version, the requests, errors by code,
// latency, batch rows and queue of the last interval are exactly what was sent in it; polls
// within the minimum interval get the cached answer; a model that failed to load is listed with
// its reason; an empty repository answers an empty list.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, get, makeRepository, postJson, removeDir, sleep, startServer } from './helpers.mjs';

const repo = makeRepository({
  'iris/1': IRIS,
  'iris/2': IRIS,
  'iris/config.yaml': 'versionPolicy: { all: true }\n',
  'broken/1': IRIS,
});
writeFileSync(join(repo, 'broken', '1', 'model.onnx'), 'not an onnx file');
const server = await startServer({ models: repo });
const state = async () => {
  const r = await get(`${server.url}/dashboard/api/state`);
  assert.is(r.status, 200);
  assert.is(r.headers.get('cache-control'), 'no-store');
  return r.body;
};
const version = (s, model, v) => s.models.find((m) => m.name === model)?.versions.find((x) => x.version === v);
const infer = (v, rows) =>
  postJson(`${server.url}/v2/models/iris/versions/${v}/infer`, {
    inputs: [{ name: 'features', datatype: 'FP32', shape: [rows.length, 4], data: rows.flat() }],
  });
const ROW = [5.1, 3.5, 1.4, 0.2];

test('the interval counts exactly the requests answered in it, by version and outcome', async () => {
  await infer(1, [ROW]); // traffic before the interval starts
  await state(); // the interval starts here
  await sleep(550);
  const ok = await Promise.all(Array.from({ length: 30 }, (_, i) => infer(1, i % 3 === 0 ? [ROW, ROW] : [ROW])));
  assert.ok(
    ok.every((r) => r.status === 200),
    'all answered',
  );
  const bad = await Promise.all(Array.from({ length: 5 }, () => infer(1, [[1, 2]])));
  assert.ok(
    bad.every((r) => r.status === 400),
    'all rejected',
  );
  for (let i = 0; i < 10; i++) await infer(2, [ROW]);
  const s = await state();

  const v1 = version(s, 'iris', '1');
  assert.is(v1.state, 'ready');
  assert.is(v1.requests.window, 35);
  assert.is(v1.requests.total, 36);
  assert.ok(v1.window_s >= 0.5 && v1.window_s < 30, `window ${v1.window_s}`);
  assert.ok(Math.abs(v1.requests.rate - 35 / v1.window_s) < 0.01 * (35 / v1.window_s) + 0.01, `rate ${v1.requests.rate}`);
  assert.is(v1.errors.window, 5);
  assert.is(v1.errors.total, 5);
  assert.is(v1.errors.ratio, Number((5 / 35).toFixed(4)));
  assert.equal(Object.keys(v1.errors.by_code), ['ERR_INVALID_INPUT']);
  assert.is(v1.errors.by_code.ERR_INVALID_INPUT.window, 5);
  // Latency: every answered request of the interval, percentiles in order.
  assert.is(v1.latency_ms.count, 35);
  assert.ok(v1.latency_ms.p50 > 0 && v1.latency_ms.p50 <= v1.latency_ms.p90 && v1.latency_ms.p90 <= v1.latency_ms.p99);
  // Batches: the 30 valid requests carried 40 rows; invalid ones never reached the batcher.
  assert.ok(v1.batch.batches >= 1 && v1.batch.batches <= 30, `batches ${v1.batch.batches}`);
  assert.is(Math.round(v1.batch.rows.mean * v1.batch.rows.count), 40);
  assert.ok(v1.batch.rows.p99 <= v1.batch.max_rows);
  assert.is(v1.queue.wait_ms.count, 30);
  assert.is(v1.compute_ms.count, v1.batch.batches);
  assert.is(v1.queue.rows, 0);
  assert.is(v1.inflight.requests, 0);

  const v2 = version(s, 'iris', '2');
  assert.is(v2.requests.window, 10);
  assert.is(v2.errors.window, 0);
  assert.equal(v2.errors.by_code, {});
  assert.is(v2.errors.ratio, 0);
  assert.is(v2.latency_ms.count, 10);
});

test('an interval with no traffic has rates of 0 and no percentiles; totals stay', async () => {
  await sleep(550);
  const s = await state();
  const v1 = version(s, 'iris', '1');
  assert.is(v1.requests.window, 0);
  assert.is(v1.requests.rate, 0);
  assert.is(v1.requests.total, 36);
  assert.is(v1.errors.ratio, null);
  assert.is(v1.latency_ms, null);
  assert.is(v1.batch.rows, null);
  assert.is(v1.errors.by_code.ERR_INVALID_INPUT.total, 5);
  assert.is(v1.errors.by_code.ERR_INVALID_INPUT.window, 0);
});

test('polls within the minimum interval share one computation', async () => {
  await sleep(550);
  const a = await state();
  await infer(1, [ROW]);
  const b = await state();
  assert.is(b.time, a.time);
  assert.equal(b, a);
});

test('a model that failed to load is listed with its state and reason, and no versions', async () => {
  const s = await state();
  const broken = s.models.find((m) => m.name === 'broken');
  assert.ok(broken, 'listed');
  assert.is(broken.state, 'unavailable');
  assert.equal(broken.versions, []);
  assert.ok(broken.failures >= 1);
  assert.match(broken.reason, /\S/);
  assert.equal(
    s.models.map((m) => m.name),
    ['broken', 'iris'],
  );
  assert.is(s.server.ready, false, 'a configured model is not loaded');
});

test('an empty repository answers an empty model list', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'ortex-empty-'));
  const other = await startServer({ models: empty });
  try {
    const r = await get(`${other.url}/dashboard/api/state`);
    assert.is(r.status, 200);
    assert.equal(r.body.models, []);
    assert.is(r.body.server.ready, true);
  } finally {
    await other.close();
    removeDir(empty);
  }
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});
test.run();
