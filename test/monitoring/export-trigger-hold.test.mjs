// A retraining trigger's exported sample is never deleted while the firing is in progress: the
// command gets the file's path (ORTEX_RESERVOIR, payload.reservoir.path) and may read it at any
// time before it exits, even when other exports of the version have pushed the file beyond
// `keep` meanwhile. Once the command has exited, the next export deletes it like any other.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Monitor } from '../../dist/monitoring/index.js';
import { waitFor } from '../helpers/index.mjs';
import { profileOf, SYNTHETIC, syntheticRows, tempDir } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, 'held-retrain-command.mjs');
const profile = await profileOf(SYNTHETIC.schema, syntheticRows(1)(1000));
const shifted = syntheticRows(2, { normal: { shift: 2 }, skewed: { shift: 2 }, uniform: { shift: 1 } });
const dir = tempDir();
const samples = join(dir, 'samples');

test("the firing's file survives other exports while its command runs, and goes after", async () => {
  const gate = join(dir, 'go');
  const out = join(dir, 'result.json');
  const m = new Monitor({
    model: 'iris',
    version: '3',
    schema: SYNTHETIC.schema,
    profile,
    window: { subWindows: 2, subWindowRows: 100 },
    minSamples: 200,
    reservoir: { size: 40, seed: 2, dir: samples, keep: 1 },
    trigger: { exportReservoir: samples, command: { argv: [process.execPath, child, gate, out], timeoutMs: 20_000 } },
  });
  const payloads = [];
  const results = [];
  m.on('trigger', (p) => payloads.push(p));
  m.on('trigger-result', (r) => results.push(r));
  m.observe(shifted(100));
  m.observe(shifted(100)); // drift: the trigger fires, exports, runs the command
  await waitFor(() => existsSync(`${out}.started`), 10_000, 'the command to start');
  const fired = payloads[0].reservoir.path;
  const others = [];
  for (let i = 0; i < 3; i++) {
    others.push((await m.exportReservoirTo()).path);
    await new Promise((r) => setTimeout(r, 2)); // distinct times in the names
  }
  assert.ok(existsSync(fired), `${basename(fired)} is still there while the command runs (keep 1, 3 newer exports)`);
  assert.not.ok(existsSync(others[0]) || existsSync(others[1]), 'the other old exports went');
  writeFileSync(gate, '');
  await m.settled();
  assert.ok(results[0]?.ok, JSON.stringify(results));
  const seen = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(seen, { exists: true, lines: payloads[0].reservoir.rows + 1 }, 'the command read the whole sample');
  const last = (await m.exportReservoirTo()).path;
  assert.not.ok(existsSync(fired), 'deleted by the first export after the firing ended');
  assert.ok(existsSync(last));
  assert.equal(m.exportStats(), { written: 5, deleted: 4, deleteFailures: 0 });
  await m.close();
});

test.run();
