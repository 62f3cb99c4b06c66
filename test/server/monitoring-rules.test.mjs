// Input schemas over HTTP: every rule type rejects (400 naming the feature, the rule and the
// value, in /predict's body shape) or counts and passes, as configured, on /predict, KServe V1
// and OIP v2 infer (NaN and Infinity through binary tensors); and training/serving parity: one set
// of seeded rows validated offline by `ortex validate data.csv --schema schema.json` and POSTed
// row by row to the server reports exactly the same violations.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildModel, node, tensorType, valueInfo } from '../../tools/onnx-builder.mjs';
import { createSeededRandom } from '../../tools/seeded-random.mjs';
import { BIN, get, makeRepository, metricValue, postBinary, postJson, removeDir, startServer } from './helpers.mjs';

// A model with a numeric, a boolean and a string input, each passed through (Identity).
const mixed = buildModel({
  opsetImports: { '': 17 },
  graph: {
    name: 'mixed',
    inputs: [
      valueInfo('num', tensorType('float32', ['batch', 4])),
      valueInfo('flag', tensorType('bool', ['batch'])),
      valueInfo('text', tensorType('string', ['batch'])),
    ],
    outputs: [
      valueInfo('y', tensorType('float32', ['batch', 4])),
      valueInfo('f', tensorType('bool', ['batch'])),
      valueInfo('t', tensorType('string', ['batch'])),
    ],
    nodes: [node('Identity', ['num'], ['y']), node('Identity', ['flag'], ['f']), node('Identity', ['text'], ['t'])],
  },
});
const spec = {
  version: 1,
  features: [
    { name: 'a', type: 'number', input: 'num', index: 0, min: 0, max: 10, actions: { range: 'count' } },
    { name: 'b', type: 'integer', input: 'num', index: 1, max: 100, required: false, default: 0 },
    { name: 'c', type: 'category', input: 'num', index: 2, values: ['red', 'green', 'blue'], actions: { values: 'count' } },
    { name: 'n', type: 'category', input: 'num', index: 3, values: [1, 2, 3] },
    { name: 'd', type: 'boolean', input: 'flag' },
    { name: 'e', type: 'string', input: 'text', pattern: '[a-z]+', maxLength: 8, actions: { length: 'count' } },
  ],
};
const FEATURES = spec.features.map((f) => f.name);
const repo = makeRepository({});
const config = JSON.stringify({ batching: 'none', predict: { input: 'num', output: 'y' }, monitoring: { schema: 'schema.json' } });
for (const name of ['mixed', 'parity']) {
  mkdirSync(join(repo, name, '1'), { recursive: true });
  writeFileSync(join(repo, name, '1', 'model.onnx'), mixed);
  writeFileSync(join(repo, name, 'schema.json'), JSON.stringify(spec)); // shared by the model's versions
  writeFileSync(join(repo, name, 'config.yaml'), config);
}
const server = await startServer({ models: repo, config: { watch: false } });
const url = (p) => `${server.url}${p}`;
const good = { a: 1, b: 2, c: 'red', n: 1, d: true, e: 'abc' };

async function rule(model, record, expected) {
  const r = await postJson(url(`/v1/models/${model}/predict`), { features: record });
  if (expected.pass) {
    assert.is(r.status, 200, JSON.stringify({ record, body: r.body }));
    return r;
  }
  assert.is(r.status, 400, JSON.stringify({ record, body: r.body }));
  assert.is(r.body.status, 'error');
  assert.is(r.headers.get('x-ortex-error-code'), 'ERR_INVALID_INPUT');
  assert.match(
    r.body.error,
    new RegExp(`^expected .+ for feature '${expected.feature}' \\(rule ${expected.rule}\\) in row 0, received ${expected.value}$`),
  );
  return r;
}

test('every rule rejects or counts-and-passes as configured, over /predict', async () => {
  await rule('mixed', good, { pass: true });
  await rule('mixed', { ...good, a: undefined }, { feature: 'a', rule: 'missing', value: 'undefined' });
  await rule('mixed', { ...good, b: undefined }, { pass: true }); // optional
  await rule('mixed', { ...good, a: 'abc' }, { feature: 'a', rule: 'type', value: 'string "abc"' });
  await rule('mixed', { ...good, a: 11 }, { pass: true }); // range: count
  await rule('mixed', { ...good, b: 101 }, { feature: 'b', rule: 'range', value: 'number 101' });
  await rule('mixed', { ...good, b: 1.5 }, { feature: 'b', rule: 'type', value: 'number 1.5' });
  await rule('mixed', { ...good, c: 'purple' }, { pass: true }); // values: count
  await rule('mixed', { ...good, n: 4 }, { feature: 'n', rule: 'values', value: 'number 4' });
  await rule('mixed', { ...good, d: 'maybe' }, { feature: 'd', rule: 'type', value: 'string "maybe"' });
  await rule('mixed', { ...good, e: 'ABC' }, { feature: 'e', rule: 'pattern', value: 'string "ABC"' });
  await rule('mixed', { ...good, e: 'abcdefghij' }, { pass: true }); // length: count
  await rule('mixed', { ...good, z: 1 }, { feature: 'z', rule: 'unknown', value: 'number 1' });
  // Arrays of records are checked whole; the row is named.
  const two = await postJson(url('/v1/models/mixed/predict'), { features: [good, { ...good, n: 9 }] });
  assert.is(two.status, 400);
  assert.match(two.body.error, /feature 'n' \(rule values\) in row 1, received number 9/);
  // Positional rows go through the same schema.
  const row = await postJson(url('/v1/models/mixed/predict'), { features: [5, 2, 'red', 7, true, 'abc'] });
  assert.is(row.status, 400);
  assert.match(row.body.error, /feature 'n' \(rule values\) in row 0, received number 7/);

  const m = (await get(url('/metrics'))).body;
  const counted = (feature, rule, action) => metricValue(m, 'ortex_input_violations_total', { model: 'mixed', feature, rule, action });
  assert.is(counted('a', 'range', 'count'), 1);
  assert.is(counted('c', 'values', 'count'), 1);
  assert.is(counted('e', 'length', 'count'), 1);
  assert.is(counted('b', 'range', 'reject'), 1);
  assert.is(counted('n', 'values', 'reject'), 3, 'n = 4, 9 and 7 above');
});

