// Canary routing over HTTP: at 10 % the candidate's share of 2,000 requests lies inside the
// binomial interval; sticky keys (a header, a v2 request parameter) always land on one version,
// and the hashed keys themselves split at the configured share; a request naming a version
// bypasses the rollout; the traffic-ratio gauge follows the split.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { get, IRIS, makeRepository, removeDir, startServer } from './helpers.mjs';
import { countBy, inferBody, putRollout, ROWS, rolloutState, send } from './rollout-helpers.mjs';

const repo = makeRepository({
  'iris/1': IRIS,
  'iris/2': IRIS,
  'iris/config.yaml': 'versionPolicy: { latest: 2 }\nrollout:\n  mode: canary\n  candidate: 2\n  percent: 10\n',
});
const server = await startServer({ models: repo, config: { watch: false } });
const N = 2000;

/** The binomial interval for `n` draws at share `p` with `z` standard deviations. */
const interval = (n, p, z) => [n * p - z * Math.sqrt(n * p * (1 - p)), n * p + z * Math.sqrt(n * p * (1 - p))];

test('10 % canary: over 2,000 requests the candidate share lies in the 99.99 % binomial interval', async () => {
  const results = await send(server.url, N, (i) => ({ body: inferBody(ROWS[i % ROWS.length]) }));
  assert.equal(
    countBy(results, (r) => r.status),
    { 200: N },
    'every request answered',
  );
  const byVersion = countBy(results, (r) => r.version);
  const [lo, hi] = interval(N, 0.1, 3.89);
  console.log(`canary 10 %: ${byVersion['2']} of ${N} to the candidate (99.99 % interval ${lo.toFixed(0)}–${hi.toFixed(0)})`);
  assert.ok(byVersion['2'] >= lo && byVersion['2'] <= hi, `candidate got ${byVersion['2']} of ${N}`);
  assert.is(byVersion['1'] + byVersion['2'], N, 'only the two versions answer');
  const st = await rolloutState(server.url);
  assert.is(st.mode, 'canary');
  assert.is(st.phase, 'observing');
  assert.is(st.percent, 10);
  assert.is(st.arms.candidate.requests, byVersion['2'], 'the candidate arm counts what the candidate answered');
  assert.is(st.arms.serving.requests, byVersion['1']);
  const metrics = (await get(`${server.url}/metrics`)).body;
  const ratio = Number(/ortex_rollout_candidate_traffic_ratio\{model="iris"\} (\S+)/.exec(metrics)?.[1]);
  assert.ok(Math.abs(ratio - byVersion['2'] / N) < 1e-9, `traffic ratio ${ratio}`);
  assert.match(metrics, 'ortex_rollout_arm{model="iris",version="2",arm="candidate"} 1');
});

test('a request naming a version bypasses the rollout', async () => {
  const results = await send(server.url, 100, (i) => ({ body: inferBody(ROWS[i % 6]), path: '/v2/models/iris/versions/2/infer' }));
  assert.equal(
    countBy(results, (r) => r.version),
    { 2: 100 },
  );
  const one = await send(server.url, 100, (i) => ({ body: inferBody(ROWS[i % 6]), path: '/v2/models/iris/versions/1/infer' }));
  assert.equal(
    countBy(one, (r) => r.version),
    { 1: 100 },
  );
});

test('sticky by header: one key, one version, every time; the hashed keys split at the configured share', async () => {
  const put = await putRollout(server.url, { mode: 'canary', candidate: '2', percent: 10, sticky: { header: 'x-user-id' } });
  assert.is(put.status, 200, JSON.stringify(put.body));
  assert.equal(put.body.sticky, { header: 'x-user-id' });
  const users = 1000;
  // Each user sends three requests, interleaved with the others'.
  const results = await send(server.url, users * 3, (i) => ({
    body: inferBody(ROWS[i % 6]),
    headers: { 'x-user-id': `user-${i % users}` },
  }));
  const seen = new Map();
  for (const r of results) {
    assert.is(r.status, 200);
    const user = r.i % users;
    if (!seen.has(user)) seen.set(user, r.version);
    assert.is(r.version, seen.get(user), `user-${user} always gets version ${seen.get(user)}`);
  }
  const toCandidate = [...seen.values()].filter((v) => v === '2').length;
  const [lo, hi] = interval(users, 0.1, 3.29);
  console.log(`sticky 10 %: ${toCandidate} of ${users} keys on the candidate (99.9 % interval ${lo.toFixed(0)}–${hi.toFixed(0)})`);
  assert.ok(toCandidate >= lo && toCandidate <= hi, `${toCandidate} of ${users} keys`);
  // Raising the share keeps every key that was on the candidate there (the hash is monotone in the share).
  await putRollout(server.url, { mode: 'canary', candidate: '2', percent: 30, sticky: { header: 'x-user-id' } });
  const again = await send(server.url, users, (i) => ({ body: inferBody(ROWS[0]), headers: { 'x-user-id': `user-${i}` } }));
  for (const r of again) if (seen.get(r.i) === '2') assert.is(r.version, '2', `user-${r.i} stays on the candidate at 30 %`);
  const at30 = again.filter((r) => r.version === '2').length;
  const [lo30, hi30] = interval(users, 0.3, 3.29);
  assert.ok(at30 >= lo30 && at30 <= hi30, `${at30} of ${users} keys at 30 %`);
});

test('sticky by a v2 request parameter', async () => {
  const put = await putRollout(server.url, { mode: 'canary', candidate: '2', percent: 50, sticky: { feature: 'user' } });
  assert.is(put.status, 200);
  const results = await send(server.url, 400, (i) => ({ body: inferBody(ROWS[i % 6], { user: `u${i % 40}` }) }));
  const seen = new Map();
  for (const r of results) {
    assert.is(r.status, 200);
    const u = r.i % 40;
    if (!seen.has(u)) seen.set(u, r.version);
    assert.is(r.version, seen.get(u), `u${u} sticks`);
  }
  const versions = new Set(seen.values());
  assert.equal([...versions].sort(), ['1', '2'], 'both versions take some keys at 50 %');
});

test('A/B by header value: arm b only for the listed values', async () => {
  const put = await putRollout(server.url, { mode: 'ab', candidate: '2', ab: { header: 'x-experiment', b: ['treatment'] } });
  assert.is(put.status, 200);
  assert.is(put.body.arms.serving.label, 'a');
  assert.is(put.body.arms.candidate.label, 'b');
  const groups = ['treatment', 'control', undefined];
  const results = await send(server.url, 300, (i) => ({
    body: inferBody(ROWS[i % 6]),
    headers: groups[i % 3] ? { 'x-experiment': groups[i % 3] } : {},
  }));
  for (const r of results) assert.is(r.version, r.i % 3 === 0 ? '2' : '1', `request ${r.i} (${groups[r.i % 3]})`);
  const st = await rolloutState(server.url);
  assert.is(st.arms.candidate.requests, 100, 'arm b counted');
  assert.is(st.arms.serving.requests, 200, 'arm a counted');
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});

test.run();
