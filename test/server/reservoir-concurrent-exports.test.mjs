// Concurrent exports of one version never clobber each other or count twice: two exports in the
// same millisecond give two whole files (the second named `-1`); 16 POSTs at once answer 16
// different paths, each a whole sample, and retention (keep 4) then leaves exactly the 4 newest.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Monitor } from '../../dist/monitoring/index.js';
import { irisMonitoringRepository, irisTraffic, postJson, removeDir, startServer } from './helpers.mjs';

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const samples = mkdtempSync(join(tmpdir(), 'ortex-concurrent-'));
const schema = { version: 1, inputs: { features: { type: 'float32' } }, features: FEATURES.map((name) => ({ name, type: 'number' })) };
const rowsOf = (path) => readFileSync(path, 'utf8').trim().split('\n').length - 1;

test('two exports in the same millisecond: two whole files, neither replaced', async () => {
  const dir = join(samples, 'same-ms');
  const clock = Date.parse('2026-12-01T12:00:00.000Z');
  const m = new Monitor({
    model: 'iris',
    schema,
    now: () => clock,
    window: { subWindows: 1, subWindowRows: 1000 },
    reservoir: { size: 5, seed: 1, dir, keep: 0 },
  });
  m.observe([[1, 2, 3, 4]]);
  const first = m.exportReservoirTo();
  m.observe([[5, 6, 7, 8]]);
  const [a, b] = await Promise.all([first, m.exportReservoirTo()]);
  assert.is.not(a.path, b.path);
  assert.equal([basename(a.path), basename(b.path)].sort(), [
    'iris-1-2026-12-01T12-00-00-000Z-1.csv',
    'iris-1-2026-12-01T12-00-00-000Z.csv',
  ]);
  assert.equal([rowsOf(a.path), rowsOf(b.path)].sort(), [1, 2]);
  const third = await m.exportReservoirTo();
  assert.is(basename(third.path), 'iris-1-2026-12-01T12-00-00-000Z-2.csv');
  assert.equal(readdirSync(dir).sort(), [basename(a.path), basename(b.path), basename(third.path)].sort(), 'keep 0: no limit by count');
  await m.close();
});

test('16 POSTs at once: 16 paths, whole files, and exactly keep left', async () => {
  const dir = join(samples, 'http');
  const { repo } = await irisMonitoringRepository({
    window: { subWindows: 2, subWindowRows: 20 },
    reservoir: { size: 20, seed: 7, dir, keep: 4 },
  });
  const server = await startServer({ models: repo, config: { watch: false } });
  try {
    for (const features of await irisTraffic(40, 3)) assert.is((await postJson(`${server.url}/predict`, { features })).status, 200);
    await new Promise((r) => setImmediate(r));
    const answers = await Promise.all(Array.from({ length: 16 }, () => postJson(`${server.url}/v2/models/iris/reservoir/export`, {})));
    for (const r of answers) assert.is(r.status, 200, JSON.stringify(r.body));
    const paths = answers.map((r) => r.body.path);
    assert.is(new Set(paths).size, 16, 'every export has its own file');
    const left = readdirSync(dir).sort();
    assert.is(left.length, 4, left.join(' '));
    const order = (name) => {
      const m = /-(\d{4}-.*Z)(?:-(\d+))?\.csv$/.exec(name);
      return [m[1], Number(m[2] ?? 0)];
    };
    const byAge = paths
      .map((p) => basename(p))
      .sort((x, y) => {
        const [a, i] = order(x);
        const [b, j] = order(y);
        return a < b ? -1 : a > b ? 1 : i - j;
      });
    assert.equal(left, byAge.slice(-4).sort(), 'the 4 newest are left');
    for (const name of left) assert.is(rowsOf(join(dir, name)), 20, `${name} is a whole sample`);
    assert.equal(server.app.ortex.monitorOf('iris').exportStats(), { written: 16, deleted: 12, deleteFailures: 0 });
  } finally {
    await server.close();
    removeDir(repo);
  }
});

test.after(() => removeDir(samples));

test.run();