test('KServe V1 instances: the same rules', async () => {
  const ok = await postJson(url('/v1/models/mixed:predict'), { instances: [good, { ...good, a: 12 }] });
  assert.is(ok.status, 200, JSON.stringify(ok.body));
  assert.is(ok.body.predictions.length, 2);
  const bad = await postJson(url('/v1/models/mixed:predict'), { instances: [good, { ...good, e: 'Q' }] });
  assert.is(bad.status, 400);
  assert.equal(Object.keys(bad.body), ['error']);
  assert.match(bad.body.error, /feature 'e' \(rule pattern\) in row 1, received string "Q"/);
});

test('OIP v2 infer: validate() on the decoded tensors, NaN and Infinity included (binary data)', async () => {
  const infer = async (a, text = 'abc') => {
    const num = new Float32Array([a, 2, 0, 1]);
    const header = {
      inputs: [
        { name: 'num', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } },
        { name: 'flag', shape: [1], datatype: 'BOOL', data: [true] },
        { name: 'text', shape: [1], datatype: 'BYTES', data: [text] },
      ],
    };
    const res = await postBinary(url('/v2/models/mixed/infer'), header, [num]);
    return { status: res.status, body: await res.json() };
  };
  assert.is((await infer(3)).status, 200);
  const nan = await infer(NaN);
  assert.is(nan.status, 400);
  assert.equal(Object.keys(nan.body), ['error']);
  assert.match(nan.body.error, /feature 'a' \(rule nan\) in row 0, received number NaN/);
  assert.match((await infer(Infinity)).body.error, /feature 'a' \(rule infinity\) in row 0, received number Infinity/);
  assert.is((await infer(50)).status, 200, 'range: count passes on v2 as on /predict');
  assert.match((await infer(3, 'NOPE')).body.error, /feature 'e' \(rule pattern\) in row 0, received string "NOPE"/);
  assert.match((await infer(3, '')).body.error, /feature 'e' \(rule pattern\) in row 0, received string ""/);
});

/** Seeded rows whose values CSV and JSON carry alike (numbers, non-numeric text, true/false, missing). */
function parityRows(seed, count) {
  const u = createSeededRandom(seed);
  const pick = (...xs) => xs[Math.floor(u() * xs.length)];
  const bad = () => u() < 0.1;
  return Array.from({ length: count }, () => {
    const r = {
      a: bad() ? pick(-1, 11, 'abc', undefined) : Math.round(u() * 1000) / 100,
      b: bad() ? pick(101, 'x', undefined) : Math.floor(u() * 100),
      c: bad() ? pick('purple', undefined) : pick('red', 'green', 'blue'),
      n: bad() ? pick(4, 0) : pick(1, 2, 3),
      d: bad() ? 'maybe' : u() < 0.5,
      e: bad() ? pick('ABC', 'abcdefghij') : pick('abc', 'xyz', 'hello'),
    };
    for (const k of Object.keys(r)) if (r[k] === undefined) delete r[k];
    return r;
  });
}

test('one set of rows, offline (ortex validate) and POSTed to the server: the same violations', async () => {
  const rows = parityRows(5, 300);
  const csv = join(repo, 'rows.csv');
  writeFileSync(csv, stringify([FEATURES, ...rows.map((r) => FEATURES.map((f) => (r[f] === undefined ? '' : String(r[f]))))]));
  const cli = spawnSync(
    process.execPath,
    [BIN, 'validate', csv, '--schema', join(repo, 'parity', 'schema.json'), '--json', '--examples', '1000'],
    {
      encoding: 'utf8',
    },
  );
  assert.is(cli.status, 1, cli.stderr);
  const offline = JSON.parse(cli.stdout);
  assert.ok(offline.violations > 50, `${offline.violations} violations to compare`);

  const rejectedOnline = new Set();
  for (let i = 0; i < rows.length; i++) {
    const r = await postJson(url('/v1/models/parity/predict'), { features: rows[i] });
    assert.ok(r.status === 200 || r.status === 400, JSON.stringify(r.body));
    if (r.status === 400) rejectedOnline.add(i);
  }
  const online = (await get(url('/v2/models/parity/drift'))).body.violations;
  const byRule = (list) => Object.fromEntries(list.map((v) => [`${v.feature} ${v.rule} ${v.action}`, v.count]).sort());
  assert.equal(byRule(online), byRule(offline.rules), 'per feature, rule and action');
  const rejectedOffline = new Set(offline.rules.filter((x) => x.action === 'reject').flatMap((x) => x.examples.map((e) => e.row)));
  assert.equal(
    [...rejectedOnline].sort((a, b) => a - b),
    [...rejectedOffline].sort((a, b) => a - b),
    'the same rows rejected',
  );
  assert.ok(rejectedOnline.size > 20 && rejectedOnline.size < rows.length, `${rejectedOnline.size} rows rejected`);
  assert.ok(new Set(offline.rules.map((x) => x.rule)).size >= 6, 'rules covered');
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});

test.run();
