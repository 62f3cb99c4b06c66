// New versions under `rollout.onNewVersion` (without monitoring): a version that appears in the
// repository becomes the candidate — it does not take all traffic as the newest version would —
// and goes through the steps; a throwing one is rolled back and the serving version stays; the
// next one is rolled out from the same serving version, which stays loaded although the version
// policy ({latest: 2}) alone would have let it go; after promotion the new version serves.
import { mkdirSync, renameSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, makeRepository, removeDir, startServer, waitFor } from './helpers.mjs';
import { countBy, loadUntil } from './rollout-helpers.mjs';
import { brokenIrisBytes } from './rollout-models.mjs';

const repo = makeRepository({
  'iris/1': IRIS,
  'iris/config.yaml': [
    'versionPolicy: { latest: 2 }',
    'rollout:',
    '  policy: { minRequests: 20, promoteAfterRequests: 40, p99SlackMs: 50, maxP99Ratio: 2, evaluateEveryMs: 100 }',
    '  onNewVersion:',
    '    steps: [{ mode: canary, percent: 30 }]',
    '',
  ].join('\n'),
});
// Versions are published, then loaded through the repository API (the watcher's part is hot-reload.test.mjs's).
const server = await startServer({ models: repo, config: { watch: false } });
const entry = () => server.app.ortex.repository.get('iris');

/** Publishes a version folder the way a deployment should: written beside, then renamed in. */
function publish(version, write) {
  const staging = join(repo, 'iris', `.incoming-${version}`);
  mkdirSync(staging);
  write(join(staging, 'model.onnx'));
  renameSync(staging, join(repo, 'iris', String(version)));
  return fetch(`${server.url}/v2/repository/models/iris/load`, { method: 'POST' }).then((r) => assert.is(r.status, 200));
}

test('a throwing new version is a canary, and is rolled back; version 1 keeps serving', async () => {
  await publish(2, (path) => writeFileSync(path, brokenIrisBytes()));
  await waitFor(async () => entry().versions.get('2')?.ready, 10_000, 'version 2 to load');
  const { results, state } = await loadUntil(server.url, (s) => s.phase === 'rolled_back', { after: 50 });
  assert.is(state.serving, '1');
  assert.is(state.candidate, '2');
  assert.equal(
    state.decisions.filter((d) => d.action !== 'hold').map((d) => `${d.action}:${d.reason}`),
    ['start:new_version', 'rollback:error_rate'],
  );
  assert.ok(results.filter((r) => r.after).every((r) => r.status === 200 && r.version === '1'));
});

test('the next version rolls out from version 1, which stays loaded, and is promoted', async () => {
  await publish(3, (path) => copyFileSync(IRIS, path));
  await waitFor(async () => entry().versions.get('3')?.ready, 10_000, 'version 3 to load');
  assert.ok(entry().versions.get('1')?.ready, 'version 1 is still loaded (retained for the rollout)');
  const { results, state } = await loadUntil(server.url, (s) => s.phase === 'promoted', { after: 50 });
  assert.is(state.phase, 'promoted');
  assert.is(state.serving, '3');
  assert.equal(
    countBy(results, (r) => r.status),
    { 200: results.length },
    'no request failed',
  );
  assert.ok(results.filter((r) => r.after).every((r) => r.version === '3'));
  const started = state.decisions.filter((d) => d.reason === 'new_version').at(-1);
  assert.equal(started.evidence, { serving: '1', candidate: '3' });
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});

test.run();
