// The retraining command: spawned without a shell, the payload on stdin and summarized in ORTEX_*
// variables, the reservoir sample exported as CSV first (its path in the payload); a failing,
// hanging or missing command is reported, never thrown; a webhook and a command both fire.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { Monitor } from '../../dist/monitoring/index.js';
import { profileOf, SYNTHETIC, syntheticRows, tempDir } from './helpers.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const child = join(here, 'retrain-command.mjs');
const profile = await profileOf(SYNTHETIC.schema, syntheticRows(1)(1000));
const shifted = syntheticRows(2, { normal: { shift: 2 }, skewed: { shift: 2 }, uniform: { shift: 1 } });
const dir = tempDir();

async function fire(trigger, extra = {}) {
  const m = new Monitor({
    model: 'iris',
    version: '3',
    schema: SYNTHETIC.schema,
    profile,
    window: { subWindows: 2, subWindowRows: 100 },
    minSamples: 200,
    trigger,
    ...extra,
  });
  const results = [];
  const payloads = [];
  m.on('trigger', (p) => payloads.push(p));
  m.on('trigger-result', (r) => results.push(r));
  m.observe(shifted(100));
  m.observe(shifted(100));
  await m.settled();
  await m.close();
  return { results, payloads };
}

test('runs the command with the payload on stdin and ORTEX_* in its environment', async () => {
  const out = join(dir, 'ran.json');
  const { results } = await fire({ command: { argv: [process.execPath, child, out], env: { RETRAIN_EXTRA: 'x' } } });
  assert.equal([results[0].channel, results[0].ok, results[0].exitCode], ['command', true, 0]);
  assert.match(results[0].output, /retraining iris on no sample/);
  const { payload, env } = JSON.parse(readFileSync(out, 'utf8'));
  assert.is(payload.model, 'iris');
  assert.is(payload.version, '3');
  assert.equal(env.ORTEX_MODEL, 'iris');
  assert.equal(env.ORTEX_VERSION, '3');
  assert.equal(env.ORTEX_DRIFTED_FEATURES.split(',').sort(), payload.drifted.features.sort());
  assert.is(env.RETRAIN_EXTRA, 'x');
});

test('exports the reservoir sample first: the payload and ORTEX_RESERVOIR name the CSV', async () => {
  const out = join(dir, 'sampled.json');
  const exportDir = join(dir, 'samples');
  const { payloads, results } = await fire(
    { exportReservoir: exportDir, command: [process.execPath, child, out] },
    { reservoir: { size: 60, seed: 2 } },
  );
  assert.ok(results[0].ok, results[0].error);
  const { path, rows } = payloads[0].reservoir;
  assert.ok(path.startsWith(exportDir) && existsSync(path), path);
  assert.ok(rows > 0 && rows <= 90, `${rows} rows`);
  const table = parse(readFileSync(path, 'utf8'), { columns: true });
  assert.is(table.length, rows);
  assert.equal(Object.keys(table[0]), SYNTHETIC.names);
  assert.is(JSON.parse(readFileSync(out, 'utf8')).env.ORTEX_RESERVOIR, path);
});

test('a failing, a hanging and a missing command are reported, not thrown', async () => {
  const failed = await fire({ command: [process.execPath, child, join(dir, 'f.json'), '3'] });
  assert.equal([failed.results[0].ok, failed.results[0].exitCode, failed.results[0].error], [false, 3, 'exit code 3']);
  const hung = await fire({ command: { argv: [process.execPath, child, join(dir, 'h.json'), '0', 'sleep'], timeoutMs: 300 } });
  assert.equal([hung.results[0].ok, hung.results[0].signal], [false, 'SIGKILL']);
  const missing = await fire({ command: [join(dir, 'no-such-program')] });
  assert.is(missing.results[0].ok, false);
  assert.match(missing.results[0].error, /ENOENT/);
});

test('a webhook and a command both fire from one trigger', async () => {
  const hits = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      hits.push(req.url);
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { results } = await fire({
      webhook: `http://127.0.0.1:${server.address().port}/hook`,
      command: [process.execPath, child, join(dir, 'both.json')],
    });
    assert.equal(results.map((r) => [r.channel, r.ok]).sort(), [
      ['command', true],
      ['webhook', true],
    ]);
    assert.equal(hits, ['/hook']);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('a trigger needs a channel; exportReservoir needs a reservoir', () => {
  const base = { model: 'm', schema: SYNTHETIC.schema, profile };
  assert.throws(
    () => new Monitor({ ...base, trigger: { holdMs: 1 } }),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /a webhook or a command/.test(e.message),
  );
  assert.throws(
    () => new Monitor({ ...base, trigger: { webhook: 'http://127.0.0.1:1/', exportReservoir: dir } }),
    (e) => /reservoir\.size > 0/.test(e.message),
  );
});

test.run();
