// Reservoir exports appear whole or not at all: a reader polling the folder on every event-loop
// turn never sees a partial `.csv` (a named export, or a file replaced in place), a process killed
// mid-write leaves no partial `.csv`, and the temporary file such a crash leaves behind is not
// counted by retention and is removed once it is an hour old.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, utimesSync, watch, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Monitor } from '../../dist/monitoring/index.js';
import { IRIS_FEATURES, numericSchema, tempDir } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SIZE = 50_000;

function bigMonitor(extra = {}) {
  const m = new Monitor({
    model: 'iris',
    schema: numericSchema(IRIS_FEATURES),
    window: { subWindows: 1, subWindowRows: 1e9 },
    reservoir: { size: SIZE, seed: 1, ...extra },
  });
  for (let b = 0; b < 5; b++) m.observe(Array.from({ length: SIZE / 5 }, (_, i) => [i / 7, i / 11, i / 13, b + i / 17]));
  return m;
}

const lines = (text) => text.split('\n').length - 1; // whole files end with a newline

/** Runs `work` while checking the folder on every turn; returns what was seen that is not whole. */
async function watchWhile(dir, work, isWhole) {
  const partial = [];
  let running = true;
  const poll = () => {
    for (const name of readdirSync(dir)) {
      if (!name.endsWith('.csv')) continue;
      let text;
      try {
        text = readFileSync(join(dir, name), 'utf8');
      } catch {
        continue; // deleted between the listing and the read
      }
      if (!isWhole(name, text)) partial.push(`${name}: ${text.length} chars`);
    }
    if (running) setImmediate(poll);
  };
  poll();
  const result = await work();
  running = false;
  return { partial, result };
}

test('a named export never shows a partial .csv', async () => {
  const dir = tempDir();
  const m = bigMonitor({ dir });
  const { partial, result } = await watchWhile(
    dir,
    () => m.exportReservoirTo(),
    (_n, text) => lines(text) === SIZE + 1,
  );
  assert.equal(partial, []);
  assert.is(lines(readFileSync(result.path, 'utf8')), SIZE + 1);
  assert.equal(
    readdirSync(dir).filter((n) => n.startsWith('.')),
    [],
    'no temporary file is left',
  );
  await m.close();
});

test('replacing a file in place: a reader sees the old file or the whole new one', async () => {
  const dir = tempDir();
  const path = join(dir, 'sample.csv');
  const before = 'sepal_length,sepal_width,petal_length,petal_width\n1,2,3,4\n';
  writeFileSync(path, before);
  const m = bigMonitor();
  const { partial } = await watchWhile(
    dir,
    () => m.exportReservoir(path),
    (_n, text) => text === before || lines(text) === SIZE + 1,
  );
  assert.equal(partial, []);
  assert.is(lines(readFileSync(path, 'utf8')), SIZE + 1);
  await m.close();
});

test('a process killed mid-write leaves no partial .csv', async () => {
  const dir = tempDir();
  const child = spawn(process.execPath, [join(here, 'export-crash-child.mjs'), dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c) => (stderr += c));
  const seen = [];
  const watcher = watch(dir, (_event, name) => {
    seen.push(name);
    child.kill('SIGKILL'); // at the first sign of the write
  });
  const exit = await new Promise((r) => child.on('close', (code, signal) => r({ code, signal })));
  watcher.close();
  assert.ok(seen.length > 0, `the child wrote something before it died (${JSON.stringify(exit)}, ${stderr})`);
  const path = join(dir, 'sample.csv');
  if (existsSync(path)) assert.is(lines(readFileSync(path, 'utf8')), 100_001, 'a sample.csv that is there is whole');
});

test('a leftover temporary file is not counted by retention and goes once an hour old', async () => {
  const dir = tempDir();
  const stamp = new Date(Date.now() - 60_000).toISOString().replace(/[:.]/g, '-');
  const temp = `.iris-1-${stamp}.csv.4242-0123abcd.tmp`;
  const otherTemp = `.iris-2-${stamp}.csv.4242-0123abcd.tmp`; // another version's: never this one's to remove
  for (const name of [temp, otherTemp]) writeFileSync(join(dir, name), 'sepal_length,sep');
  const m = new Monitor({ model: 'iris', schema: numericSchema(IRIS_FEATURES), reservoir: { size: 10, seed: 1, dir, keep: 1 } });
  m.observe([[1, 2, 3, 4]]);
  const a = await m.exportReservoirTo();
  await new Promise((r) => setTimeout(r, 2));
  const b = await m.exportReservoirTo();
  assert.not.ok(existsSync(a.path), 'keep 1: the older export went');
  assert.ok(existsSync(b.path));
  assert.ok(existsSync(join(dir, temp)), 'a young temporary file may be a write in progress: kept');
  const hoursAgo = (Date.now() - 7_200_000) / 1000;
  for (const name of [temp, otherTemp]) utimesSync(join(dir, name), hoursAgo, hoursAgo);
  const c = await m.exportReservoirTo();
  assert.not.ok(existsSync(join(dir, temp)), 'a stale temporary file of this version is removed');
  assert.ok(existsSync(join(dir, otherTemp)), "another version's is not");
  assert.equal(
    readdirSync(dir).filter((n) => n.endsWith('.csv')),
    [c.path.slice(dir.length + 1)],
  );
  await m.close();
});

test.run();
