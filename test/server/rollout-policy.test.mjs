// Automatic policies under load (8 request loops on loopback): a candidate that holds its bounds
// is promoted after its request count, and the traffic moves to it; one whose error rate or p99
// latency breaks its bound is rolled back at once (after the minimum sample), and the traffic
// goes back to the serving version. No request fails except, in canary, those the broken
// candidate itself answered before the rollback; a broken candidate in shadow fails none.
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addToRepository, get, IRIS, makeRepository, removeDir, startServer } from './helpers.mjs';
import { countBy, loadUntil, putRollout } from './rollout-helpers.mjs';
import { brokenIrisBytes, writeCalibratedSlowIris } from './rollout-models.mjs';

const SLOW_MS = 100;
const repo = makeRepository({
  'iris/1': IRIS,
  'iris/2': IRIS,
  'iris/config.yaml': 'versionPolicy: { all: true }\n',
});
addToRepository(repo, 'iris/3', IRIS);
addToRepository(repo, 'iris/4', IRIS);
writeFileSync(join(repo, 'iris', '3', 'model.onnx'), brokenIrisBytes());
await writeCalibratedSlowIris(join(repo, 'iris', '4', 'model.onnx'), SLOW_MS);
const server = await startServer({ models: repo, config: { watch: false } });

const settled = (s) => s.phase === 'promoted' || s.phase === 'rolled_back';
const last = (s, action) => s.decisions.filter((d) => d.action === action).at(-1);

test('a candidate within its bounds is promoted after its request count; every request succeeds', async () => {
  const put = await putRollout(server.url, {
    mode: 'canary',
    serving: '1',
    candidate: '2',
    percent: 25,
    // Generous latency bounds: identical models on a shared machine; the rollback tests use tight ones.
    policy: { minRequests: 50, promoteAfterRequests: 150, maxP99Ratio: 2, p99SlackMs: 50, evaluateEveryMs: 100 },
  });
  assert.is(put.status, 200, JSON.stringify(put.body));
  const { results, state } = await loadUntil(server.url, settled, { after: 200 });
  assert.is(state.phase, 'promoted', JSON.stringify(state.decisions.at(-1)));
  assert.equal(
    countBy(results, (r) => r.status),
    { 200: results.length },
    'no request failed',
  );
  const d = last(state, 'promote');
  assert.is(d.reason, 'policy_met');
  assert.ok(d.evidence.candidate.requests >= 150, `promoted on ${d.evidence.candidate.requests} candidate requests`);
  assert.ok(
    d.evidence.checks.every((c) => c.judged && c.ok),
    'every check judged and held',
  );
  assert.is(state.serving, '2');
  assert.ok(
    results.filter((r) => r.after).every((r) => r.version === '2'),
    'after the promotion every request goes to version 2',
  );
  const metrics = (await get(`${server.url}/metrics`)).body;
  assert.match(metrics, 'ortex_rollout_decisions_total{model="iris",action="promote",reason="policy_met"} 1');
});

test('a throwing candidate in canary is rolled back on its error rate after the minimum sample', async () => {
  await putRollout(server.url, { mode: 'none', serving: '1' });
  const put = await putRollout(server.url, {
    mode: 'canary',
    serving: '1',
    candidate: '3',
    percent: 20,
    policy: { minRequests: 20, evaluateEveryMs: 100 },
  });
  assert.is(put.status, 200);
  const { results, state } = await loadUntil(server.url, settled, { after: 200 });
  assert.is(state.phase, 'rolled_back');
  const d = last(state, 'rollback');
  assert.is(d.reason, 'error_rate');
  assert.ok(d.evidence.candidate.requests >= 20, 'not before the minimum sample');
  assert.ok(d.evidence.candidate.error_rate > 0.5);
  const failed = results.filter((r) => r.status !== 200);
  assert.ok(
    failed.every((r) => r.status === 500),
    "only the candidate's own failures (500)",
  );
  const metrics = (await get(`${server.url}/metrics`)).body;
  const byCandidate = [...metrics.matchAll(/ortex_requests_total\{model="iris",version="3",outcome="(ERR_\w+)"\} (\d+)/g)];
  const candidateErrors = byCandidate.reduce((n, m) => n + Number(m[2]), 0);
  assert.is(failed.length, candidateErrors, 'every failed request is one the candidate answered');
  assert.ok(failed.length < 80, `the rollback came quickly (${failed.length} failed requests)`);
  const afterwards = results.filter((r) => r.after);
  assert.ok(
    afterwards.every((r) => r.status === 200 && r.version === '1'),
    'after the rollback version 1 answers everything',
  );
});

test('a throwing candidate in shadow is rolled back and no request fails', async () => {
  await putRollout(server.url, { mode: 'none', serving: '1' });
  await putRollout(server.url, { mode: 'shadow', serving: '1', candidate: '3', policy: { minRequests: 20, evaluateEveryMs: 100 } });
  const { results, state } = await loadUntil(server.url, settled, { after: 100 });
  assert.is(state.phase, 'rolled_back');
  assert.is(last(state, 'rollback').reason, 'error_rate');
  assert.equal(
    countBy(results, (r) => r.status),
    { 200: results.length },
  );
});

test(`a slow candidate (≥ ${SLOW_MS} ms a run) in canary is rolled back on p99 latency; every request succeeds`, async () => {
  await putRollout(server.url, { mode: 'none', serving: '1' });
  await putRollout(server.url, {
    mode: 'canary',
    serving: '1',
    candidate: '4',
    percent: 20,
    policy: { minRequests: 20, maxP99Ratio: 1.5, p99SlackMs: 20, evaluateEveryMs: 100 },
  });
  const { results, state } = await loadUntil(server.url, settled, { after: 100 });
  assert.is(state.phase, 'rolled_back', JSON.stringify(state.decisions.at(-1)));
  const d = last(state, 'rollback');
  assert.is(d.reason, 'p99_latency', d.detail);
  assert.ok(d.evidence.candidate.p99_ms >= SLOW_MS * 0.5, `candidate p99 ${d.evidence.candidate.p99_ms} ms`);
  assert.equal(
    countBy(results, (r) => r.status),
    { 200: results.length },
    'no request failed',
  );
  assert.ok(results.filter((r) => r.after).every((r) => r.version === '1'));
  const metrics = (await get(`${server.url}/metrics`)).body;
  assert.match(metrics, 'ortex_rollout_decisions_total{model="iris",action="rollback",reason="p99_latency"} 1');
  assert.not.match(metrics, 'arm="candidate"', 'no candidate arm after the rollback');
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});

test.run();
