// Rollout control: the state of a model without a rollout; PUT validation (the config schema's
// messages, 400), a candidate that is not loaded and commands with nothing to act on (409
// ERR_ROLLOUT_STATE); promote and rollback (a request in flight on the candidate finishes there);
// a rollback after a promotion restores the previous version; a config-file change starts and
// ends a rollout at run time without reloading the versions; auth applies to the endpoints.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { get, IRIS, makeRepository, removeDir, startServer, waitFor } from './helpers.mjs';
import { command, countBy, inferBody, putRollout, ROWS, send } from './rollout-helpers.mjs';
import { writeCalibratedSlowIris } from './rollout-models.mjs';

const TOKEN = 'rollout-secret';
const auth = { authorization: `Bearer ${TOKEN}` };
const repo = makeRepository({ 'iris/1': IRIS, 'iris/2': IRIS, 'iris/config.yaml': 'versionPolicy: { all: true }\n' });
mkdirSync(join(repo, 'iris', '3'));
await writeCalibratedSlowIris(join(repo, 'iris', '3', 'model.onnx'), 200);
const server = await startServer({ models: repo, config: { watch: { debounceMs: 50 }, auth: { token: TOKEN } } });
const url = server.url;
const authed = (path) => get(`${url}${path}`, auth);

test('auth applies to the rollout endpoints', async () => {
  assert.is((await get(`${url}/v2/models/iris/rollout`)).status, 401);
  assert.is((await putRollout(url, { mode: 'none' })).status, 401);
  assert.is((await command(url, 'promote')).status, 401);
  assert.is((await authed('/v2/models/iris/rollout')).status, 200);
});

test('a model without a rollout: mode none, the newest version serving, no decisions', async () => {
  const { status, body } = await authed('/v2/models/iris/rollout');
  assert.is(status, 200);
  assert.is(body.model_name, 'iris');
  assert.is(body.mode, 'none');
  assert.is(body.phase, 'idle');
  assert.is(body.serving, '3');
  assert.is(body.candidate, null);
  assert.equal(body.decisions, []);
  assert.is(body.shadow, null);
  assert.is(body.policy, null);
  const missing = await authed('/v2/models/nope/rollout');
  assert.is(missing.status, 404);
  assert.match(missing.body.error, "received 'nope'");
});

test('PUT validation: schema messages (400), unloaded candidates and empty commands (409)', async () => {
  const cases = [
    [{ mode: 'canary', candidate: '2', percent: 200 }, 400, 'expected a number <= 100 for percent of rollout, received number 200'],
    [{ mode: 'sideways', candidate: '2' }, 400, 'for mode of rollout'],
    [{ mode: 'canary', candidate: '2', speed: 1 }, 400, "received key 'speed'"],
    [{ mode: 'canary', percent: 10 }, 400, 'expected rollout.candidate'],
    [{ mode: 'shadow', candidate: '2', shadow: { sampleRate: 2 } }, 400, 'for shadow.sampleRate of rollout, received number 2'],
    [{ mode: 'canary', candidate: '9', percent: 10 }, 409, "received '9': load it beside the serving version"],
    [{ mode: 'canary', candidate: '2', serving: '2' }, 400, 'expected rollout.serving to differ'],
  ];
  for (const [body, status, text] of cases) {
    const r = await putRollout(url, body, 'iris', auth);
    assert.is(r.status, status, JSON.stringify(body));
    assert.match(r.body.error, text);
  }
  const promote = await command(url, 'promote', 'iris', auth);
  assert.is(promote.status, 409);
  assert.match(promote.body.error, 'to promote, received');
  assert.is((await command(url, 'rollback', 'iris', auth)).status, 409);
});

test('promote, and a rollback after it, move all traffic at once; decisions are recorded', async () => {
  let r = await putRollout(url, { mode: 'canary', serving: '1', candidate: '2', percent: 50 }, 'iris', auth);
  assert.is(r.status, 200);
  r = await command(url, 'promote', 'iris', auth);
  assert.is(r.status, 200);
  assert.is(r.body.phase, 'promoted');
  assert.is(r.body.serving, '2');
  const after = await send(url, 50, (i) => ({ body: inferBody(ROWS[i % 6]), headers: auth }));
  assert.equal(
    countBy(after, (x) => x.version),
    { 2: 50 },
  );
  r = await command(url, 'rollback', 'iris', auth);
  assert.is(r.status, 200);
  assert.is(r.body.phase, 'rolled_back');
  assert.is(r.body.serving, '1');
  const back = await send(url, 50, (i) => ({ body: inferBody(ROWS[i % 6]), headers: auth }));
  assert.equal(
    countBy(back, (x) => x.version),
    { 1: 50 },
  );
  const actions = r.body.decisions.map((d) => `${d.action}:${d.reason}`);
  assert.equal(actions.slice(-3), ['start:api', 'promote:api', 'rollback:api']);
});

test('a request in flight on the candidate finishes there when the candidate is rolled back', async () => {
  await putRollout(url, { mode: 'canary', serving: '1', candidate: '3', percent: 100 }, 'iris', auth);
  const slow = send(url, 1, () => ({ body: inferBody(ROWS[0]), headers: auth }));
  // Routed to version 3, where it runs for ≥ 200 ms: roll back while it holds the version.
  const v3 = server.app.ortex.repository.get('iris').versions.get('3');
  await waitFor(() => v3.stats().inflight === 1, 10_000, 'the request to hold version 3');
  const rb = await command(url, 'rollback', 'iris', auth);
  assert.is(rb.status, 200);
  const [answer] = await slow;
  assert.is(answer.status, 200);
  assert.is(answer.version, '3', 'answered by the version it started on');
  const next = await send(url, 5, () => ({ body: inferBody(ROWS[1]), headers: auth }));
  assert.ok(next.every((x) => x.version === '1'));
});

test('a config-file change starts and ends a rollout at run time, without reloading the versions', async () => {
  await putRollout(url, { mode: 'none', serving: '1' }, 'iris', auth);
  const entry = server.app.ortex.repository.get('iris');
  const before = [...entry.versions.values()];
  writeFileSync(
    join(repo, 'iris', 'config.yaml'),
    'versionPolicy: { all: true }\nrollout:\n  mode: canary\n  serving: 1\n  candidate: 2\n  percent: 30\n',
  );
  const st = await waitFor(async () => {
    const s = (await authed('/v2/models/iris/rollout')).body;
    return s.mode === 'canary' && s;
  });
  assert.is(st.percent, 30);
  assert.is(st.decisions.at(-1).reason, 'config');
  assert.equal([...entry.versions.values()], before, 'the same version objects serve (no reload)');
  writeFileSync(join(repo, 'iris', 'config.yaml'), 'versionPolicy: { all: true }\n');
  await waitFor(async () => (await authed('/v2/models/iris/rollout')).body.mode === 'none');
  assert.equal([...entry.versions.values()], before);
  const metrics = (await get(`${url}/metrics`, auth)).body;
  assert.match(metrics, 'ortex_rollout_decisions_total{model="iris",action="start",reason="config"}');
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});

test.run();
