// Hot reload under load: while a load generator keeps /predict busy, a new version appears in
// the repository (written in two halves, like a slow copy), is loaded and warmed, takes the
// traffic, and the old version is released; an in-place overwrite reloads the same version.
// No request fails at any point.
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { IRIS, makeRepository, model, removeDir, sleep, startServer, waitFor } from './helpers.mjs';

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
function loadGenerator(concurrency = 6) {
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
  // The answers switched once: every v2 answer comes after the last v1 answer.
  const lastV1 = load.answers.findLastIndex((a) => same(a, demoScores));
  const firstV2 = load.answers.findIndex((a) => same(a, irisScores));
  assert.ok(lastV1 < firstV2 || lastV1 - firstV2 < 12, 'answers switch over (in-flight v1 answers may interleave briefly)');
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

test.after(async () => {
  await server.close();
  removeDir(repo);
});
test.run();
