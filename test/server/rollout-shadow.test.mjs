// Shadow traffic: the candidate gets a copy of each answered request and its answers are
// compared with the serving version's, never returned. With shadow on, every answer is byte for
// byte the answer with shadow off; a throwing candidate and a slow candidate never reach a
// client (no failed request, no added latency of the candidate's size), a full shadow queue
// drops copies instead of growing; agreement and distance measure what differs.
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addToRepository, get, IRIS, makeRepository, model, removeDir, startServer, waitFor } from './helpers.mjs';
import { countBy, inferBody, percentile, putRollout, ROWS, rolloutState, send } from './rollout-helpers.mjs';
import { brokenIrisBytes, writeCalibratedSlowIris } from './rollout-models.mjs';

const SLOW_MS = 60;
const repo = makeRepository({
  'iris/1': IRIS,
  'iris/2': IRIS,
  // demo.onnx: the same input and output shapes, other (random) weights: answers that differ.
  'iris/3': model('demo.onnx'),
  'iris/config.yaml': 'versionPolicy: { all: true }\noutputs:\n  probabilities:\n    labels: [setosa, versicolor, virginica]\n',
});
addToRepository(repo, 'iris/4', IRIS);
addToRepository(repo, 'iris/5', IRIS);
const { writeFileSync } = await import('node:fs');
writeFileSync(join(repo, 'iris', '4', 'model.onnx'), brokenIrisBytes());
await writeCalibratedSlowIris(join(repo, 'iris', '5', 'model.onnx'), SLOW_MS);

const server = await startServer({ models: repo, config: { watch: false } });
const N = 600;
// Explicit ids, so that answers can be compared as text.
const request = (i) => ({ body: { id: `r${i}`, ...inferBody(ROWS[i % ROWS.length]) } });
const shadowOf = (candidate, shadow = {}) => ({ mode: 'shadow', candidate, serving: '1', shadow });

async function baseline() {
  const put = await putRollout(server.url, { mode: 'none', serving: '1' });
  assert.is(put.status, 200, JSON.stringify(put.body));
  return send(server.url, N, request);
}

test('shadow never changes an answer: bodies with shadow on equal those with it off', async () => {
  const off = await baseline();
  assert.ok(off.every((r) => r.status === 200 && r.version === '1'));
  const put = await putRollout(server.url, shadowOf('3'));
  assert.is(put.status, 200, JSON.stringify(put.body));
  assert.is(put.body.mode, 'shadow');
  const on = await send(server.url, N, request);
  for (let i = 0; i < N; i++) assert.is(on[i].text, off[i].text, `answer ${i} is the serving version's`);
  const st = await waitFor(async () => {
    const s = await rolloutState(server.url);
    return s.shadow.compared + s.shadow.dropped + s.shadow.failed >= N && s;
  });
  assert.is(st.shadow.failed, 0);
  assert.ok(st.shadow.compared > 0, 'copies were compared');
  // A different model: its argmax disagrees on some rows and its scores differ.
  assert.ok(st.shadow.agreement < 1, `agreement ${st.shadow.agreement}`);
  assert.ok(st.shadow.mean_distance > 0.01, `distance ${st.shadow.mean_distance}`);
  assert.is(st.arms.candidate.label, 'shadow');
  assert.is(st.arms.candidate.requests, st.shadow.compared, 'the shadow arm counts the shadow runs');
  const metrics = (await get(`${server.url}/metrics`)).body;
  assert.match(metrics, `ortex_shadow_comparisons_total{model="iris",version="3"} ${st.shadow.compared}`);
  assert.match(metrics, /ortex_shadow_duration_seconds_count\{model="iris",version="3"\} \d+/);
});

test('an identical candidate agrees everywhere, at distance 0', async () => {
  await putRollout(server.url, shadowOf('2'));
  await send(server.url, 200, request);
  const st = await waitFor(async () => {
    const s = await rolloutState(server.url);
    return s.shadow.compared + s.shadow.dropped >= 200 && s;
  });
  assert.is(st.shadow.agreement, 1);
  assert.is(st.shadow.mean_distance, 0);
});

test('a throwing candidate never reaches a client', async () => {
  const off = await baseline();
  await putRollout(server.url, shadowOf('4'));
  const on = await send(server.url, N, request);
  assert.equal(
    countBy(on, (r) => r.status),
    { 200: N },
    'no client saw the failures',
  );
  for (let i = 0; i < N; i++) assert.is(on[i].text, off[i].text);
  const st = await waitFor(async () => {
    const s = await rolloutState(server.url);
    return s.shadow.failed + s.shadow.dropped >= N && s;
  });
  assert.ok(st.shadow.failed > 0, 'the candidate failed');
  assert.is(st.shadow.compared, 0);
  assert.is(st.arms.candidate.errors, st.shadow.failed, 'its failures count against the candidate');
});

test(`a slow candidate (≥ ${SLOW_MS} ms a run) adds nothing of its time, and a full shadow queue drops copies`, async () => {
  const off = await baseline();
  await putRollout(server.url, shadowOf('5', { queueSize: 4, concurrency: 1 }));
  const on = await send(server.url, N, request);
  assert.equal(
    countBy(on, (r) => r.status),
    { 200: N },
  );
  for (let i = 0; i < N; i++) assert.is(on[i].text, off[i].text);
  const p = (list, q) =>
    percentile(
      list.map((r) => r.ms),
      q,
    );
  console.log(
    `slow shadow: client p50 ${p(off, 50).toFixed(2)} → ${p(on, 50).toFixed(2)} ms, p99 ${p(off, 99).toFixed(2)} → ${p(on, 99).toFixed(2)} ms (candidate ≥ ${SLOW_MS} ms a run; shared machine)`,
  );
  // Had clients waited for the candidate, half of them would take its run time or more. (The
  // candidate's runs still take CPU from the serving version: on a saturated machine that shows
  // in the tail, which is what sampleRate bounds; bench/serve/shadow.mjs measures it.)
  assert.ok(p(on, 50) < SLOW_MS / 4, `client p50 ${p(on, 50)} ms stays far below the candidate's ${SLOW_MS} ms`);
  // The clients may all be answered before the first copy's run (≥ SLOW_MS) ends: wait for one.
  const st = await waitFor(async () => {
    const s = await rolloutState(server.url);
    return s.shadow.compared + s.shadow.failed > 0 && s;
  });
  assert.ok(st.shadow.dropped > N / 2, `most copies dropped (${st.shadow.dropped}) rather than queued`);
  assert.ok(st.shadow.p99_ms >= SLOW_MS * 0.5, `the shadow latency shows the candidate's slowness (${st.shadow.p99_ms} ms)`);
  const metrics = (await get(`${server.url}/metrics`)).body;
  assert.match(metrics, `ortex_shadow_dropped_total{model="iris",version="5"} ${st.shadow.dropped}`);
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});

test.run();
