// The reservoir sample: off by default, bounded, uniform within each sub-window (Algorithm R), and
// following the drift window (rows that left the window leave the sample). Its CSV export reads
// back through `ortex validate` and `ortex profile`, float32 values in their short decimal form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { chiSquareSf, Monitor, Reservoir, Schema } from '../../dist/monitoring/index.js';
import { cli, DEMO_MODEL, IRIS_FEATURES, irisRows, numericSchema, tempDir } from './helpers.mjs';

const schema = Schema.from(numericSchema(IRIS_FEATURES));
const data = irisRows().map((r) => r.slice(0, 4));

test('off by default; bounded by size + size/subWindows', async () => {
  const off = new Monitor({ model: 'm', schema });
  off.observe(data);
  assert.is(off.stats().reservoirRows, 0);
  assert.throws(
    () => off.reservoirCsv(),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /set reservoir\.size/.test(e.message),
  );
  await off.close();
  const m = new Monitor({ model: 'm', schema, window: { subWindows: 5, subWindowRows: 100 }, reservoir: { size: 100, seed: 1 } });
  for (let i = 0; i < 50; i++) m.observe(data);
  assert.ok(m.stats().reservoirRows <= 120, `${m.stats().reservoirRows} rows`);
  assert.ok(m.stats().reservoirRows >= 100);
  await m.close();
});

test('uniform within a sub-window: every row equally likely (chi-square over 4,000 seeds)', () => {
  const counts = new Float64Array(200);
  const rows = { rows: 200, value: (r) => r };
  for (let seed = 1; seed <= 4000; seed++) {
    const r = new Reservoir(['id'], 20, 1, seed);
    r.add(rows);
    for (const [id] of r.rows()) counts[id]++;
  }
  const expected = (4000 * 20) / 200;
  let chi2 = 0;
  for (const c of counts) chi2 += (c - expected) ** 2 / expected;
  const p = chiSquareSf(chi2, 199);
  assert.ok(p > 0.001, `chi-square ${chi2.toFixed(1)} on 199 dof, p = ${p}`);
});

test('follows the window: rows that expired leave the sample', async () => {
  const m = new Monitor({ model: 'm', schema, window: { subWindows: 2, subWindowRows: 150 }, reservoir: { size: 40, seed: 3 } });
  m.observe(data.map((r) => [1, r[1], r[2], r[3]])); // marked phase A
  m.observe(data.map((r) => [1, r[1], r[2], r[3]]));
  m.observe(data.map((r) => [2, r[1], r[2], r[3]])); // phase B: two full sub-windows
  m.observe(data.map((r) => [2, r[1], r[2], r[3]]));
  const marks = new Set(
    m
      .reservoirCsv()
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[0]),
  );
  assert.equal([...marks], ['2']);
  await m.close();
});

test('the CSV export validates and profiles: what the loop retrains on reads back', async () => {
  const dir = tempDir();
  const schemaPath = join(dir, 'schema.json');
  writeFileSync(
    schemaPath,
    JSON.stringify({ ...numericSchema(IRIS_FEATURES), features: IRIS_FEATURES.map((name) => ({ name, type: 'number', min: 0, max: 10 })) }),
  );
  const m = new Monitor({
    model: 'iris',
    schema: Schema.from(JSON.parse(readFileSync(schemaPath, 'utf8'))),
    window: { subWindows: 4, subWindowRows: 150 },
    reservoir: { size: 120, seed: 5 },
  });
  for (let i = 0; i < 4; i++) m.observe(m.toFeeds(data)); // float32 tensors, as a server observes them
  const path = join(dir, 'sample.csv');
  const { rows } = await m.exportReservoir(path);
  await m.close();
  const text = readFileSync(path, 'utf8');
  assert.match(text.split('\n')[0], /^sepal_length,sepal_width,petal_length,petal_width$/);
  assert.not.match(text, /\d\.\d{7,}/, 'float32 values written in short form (4.9, not 4.900000095367432)');
  const known = new Set(data.map((r) => r.join(',')));
  for (const line of text.trim().split('\n').slice(1)) assert.ok(known.has(line), `${line} is an Iris row`);
  const v = cli(['validate', path, '--schema', schemaPath]);
  assert.is(v.status, 0, v.stdout + v.stderr);
  assert.match(v.stdout, new RegExp(`${rows} rows, 0 violations`));
  const p = cli(['profile', path, '--model', DEMO_MODEL, '--schema', schemaPath, '--out', join(dir, 'profile.json')]);
  assert.is(p.status, 0, p.stderr);
  assert.is(JSON.parse(readFileSync(join(dir, 'profile.json'), 'utf8')).rows, rows);
});

test.run();
