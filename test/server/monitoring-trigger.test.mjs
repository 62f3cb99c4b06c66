// The retraining trigger over HTTP with a real local webhook receiver: it fires once per
// cool-down (and at every drifted judgment with no cool-down, never below minSamples), its
// payload names the model, version, drifted features, statistics, window bounds and the reservoir
// sample the server exported (a CSV on disk); a failing receiver (5xx, down, or hanging) never
// affects a prediction. Deterministic: row-based sub-windows, requests sent one at a time.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../../dist/index.js';
import {
  IRIS,
  irisMonitoringRepository,
  irisTraffic,
  metricValue,
  get,
  postJson,
  removeDir,
  startReceiver,
  startServer,
  waitFor,
} from './helpers.mjs';

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const samples = mkdtempSync(join(tmpdir(), 'ortex-samples-'));
const shifted = await irisTraffic(400, 21, { petal_length: 1.6 });
const cleanup = [() => removeDir(samples)];

/** Waits for the server's queued observations (counted on the next event-loop turn), then for trigger deliveries. */
async function settled(monitor) {
  await new Promise((r) => setImmediate(r));
  await monitor.settled();
}

/** The labels the Iris model gives `records`, computed in process without a server. */
async function expectedPredictions(records) {
  const session = await InferenceSession.create(IRIS);
  const labels = JSON.parse(session.modelMetadata.custom.labels);
  const x = Float32Array.from(records.flatMap((r) => FEATURES.map((f) => r[f])));
  const { probabilities } = await session.run({ features: new Tensor('float32', x, [records.length, 4]) });
  await session.release();
  return records.map((_, i) => {
    const p = Array.from(probabilities.data.subarray(i * 3, i * 3 + 3));
    return labels[p.indexOf(Math.max(...p))];
  });
}

/** A monitored Iris server whose trigger posts to `webhook`. */
async function serve(trigger, reservoir) {
  const { repo } = await irisMonitoringRepository({
    window: { subWindows: 2, subWindowRows: 100 },
    minSamples: 200,
    trigger,
    ...(reservoir ? { reservoir } : {}),
  });
  const server = await startServer({ models: repo, config: { watch: false } });
  cleanup.push(async () => {
    await server.close();
    removeDir(repo);
  });
  const predict = async (records) => {
    const answers = [];
    for (const features of records) {
      const r = await postJson(`${server.url}/predict`, { features });
      assert.is(r.status, 200, JSON.stringify(r.body));
      answers.push(r.body.prediction[0]);
    }
    return answers;
  };
  return { server, predict, monitor: () => server.app.ortex.monitorOf('iris') };
}

test('fires once per cool-down, with the payload and the exported reservoir sample', async () => {
  const receiver = await startReceiver();
  cleanup.push(receiver.close);
  const { predict, monitor } = await serve(
    { cooldownMs: 3_600_000, webhook: { url: receiver.url, retries: 0 } },
    { size: 100, seed: 3, dir: samples },
  );
  await predict(shifted.slice(0, 100));
  await settled(monitor());
  assert.is(receiver.received.length, 0, 'never on fewer than minSamples rows');
  await predict(shifted.slice(100, 200));
  await waitFor(() => receiver.received.length === 1, 10_000, 'the webhook');
  await predict(shifted.slice(200));
  await settled(monitor());
  assert.is(receiver.received.length, 1, 'two more drifted judgments inside the cool-down: no second firing');

  const { method, headers, body } = receiver.received[0];
  assert.is(method, 'POST');
  assert.is(headers['content-type'], 'application/json');
  assert.is(body.model, 'iris');
  assert.is(body.version, '1');
  assert.is(body.reason, 'drift');
  assert.equal(body.drifted.features, ['petal_length']);
  assert.ok(body.drifted.outputs.length > 0, 'the outputs drift too');
  assert.is(body.window.rows, 200);
  assert.ok(Date.parse(body.window.start) <= Date.parse(body.window.end));
  const petal = body.statistics.find((s) => s.name === 'petal_length');
  assert.equal(
    { ...petal, score: petal.score < 1e-6 },
    {
      name: 'petal_length',
      scope: 'inputs',
      statistic: 'ks',
      score: true,
      threshold: 0.05,
      drifted: true,
    },
  );
  assert.ok(body.reservoir.path.startsWith(samples), body.reservoir.path);
  assert.ok(existsSync(body.reservoir.path));
  const lines = readFileSync(body.reservoir.path, 'utf8').trim().split('\n');
  assert.is(lines[0], FEATURES.join(','));
  assert.is(lines.length - 1, body.reservoir.rows);
  assert.ok(body.reservoir.rows > 0 && body.reservoir.rows <= 150, `${body.reservoir.rows} rows`);
  const sampled = lines.slice(1).map((l) => l.split(',').map(Number));
  assert.ok(
    sampled.every((r) => shifted.some((s) => FEATURES.every((f, i) => Math.abs(s[f] - r[i]) < 1e-5))),
    'rows the server saw',
  );
});

