// `ortex serve` as a real child process: SIGTERM with requests in flight (put there on purpose:
// a slow request holding the model and others queued behind it, as /metrics shows) answers
// every one of them and exits 0 within the grace period; KServe's conventions (PORT,
// --model_name) hold; a grace period that runs out still exits 0, answering what was queued with 503.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { get, makeRepository, model, postJson, removeDir, waitFor } from './helpers.mjs';
import { spawnServe } from './serve-child.mjs';
import { ONE_RUN_AT_A_TIME, prepareSlowModel, slowRequest } from './slow-model.mjs';

// A hold of at least about 1 s on this machine (longer when it is busy).
const slow = await prepareSlowModel(1000);
const HOLD = slow.hold;
const repo = makeRepository({ 'slow/1': slow.path, 'slow/config.yaml': ONE_RUN_AT_A_TIME });

/** Reads one per-version gauge of the slow model from /metrics. */
async function gauge(url, name) {
  const text = (await get(`${url}/metrics`)).body;
  const m = new RegExp(`^${name}\\{model="slow",version="1"\\} (\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * Puts requests in flight on purpose: one holding request runs (the server's /metrics says so),
 * then `queued` more wait behind it in the queue. Resolves to their answers' promises.
 */
async function holdAndQueue(url, queued) {
  const infer = (n) =>
    postJson(`${url}/v2/models/slow/infer`, slowRequest(n)).then(
      (r) => ({ status: r.status, at: Date.now() }),
      (e) => ({ error: e.message, at: Date.now() }),
    );
  const holding = infer(HOLD);
  await waitFor(async () => (await gauge(url, 'ortex_inflight_batches')) === 1, 10_000, 'the holding request to run');
  const rest = Array.from({ length: queued }, () => infer(1));
  await waitFor(async () => (await gauge(url, 'ortex_queue_depth')) === queued, 10_000, `${queued} queued requests`);
  return { holding, rest };
}

test('SIGTERM with requests in flight: all answered 200, readiness drops, exit 0 within the grace period', async () => {
  const configFile = join(repo, 'server.yaml');
  writeFileSync(configFile, 'shutdownGraceMs: 8000\nlogLevel: info\n');
  const s = await spawnServe([repo, '--config', configFile], { env: { PORT: '0' } });
  const { holding, rest } = await holdAndQueue(s.url, 4);
  const sent = Date.now();
  s.child.kill('SIGTERM');
  const answers = await Promise.all([holding, ...rest]);
  const { code, at } = await s.exited;
  assert.equal(
    answers.map((a) => a.status),
    [200, 200, 200, 200, 200],
    `every in-flight request answered: ${JSON.stringify(answers)}`,
  );
  assert.ok(
    answers.every((a) => a.at >= sent),
    'each was answered after the signal',
  );
  assert.is(code, 0, s.logs());
  assert.ok(at - sent < 8000, `exited in ${at - sent} ms`);
  const logs = s.logs();
  assert.match(logs, /readiness is false/);
  assert.match(logs, /"shut down"/);
});

test('KServe conventions: PORT picks the port, --model_name names a single-file model', async () => {
  const s = await spawnServe([model('demo.onnx'), '--model_name', 'custom', '--no-watch'], { env: { PORT: '0' } });
  try {
    const r = await get(`${s.url}/v2/models/custom/ready`);
    assert.equal([r.status, r.body], [200, { name: 'custom', ready: true }]);
    assert.match((await get(`${s.url}/v2/health/ready`)).body.ready.toString(), /true/);
  } finally {
    s.child.kill('SIGINT');
    const { code } = await s.exited;
    assert.is(code, 0, 'SIGINT exits 0 too');
  }
});

test('a grace period that runs out: exit 0 anyway, queued requests answered 503 (not dropped silently)', async () => {
  const configFile = join(repo, 'short.yaml');
  writeFileSync(configFile, 'shutdownGraceMs: 1\n');
  const s = await spawnServe([repo, '--config', configFile, '--no-watch'], { env: { PORT: '0' } });
  const { holding, rest } = await holdAndQueue(s.url, 4);
  const sent = Date.now();
  s.child.kill('SIGTERM');
  const queued = await Promise.all(rest);
  const held = await holding;
  const { code, at } = await s.exited;
  assert.is(code, 0, s.logs());
  assert.ok(at - sent < 15_000, `exited in ${at - sent} ms`);
  assert.equal(
    queued.map((a) => a.status),
    [503, 503, 503, 503],
    JSON.stringify(queued),
  );
  // The running one finishes in the runtime (its connection may be closed before the answer);
  // the queued ones did not wait for it.
  assert.ok(held.status === 200 || held.error !== undefined, JSON.stringify(held));
  assert.ok(
    queued.every((a) => a.at <= held.at),
    'queued requests answered 503 when the grace period ran out, not after the running one',
  );
  assert.match(s.logs(), /grace period over/);
});

test.after(() => {
  removeDir(repo);
  slow.remove();
});
test.run();
