// Retention of reservoir exports over HTTP: after each POST .../reservoir/export the version's
// oldest export files beyond `monitoring.reservoir.keep` are deleted, and those older than
// `maxAgeMs`; everything else in the folder survives — a user's own files, look-alike names,
// another version's and another model's exports, a folder and a symbolic link named like an old
// export (never followed: its target outside the folder survives too). /metrics counts the
// exports and the deletions.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { irisMonitoringRepository, irisTraffic, metricValue, postJson, removeDir, startServer } from './helpers.mjs';

const samples = mkdtempSync(join(tmpdir(), 'ortex-retention-'));
const outside = mkdtempSync(join(tmpdir(), 'ortex-retention-outside-'));
const { repo } = await irisMonitoringRepository({
  window: { subWindows: 2, subWindowRows: 20 },
  reservoir: { size: 20, seed: 7, dir: samples, keep: 3 },
});
// "aged": the same model under another name, whose exports also expire after an hour.
cpSync(join(repo, 'iris'), join(repo, 'aged'), { recursive: true });
const agedConfig = JSON.parse(readFileSync(join(repo, 'iris', 'config.yaml'), 'utf8'));
agedConfig.monitoring.reservoir = { size: 20, seed: 7, dir: samples, keep: 100, maxAgeMs: 3_600_000 };
writeFileSync(join(repo, 'aged', 'config.yaml'), JSON.stringify(agedConfig));

const stamp = (iso) => iso.replace(/[:.]/g, '-');
const old = (day) => `iris-1-${stamp(`2020-01-0${day}T00:00:00.000Z`)}.csv`;
// Files that are not iris version 1's exports, or not regular files: retention never touches them.
const foreign = [
  'notes.csv',
  'iris-1-backup.csv',
  'iris-1.csv',
  `iris-2-${stamp('2020-01-01T00:00:00.000Z')}.csv`, // another version
  `iris-1-2-${stamp('2020-01-01T00:00:00.000Z')}.csv`, // model iris-1 version 2, or iris version 1-2: not iris 1's
  `iris-1x-${stamp('2020-01-01T00:00:00.000Z')}.csv`, // another model
  `xiris-1-${stamp('2020-01-01T00:00:00.000Z')}.csv`,
  `iris-1-${stamp('2020-01-01T00:00:00.000Z')}.csv.bak`,
  `iris-1-${stamp('2020-01-01T00:00:00.000Z')}-0.csv`, // not a sequence number this scheme writes
];
for (const name of foreign) writeFileSync(join(samples, name), 'keep me\n');
for (const day of [1, 2, 3, 4]) writeFileSync(join(samples, old(day)), 'sepal_length\n1\n');
const folder = `iris-1-${stamp('2019-06-01T00:00:00.000Z')}.csv`;
mkdirSync(join(samples, folder)); // a folder named like an export
const target = join(outside, 'precious.csv');
writeFileSync(target, 'not yours\n');
const link = `iris-1-${stamp('2019-01-01T00:00:00.000Z')}.csv`;
symlinkSync(target, join(samples, link)); // the oldest "export" of all, a link out of the folder
// aged: one export two hours old and one from a minute ago (by the times in their names)
const agedOld = `aged-1-${stamp(new Date(Date.now() - 7_200_000).toISOString())}.csv`;
const agedRecent = `aged-1-${stamp(new Date(Date.now() - 60_000).toISOString())}.csv`;
for (const name of [agedOld, agedRecent]) writeFileSync(join(samples, name), 'sepal_length\n1\n');

const server = await startServer({ models: repo, config: { watch: false } });
for (const name of ['iris', 'aged'])
  for (const features of await irisTraffic(40, 3)) {
    const r = await postJson(`${server.url}/v1/models/${name}/predict`, { features });
    assert.is(r.status, 200, JSON.stringify(r.body));
  }
await new Promise((r) => setImmediate(r)); // observations are counted on the next turn

const exportOnce = async (name) => {
  const r = await postJson(`${server.url}/v2/models/${name}/reservoir/export`, {});
  assert.is(r.status, 200, JSON.stringify(r.body));
  return basename(r.body.path);
};
const listing = () => new Set(readdirSync(samples));
const irisExports = [];

test('exports beyond keep delete the oldest of that version', async () => {
  const first = await exportOnce('iris');
  let files = listing();
  // keep 3: the new export and the two newest old ones
  assert.ok(files.has(first) && files.has(old(4)) && files.has(old(3)), [...files].join(' '));
  assert.not.ok(files.has(old(2)) || files.has(old(1)), 'the two oldest exports are gone');
  const second = await exportOnce('iris');
  const third = await exportOnce('iris');
  files = listing();
  for (const f of [first, second, third]) assert.ok(files.has(f), f);
  assert.not.ok(files.has(old(3)) || files.has(old(4)), 'older exports made room for the new ones');
  const exports = [...files].filter((f) => f.startsWith('iris-1-') && ![...foreign, link, folder].includes(f));
  assert.equal(exports.sort(), [first, second, third].sort());
  irisExports.push(first, second, third);
  const text = readFileSync(join(samples, third), 'utf8');
  assert.is(text.trim().split('\n').length, 21, 'a whole sample: header and 20 rows');
});

test("a user's files, other versions' and models' exports, a folder and a link survive", () => {
  const files = listing();
  for (const name of foreign) {
    assert.ok(files.has(name), `${name} survives`);
    assert.is(readFileSync(join(samples, name), 'utf8'), 'keep me\n');
  }
  assert.ok(files.has(link), 'the symbolic link itself survives');
  assert.is(readFileSync(target, 'utf8'), 'not yours\n', 'and so does its target outside the folder');
  assert.ok(files.has(folder), 'the folder survives');
});

test('maxAgeMs deletes exports older than the limit, even below keep', async () => {
  assert.ok(existsSync(join(samples, agedOld)));
  const fresh = await exportOnce('aged');
  const files = listing();
  assert.ok(files.has(fresh));
  assert.not.ok(files.has(agedOld), 'the two-hour-old export is gone');
  assert.ok(files.has(agedRecent), 'the one-minute-old export stays');
  for (const f of irisExports) assert.ok(files.has(f), `${f}: iris's exports are not aged's to delete`);
});

test('/metrics counts exports and the deletions', async () => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  assert.is(metricValue(text, 'ortex_reservoir_exports_total', { model: 'iris', version: '1' }), 3);
  assert.is(metricValue(text, 'ortex_reservoir_export_deletions_total', { model: 'iris', version: '1', outcome: 'ok' }), 4);
  assert.is(metricValue(text, 'ortex_reservoir_export_deletions_total', { model: 'iris', version: '1', outcome: 'failed' }), 0);
  assert.is(metricValue(text, 'ortex_reservoir_export_deletions_total', { model: 'aged', version: '1', outcome: 'ok' }), 1);
});

test.after(async () => {
  await server.close();
  removeDir(repo);
  removeDir(samples);
  removeDir(outside);
});

test.run();
