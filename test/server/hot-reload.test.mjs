// Hot reload under load: while a load generator keeps /predict busy, a new version appears in
// the repository (written in two halves, like a slow copy), is loaded and warmed, takes the
// traffic, and the old version is released; an in-place overwrite reloads the same version.
// No request fails at any point, and requests in flight on the old version (held there on purpose by
// a slow request) are answered by it before it is released.
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { IRIS, makeRepository, model, postJson, removeDir, sleep, startServer, waitFor } from './helpers.mjs';
import { ONE_RUN_AT_A_TIME, prepareSlowModel, slowRequest } from './slow-model.mjs';

const DEMO = model('demo.onnx');
const row = [6.7, 3.0, 5.2, 2.3];
async function scoresOf(path) {
  const s = await InferenceSession.create(path);
  const out = await s.run({ features: new Tensor('float32', Float32Array.from(row), [1, 4]) });
  await s.release();
  return Array.from(out.probabilities.data);
}
const demoScores = await scoresOf(DEMO);
const irisScores = await scoresOf(IRIS);

// Both versions get labels from the config, so /predict answers with their scores.
const repo = makeRepository({
  'iris/1': DEMO,
  'iris/config.yaml': 'batching: adaptive\noutputs:\n  probabilities:\n    labels: [a, b, c]\n',
});
const server = await startServer({ models: repo, config: { watch: { debounceMs: 100 } } });
const events = [];
for (const e of ['load', 'unload', 'failure']) server.app.ortex.repository.on(e, (x) => events.push({ event: e, ...x }));

/** Keeps `concurrency` loops of /predict going until stop(); records every answer. */
const CONCURRENCY = 6;
function loadGenerator(concurrency = CONCURRENCY) {
  const answers = [];
  const failures = [];
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        const res = await fetch(`${server.url}/predict`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ features: row }),
        });
        const body = await res.json();
        if (res.status !== 200) failures.push({ status: res.status, body });
        else answers.push(body.probabilities[0]);
      } catch (e) {
        failures.push({ error: e.message });
      }
    }
  });
  return {
    answers,
    failures,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}
const same = (a, b) => a.length === b.length && a.every((v, i) => Math.abs(v - b[i]) < 1e-6);

test('a new version written slowly loads, takes traffic, and the old one is released, with no failed request', async () => {
  const v1 = server.app.ortex.repository.get('iris').versions.get('1');
  const load = loadGenerator();
  await waitFor(() => load.answers.length > 20, 10_000, 'traffic on v1');
  assert.ok(
    load.answers.every((a) => same(a, demoScores)),
    'v1 answers',
  );
  // Version 2 arrives in two halves, 300 ms apart (a copy in progress).
  const bytes = readFileSync(IRIS);
  mkdirSync(join(repo, 'iris', '2'));
  writeFileSync(join(repo, 'iris', '2', 'model.onnx'), bytes.subarray(0, bytes.length >> 1));
  await sleep(300);
  writeFileSync(join(repo, 'iris', '2', 'model.onnx'), bytes);
  await waitFor(() => load.answers.length > 0 && same(load.answers[load.answers.length - 1], irisScores), 15_000, 'traffic on v2');
  await waitFor(() => v1.state === 'released', 10_000, 'v1 released');
  const seen = load.answers.length;
  await waitFor(() => load.answers.length > seen + 20, 10_000, 'more traffic');
  await load.stop();
  assert.equal(load.failures, [], 'no request failed');
  const entry = server.app.ortex.repository.get('iris');
  assert.equal([...entry.versions.keys()], ['2']);
  assert.ok(events.some((e) => e.event === 'load' && e.version === '2'));
  assert.ok(events.some((e) => e.event === 'unload' && e.version === '1'));
  // The answers switched once: a request routed after the swap goes to v2, so the only v1
  // answers after the first v2 answer are those already in flight then, one per loop at most.
  const firstV2 = load.answers.findIndex((a) => same(a, irisScores));
  const lateV1 = load.answers.slice(firstV2).filter((a) => same(a, demoScores)).length;
  assert.ok(lateV1 <= CONCURRENCY, `${lateV1} v1 answers after the first v2 answer (at most one per loop)`);
  assert.ok(
    load.answers.every((a) => same(a, demoScores) || same(a, irisScores)),
    'every answer from one of the two versions',
  );
});

test('an in-place replacement (atomic rename) reloads the same version number', async () => {
  const before = server.app.ortex.repository.get('iris').versions.get('2');
  const load = loadGenerator(4);
  await waitFor(() => load.answers.length > 10, 10_000, 'traffic');
  copyFileSync(DEMO, join(repo, 'iris', '2', '.model.onnx.tmp'));
  renameSync(join(repo, 'iris', '2', '.model.onnx.tmp'), join(repo, 'iris', '2', 'model.onnx'));
  await waitFor(() => load.answers.length > 0 && same(load.answers[load.answers.length - 1], demoScores), 15_000, 'reloaded answers');
  await waitFor(() => before.state === 'released', 10_000, 'old instance released');
  await load.stop();
  assert.equal(load.failures, []);
  assert.is.not(server.app.ortex.repository.get('iris').versions.get('2'), before);
});

test('requests in flight on the old version when the new one takes traffic are answered by it; it is released after them', async () => {
  const model = await prepareSlowModel();
  const { path: slow, hold } = model;
  const slowRepo = makeRepository({ 'slow/1': slow, 'slow/config.yaml': ONE_RUN_AT_A_TIME });
  const s = await startServer({ models: slowRepo, config: { watch: false } });
  try {
    const repository = s.app.ortex.repository;
    const v1 = repository.get('slow').versions.get('1');
    let v1AtRelease;
    repository.on('unload', (e) => {
      if (e.version === '1') v1AtRelease = v1.stats();
    });
    let v1HoldersAtSwap;
    repository.on('load', (e) => {
      if (e.version === '2') v1HoldersAtSwap = v1.stats().inflight;
    });
    const infer = (n) => postJson(`${s.url}/v2/models/slow/infer`, slowRequest(n));
    // On purpose: v1 runs one long request and has two more queued behind it.
    const holding = infer(hold);
    await waitFor(() => v1.batcher.stats().inflight.batches === 1, 10_000, 'the holding request to run');
    const queued = [infer(1), infer(1)];
    await waitFor(() => v1.batcher.stats().queued.requests === 2, 10_000, 'two queued requests');
    mkdirSync(join(slowRepo, 'slow', '2'));
    copyFileSync(slow, join(slowRepo, 'slow', '2', 'model.onnx'));
    const loaded = await postJson(`${s.url}/v2/repository/models/slow/load`, {});
    assert.is(loaded.status, 200);
    assert.is(v1HoldersAtSwap, 3, 'v2 took traffic while v1 held three requests');
    const fresh = await infer(1);
    assert.is(fresh.body.model_version, '2', 'a request after the swap goes to v2');
    const old = await Promise.all([holding, ...queued]);
    assert.equal(
      old.map((r) => [r.status, r.body.model_version]),
      [
        [200, '1'],
        [200, '1'],
        [200, '1'],
      ],
    );
    await waitFor(() => v1.state === 'released', 10_000, 'v1 released');
    // Released only once the three requests it held were answered (server side).
    assert.is(v1AtRelease.inflight, 0);
    assert.equal(v1AtRelease.requests, { success: 3 });
    assert.equal([...repository.get('slow').versions.keys()], ['2']);
  } finally {
    await s.close();
    removeDir(slowRepo);
    model.remove();
  }
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});
test.run();