test('with no cool-down it fires at every drifted judgment at or above minSamples', async () => {
  const receiver = await startReceiver();
  cleanup.push(receiver.close);
  const { predict, monitor, server } = await serve({ cooldownMs: 0, webhook: receiver.url });
  await predict(shifted);
  await settled(monitor());
  // Judgments after 100 (below minSamples), 200, 300 and 400 rows.
  assert.is(receiver.received.length, 3);
  const m = (await get(`${server.url}/metrics`)).body;
  assert.is(metricValue(m, 'ortex_drift_triggers_total', { model: 'iris', channel: 'webhook', outcome: 'ok' }), 3);
});

test('a receiver answering 500 is retried and given up on; predictions are unaffected', async () => {
  const receiver = await startReceiver(() => 500);
  cleanup.push(receiver.close);
  const { predict, monitor, server } = await serve({ cooldownMs: 3_600_000, webhook: { url: receiver.url, retries: 2, backoffMs: 5 } });
  const answers = await predict(shifted.slice(0, 300));
  await settled(monitor());
  assert.is(receiver.received.length, 3, '1 + 2 retries');
  const m = (await get(`${server.url}/metrics`)).body;
  assert.is(metricValue(m, 'ortex_drift_triggers_total', { model: 'iris', channel: 'webhook', outcome: 'failed' }), 1);
  assert.equal(answers, await expectedPredictions(shifted.slice(0, 300)), 'the answers a model without monitoring gives');
});

test('a receiver that is down, or that never answers, never delays a prediction', async () => {
  const gone = await startReceiver();
  await gone.close();
  const down = await serve({ cooldownMs: 3_600_000, webhook: { url: gone.url, retries: 1, backoffMs: 5 } });
  await down.predict(shifted.slice(0, 300));
  await settled(down.monitor());
  const m = (await get(`${down.server.url}/metrics`)).body;
  assert.is(metricValue(m, 'ortex_drift_triggers_total', { model: 'iris', channel: 'webhook', outcome: 'failed' }), 1);

  // A receiver that holds the request open: predictions are answered while the delivery waits.
  let release;
  const held = new Promise((r) => {
    release = r;
  });
  const { createServer } = await import('node:http');
  const hanging = createServer((req) => {
    req.resume();
    void held.then(() => req.socket.destroy());
  });
  await new Promise((r) => hanging.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => hanging.close(r)));
  const waiting = await serve({
    cooldownMs: 3_600_000,
    webhook: { url: `http://127.0.0.1:${hanging.address().port}/`, retries: 0, timeoutMs: 60_000 },
  });
  await waiting.predict(shifted.slice(0, 200));
  await waitFor(async () => (await new Promise((r) => hanging.getConnections((_, n) => r(n)))) > 0, 10_000, 'the held delivery');
  const t0 = performance.now();
  const more = await waiting.predict(shifted.slice(200, 300));
  assert.is(more.length, 100, 'answered while the webhook is still waiting');
  assert.ok(performance.now() - t0 < 30_000);
  release();
  await settled(waiting.monitor());
});

test('a webhook that is not an http(s) URL fails the load at start, not at the first drift', async () => {
  const { repo } = await irisMonitoringRepository({ trigger: { webhook: '127.0.0.1:9000/retrain' } });
  const server = await startServer({ models: repo, config: { watch: false } });
  cleanup.push(async () => {
    await server.close();
    removeDir(repo);
  });
  assert.is((await get(`${server.url}/v2/models/iris/ready`)).status, 503, 'not ready');
  const index = await postJson(`${server.url}/v2/repository/index`, {});
  const iris = index.body.find((e) => e.name === 'iris');
  assert.is(iris.state, 'UNAVAILABLE');
  assert.match(iris.reason, /expected an http: or https: URL for trigger\.webhook\.url, received string "127\.0\.0\.1:9000\/retrain"/);
});

test.after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

test.run();
