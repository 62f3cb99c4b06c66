// A delete that fails never fails the export: an old export that cannot be deleted (made
// immutable with `chattr +i`, so even root gets EPERM) is logged and counted
// (ortex_reservoir_export_deletions_total{outcome="failed"}), the POST still answers 200 with a
// whole new file, and the server keeps serving. Skipped where chattr cannot make a file immutable
// (not root, or a file system without the attribute).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { irisMonitoringRepository, irisTraffic, metricValue, postJson, removeDir, startServer } from './helpers.mjs';

const samples = mkdtempSync(join(tmpdir(), 'ortex-undeletable-'));
const stuck = join(samples, 'iris-1-2020-01-01T00-00-00-000Z.csv');
writeFileSync(stuck, 'sepal_length\n1\n');
const chattr = (flag) => spawnSync('chattr', [flag, stuck], { encoding: 'utf8' });
const immutable = chattr('+i');
const skip =
  immutable.error || immutable.status !== 0 ? `chattr +i failed: ${immutable.error?.message ?? immutable.stderr.trim()}` : undefined;
process.on('exit', () => {
  if (!skip) chattr('-i');
});

if (skip) {
  console.log(`skipped: ${skip}`);
  removeDir(samples);
} else {
  const warnings = [];
  const { repo } = await irisMonitoringRepository({
    window: { subWindows: 2, subWindowRows: 20 },
    reservoir: { size: 20, seed: 7, dir: samples, keep: 1 },
  });
  const logger = {
    level: 'warn',
    stream: { write: (line) => warnings.push(JSON.parse(line)) },
  };
  const server = await startServer({ models: repo, config: { watch: false }, logger });

  test('the export answers 200 with a whole file; the failure is logged and counted', async () => {
    for (const features of await irisTraffic(40, 3)) assert.is((await postJson(`${server.url}/predict`, { features })).status, 200);
    await new Promise((r) => setImmediate(r));
    const r = await postJson(`${server.url}/v2/models/iris/reservoir/export`, {});
    assert.is(r.status, 200, JSON.stringify(r.body));
    assert.is(readFileSync(r.body.path, 'utf8').trim().split('\n').length, 21);
    assert.ok(existsSync(stuck), 'the immutable file is still there');
    const logged = warnings.find((w) => w.msg === 'reservoir retention could not delete an old export');
    assert.ok(logged, JSON.stringify(warnings));
    assert.is(logged.path, stuck);
    assert.match(JSON.stringify(logged.err), /EPERM/);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.is(metricValue(metrics, 'ortex_reservoir_export_deletions_total', { model: 'iris', version: '1', outcome: 'failed' }), 1);
  });

  test('the next export tries again and still answers; predictions are unaffected', async () => {
    const r = await postJson(`${server.url}/v2/models/iris/reservoir/export`, {});
    assert.is(r.status, 200);
    assert.equal(server.app.ortex.monitorOf('iris').exportStats(), { written: 2, deleted: 1, deleteFailures: 2 });
    assert.is((await postJson(`${server.url}/predict`, { features: (await irisTraffic(1, 9))[0] })).status, 200);
  });

  test.after(async () => {
    await server.close();
    chattr('-i');
    removeDir(repo);
    removeDir(samples);
  });

  test.run();
}
