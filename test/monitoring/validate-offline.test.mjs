// Training/serving parity: one set of rows, with violations of every rule, validated offline from
// a CSV and a JSON-lines file (the library call behind `ortex validate`, and the CLI itself) and
// in process by the monitor, one request per row: the same violations, row for row.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { Monitor, Schema, validateFile } from '../../dist/monitoring/index.js';
import { cli, createSeededRandom, tempDir } from './helpers.mjs';

const spec = {
  version: 1,
  ignore: ['label'],
  features: [
    { name: 'a', type: 'number', min: 0, max: 10, nan: 'count', actions: { range: 'count' } },
    { name: 'b', type: 'integer', max: 100, required: false },
    { name: 'c', type: 'category', values: ['red', 'green', 'blue'], actions: { values: 'count' } },
    { name: 'd', type: 'boolean' },
    { name: 'e', type: 'string', pattern: '[a-z]+', maxLength: 8, actions: { length: 'count' } },
    { name: 'n', type: 'category', values: [1, 2, 3] },
  ],
};
const schema = Schema.from(spec);
const dir = tempDir();
const schemaPath = join(dir, 'schema.json');
writeFileSync(schemaPath, JSON.stringify(spec));

/**
 * Rows of typed values. `json` leaves out what JSON cannot say (NaN, ±Infinity); CSV rows leave
 * out what CSV cannot say (a number where the feature is a string, 1 for a boolean: CSV cells are
 * text, so the file cannot tell 7 from "7", or 1 from true).
 */
function rows(seed, count, json) {
  const u = createSeededRandom(seed);
  const pick = (...xs) => xs[Math.floor(u() * xs.length)];
  const out = [];
  for (let i = 0; i < count; i++) {
    const bad = () => u() < 0.12;
    const r = {
      a: bad() ? pick(-1, 11, 'abc', ...(json ? [] : [NaN, Infinity]), undefined) : Math.round(u() * 1000) / 100,
      b: bad() ? pick(101, 1.5, 'x', true) : u() < 0.1 ? undefined : Math.floor(u() * 100),
      c: bad() ? pick('purple', 5, undefined) : pick('red', 'green', 'blue'),
      d: bad() ? pick('maybe', ...(json ? [1] : []), undefined) : u() < 0.5,
      e: bad() ? pick('ABC', 'abcdefghij', json ? 7 : '7') : pick('abc', 'xyz', 'hello'),
      n: bad() ? pick(4, 'one', 0) : pick(1, 2, 3),
      label: pick('p', 'q'),
    };
    if (u() < 0.05) r.note = pick('extra', 'more');
    for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
    out.push(r);
  }
  return out;
}

const key = (v) => `${v.row}|${v.feature}|${v.rule}|${v.action}`;

function inProcess(list) {
  const m = new Monitor({ model: 'parity', schema });
  const found = [];
  list.forEach((record, row) => {
    let violations;
    try {
      violations = m.validate(record).violations;
    } catch (e) {
      assert.is(e.code, 'ERR_INVALID_INPUT');
      violations = e.details.violations;
    }
    for (const v of violations) found.push({ ...v, row });
  });
  void m.close();
  return found;
}

async function offline(path) {
  const found = [];
  const report = await validateFile(path, schema, { onViolation: (v, line) => found.push({ ...v, line }), batchSize: 64 });
  return { found, report };
}

test('CSV: the offline violations are exactly the in-process ones (NaN and Infinity included)', async () => {
  const list = rows(1, 400, false);
  const columns = ['a', 'b', 'c', 'd', 'e', 'n', 'label', 'note'];
  const cell = (v) => (v === undefined ? '' : Number.isNaN(v) ? 'NaN' : String(v));
  const path = join(dir, 'rows.csv');
  writeFileSync(path, stringify([columns, ...list.map((r) => columns.map((c) => cell(r[c])))]));
  const live = inProcess(list);
  const { found, report } = await offline(path);
  assert.ok(live.length > 100, `${live.length} violations to compare`);
  assert.equal(found.map(key), live.map(key));
  assert.ok(
    found.every((v) => v.line === v.row + 2),
    'CSV line numbers: header on line 1',
  );
  assert.is(report.rows, list.length);
  assert.ok(new Set(live.map((v) => v.rule)).size >= 8, `rules covered: ${[...new Set(live.map((v) => v.rule))]}`);
});

test('JSON lines: the offline violations are exactly the in-process ones', async () => {
  const list = rows(2, 400, true);
  const path = join(dir, 'rows.jsonl');
  writeFileSync(path, `${list.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const live = inProcess(list);
  const { found } = await offline(path);
  assert.ok(live.length > 100);
  assert.equal(found.map(key), live.map(key));
  assert.equal(
    found.map((v) => JSON.stringify(v.value)),
    live.map((v) => JSON.stringify(v.value)),
    'same values too (typed JSON)',
  );
});

test('ortex validate: per-rule report, counts equal to in-process, exit 1 on violations, 0 when clean', () => {
  const list = rows(3, 200, true);
  const path = join(dir, 'cli.jsonl');
  writeFileSync(path, list.map((r) => JSON.stringify(r)).join('\n'));
  const live = inProcess(list);
  const r = cli(['validate', path, '--schema', schemaPath, '--json']);
  assert.is(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.is(report.violations, live.length);
  const byRule = new Map();
  for (const v of live) byRule.set(`${v.feature}|${v.rule}|${v.action}`, (byRule.get(`${v.feature}|${v.rule}|${v.action}`) ?? 0) + 1);
  assert.equal(new Map(report.rules.map((x) => [`${x.feature}|${x.rule}|${x.action}`, x.count])), byRule);
  const text = cli(['validate', path, '--schema', schemaPath]);
  assert.is(text.status, 1);
  assert.match(text.stdout, /cli\.jsonl: 200 rows, \d+ violations \(\d+ would be rejected, \d+ counted\)/);
  assert.match(text.stdout, /feature\s+rule\s+action\s+count\s+first rows/);
  assert.is(cli(['validate', path, '--schema', schemaPath, '--fail-on', 'none']).status, 0);
  const clean = join(dir, 'clean.jsonl');
  writeFileSync(clean, `${JSON.stringify({ a: 1, b: 2, c: 'red', d: true, e: 'ok', n: 1 })}\n`);
  const ok = cli(['validate', clean, '--schema', schemaPath]);
  assert.is(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /1 rows, 0 violations/);
});

test('ortex validate: a malformed line or a missing file is an error naming it', () => {
  const path = join(dir, 'broken.jsonl');
  writeFileSync(path, '{"a": 1}\n{"a": \n');
  const r = cli(['validate', path, '--schema', schemaPath]);
  assert.is(r.status, 1);
  assert.match(r.stderr, /ortex: ERR_INVALID_INPUT: .*broken\.jsonl:2: expected a JSON object per line, received malformed JSON/);
  const missing = cli(['validate', join(dir, 'nope.csv'), '--schema', schemaPath]);
  assert.match(missing.stderr, /ERR_INVALID_ARGUMENT: cannot read .*nope\.csv/);
  const noSchema = cli(['validate', path]);
  assert.match(noSchema.stderr, /expected --schema/);
});

test.run();
