// `ortex profile`: frozen quantile bins with empty under/overflow bins, reference counts and
// per-bin means, summary statistics, and the model's output distribution — checked against
// running the demo model on the Iris rows ourselves; rows the schema rejects are skipped; category
// frequencies keep an "other" bucket.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession } from '../../dist/index.js';
import { numericBin, profileFile, Schema } from '../../dist/monitoring/index.js';
import { cli, DEMO_MODEL, IRIS_FEATURES, irisCsv, irisRows, tempDir, writeIris } from './helpers.mjs';

const dir = tempDir();
const iris = writeIris(dir);
const rows = irisRows().map((r) => r.slice(0, 4).map(Math.fround)); // the model's float32 view

test('numeric features: frozen edges from the data, counts and means per bin, summary statistics', () => {
  const out = join(dir, 'profile.json');
  const r = cli(['profile', iris, '--model', DEMO_MODEL, '--out', out]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /ortex profile: 150 rows of .*iris\.csv: 4 features, outputs probabilities \(3 classes\)/);
  const p = JSON.parse(readFileSync(out, 'utf8'));
  assert.is(p.rows, 150);
  assert.equal(Object.keys(p.features), IRIS_FEATURES);
  IRIS_FEATURES.forEach((name, f) => {
    const col = p.features[name];
    const values = rows.map((x) => x[f]).sort((a, b) => a - b);
    assert.is(col.kind, 'numeric');
    assert.is(col.edges[0], values[0]);
    assert.is(col.edges.at(-1), values.at(-1));
    assert.ok(
      col.edges.every((e, i) => i === 0 || e > col.edges[i - 1]) && col.edges.every((e) => values.includes(e)),
      'ascending data values',
    );
    assert.is(col.counts.length, col.edges.length + 1);
    assert.is(col.counts[0], 0, 'underflow empty on the reference');
    assert.is(col.counts.at(-1), 0, 'overflow empty on the reference');
    assert.is(
      col.counts.reduce((a, b) => a + b, 0),
      150,
    );
    const recount = new Array(col.counts.length).fill(0);
    for (const v of values) recount[numericBin(col.edges, v)]++;
    assert.equal(recount, col.counts);
    const mean = values.reduce((a, b) => a + b, 0) / 150;
    assert.ok(Math.abs(col.summary.mean - mean) < 1e-12);
    assert.ok(Math.abs(col.summary.std - Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / 150)) < 1e-12);
    assert.equal(
      [col.summary.min, col.summary.max, col.summary.missing, col.distinct],
      [values[0], values.at(-1), 0, new Set(values).size],
    );
    col.means.forEach((m, b) => {
      assert.ok(m === null ? col.counts[b] === 0 : numericBin(col.edges, m) === b, 'each mean lies in its bin');
    });
  });
});

test('outputs: predicted-class frequencies and score bins equal running the model ourselves', async () => {
  const p = JSON.parse(readFileSync(join(dir, 'profile.json'), 'utf8'));
  assert.equal(p.outputs.layout, [{ output: 'probabilities', kind: 'scores', classes: 3 }]);
  const session = await InferenceSession.create(DEMO_MODEL);
  const { probabilities } = await session.run({
    features: new (await import('../../dist/index.js')).Tensor('float32', Float32Array.from(rows.flat()), [150, 4]),
  });
  await session.release();
  const classes = new Map();
  for (let i = 0; i < 150; i++) {
    const s = Array.from(probabilities.data.subarray(i * 3, i * 3 + 3));
    const c = s.indexOf(Math.max(...s));
    classes.set(c, (classes.get(c) ?? 0) + 1);
  }
  const cls = p.outputs.columns['probabilities.class'];
  assert.is(cls.kind, 'categorical');
  assert.equal(new Map(cls.categories.map((c, i) => [c, cls.counts[i]])), classes);
  assert.is(cls.counts.at(-1), 0, '"other" is empty on the reference');
  for (let k = 0; k < 3; k++) {
    const col = p.outputs.columns[`probabilities[${k}]`];
    const scores = Array.from({ length: 150 }, (_, i) => probabilities.data[i * 3 + k]);
    assert.ok(Math.abs(col.summary.mean - scores.reduce((a, b) => a + b, 0) / 150) < 1e-9);
    const recount = new Array(col.counts.length).fill(0);
    for (const v of scores) recount[numericBin(col.edges, v)]++;
    assert.equal(recount, col.counts);
  }
});

test('with a schema: rows it rejects are skipped and reported; --bins sets the resolution', () => {
  const schemaPath = join(dir, 'schema.json');
  assert.is(cli(['schema', iris, '--model', DEMO_MODEL, '--out', schemaPath]).status, 0);
  const dirty = join(dir, 'dirty.csv');
  writeFileSync(dirty, `${irisCsv()}abc,3,1,0.2,setosa\n5,3,,0.2,setosa\n`);
  const out = join(dir, 'p5.json');
  const r = cli(['profile', dirty, '--model', DEMO_MODEL, '--schema', schemaPath, '--bins', '5', '--out', out]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /150 rows of .*dirty\.csv \(2 rows the schema rejects skipped\)/);
  const p = JSON.parse(readFileSync(out, 'utf8'));
  assert.is(p.bins, 5);
  assert.ok(Object.values(p.features).every((c) => c.edges.length <= 6));
  const bad = cli(['profile', iris]);
  assert.match(bad.stderr, /expected --model/);
});

test('categorical features: the most frequent categories and an "other" bucket', async () => {
  const path = join(dir, 'colours.jsonl');
  const colours = ['red', 'red', 'red', 'blue', 'blue', 'green', 'pink', null];
  writeFileSync(path, colours.map((c) => JSON.stringify({ colour: c })).join('\n'));
  const schema = Schema.from({ version: 1, features: [{ name: 'colour', type: 'category', required: false }] });
  const { profile } = await profileFile(path, { schema, maxCategories: 2 });
  assert.equal(profile.features.colour, {
    kind: 'categorical',
    categories: ['red', 'blue'],
    counts: [3, 2, 2],
    distinct: 4,
    summary: { count: 7, missing: 1 },
  });
});

test.run();
