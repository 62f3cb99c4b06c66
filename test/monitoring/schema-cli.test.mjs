// `ortex schema`: types, ranges and categories inferred from CSV and JSON lines, columns mapped
// onto a model's inputs (the rest ignored), the baseline schema of a model; the result loads and
// validates its own training data clean.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Schema } from '../../dist/monitoring/index.js';
import { cli, DEMO_MODEL, IRIS_FEATURES, irisRows, tempDir, writeIris } from './helpers.mjs';

const dir = tempDir();
const iris = writeIris(dir);

test('from iris.csv: number ranges (counted), the species category, all required', () => {
  const r = cli(['schema', iris]);
  assert.is(r.status, 0, r.stderr);
  const spec = JSON.parse(r.stdout);
  Schema.from(spec);
  assert.equal(
    spec.features.map((f) => [f.name, f.type]),
    [...IRIS_FEATURES.map((n) => [n, 'number']), ['species', 'category']],
  );
  IRIS_FEATURES.forEach((_name, i) => {
    const values = irisRows().map((row) => row[i]);
    const f = spec.features[i];
    assert.equal(
      [f.min, f.max, f.actions.range, f.nan, f.required],
      [Math.min(...values), Math.max(...values), 'count', 'reject', undefined],
    );
  });
  assert.equal(spec.features[4].values.sort(), ['setosa', 'versicolor', 'virginica']);
  assert.is(spec.features[4].actions.values, 'count');
  const few = JSON.parse(cli(['schema', iris, '--max-categories', '2']).stdout);
  assert.is(few.features[4].type, 'string');
});

test('--model maps the columns onto its input, ignores the rest; the schema validates the data clean', () => {
  const out = join(dir, 'schema.json');
  const r = cli(['schema', iris, '--model', DEMO_MODEL, '--out', out]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /4 features \(ignoring species\) -> .*schema\.json/);
  const spec = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(spec.inputs, { features: { type: 'float32' } });
  assert.equal(
    spec.features.map((f) => [f.name, f.input, f.index]),
    IRIS_FEATURES.map((n, i) => [n, 'features', i]),
  );
  assert.equal(spec.ignore, ['species']);
  const v = cli(['validate', iris, '--schema', out]);
  assert.is(v.status, 0, v.stdout);
  assert.match(v.stdout, /150 rows, 0 violations/);
});

test("--model without data: the baseline schema from the model's metadata", () => {
  const r = cli(['schema', '--model', DEMO_MODEL]);
  assert.is(r.status, 0, r.stderr);
  const spec = JSON.parse(r.stdout);
  assert.equal(
    spec.features.map((f) => [f.name, f.type, f.input, f.index]),
    [0, 1, 2, 3].map((i) => [`features_${i}`, 'number', 'features', i]),
  );
});

test('JSON lines: booleans, integers, strings, NaN-free numbers, missing values make a feature optional', () => {
  const path = join(dir, 'typed.jsonl');
  const rows = [
    { id: 1, ok: true, name: 'a', score: 0.5, code: 10 },
    { id: 2, ok: false, name: 'b', score: 1.5 },
    { id: 3, ok: true, name: 'a', score: -2, code: 12 },
  ];
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n'));
  const spec = JSON.parse(cli(['schema', path, '--exclude', 'id']).stdout);
  const by = Object.fromEntries(spec.features.map((f) => [f.name, f]));
  assert.equal(Object.keys(by), ['ok', 'name', 'score', 'code']);
  assert.equal([by.ok.type, by.name.type, by.score.type, by.code.type], ['boolean', 'category', 'number', 'integer']);
  assert.equal([by.score.min, by.score.max, by.code.required], [-2, 1.5, false]);
  assert.equal(spec.ignore, ['id']);
  const bad = cli(['schema', path, '--exclude', 'nope']);
  assert.match(bad.stderr, /expected a column of the data for --exclude, received 'nope'/);
});

test.run();
