// /predict on a monitored Iris model takes the same rows in every form the README and the issue
// name — positional rows, one named record, an array of named records (several, or one) — and
// answers them alike; every form is counted into the monitor. Iris is the case where positional
// rows take the fast path (decoded as rows, then checked as the input tensor): arrays of records
// must still go through the schema's named view, not be read as one positional row.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { get, irisMonitoringRepository, irisTraffic, metricValue, postJson, removeDir, startServer } from './helpers.mjs';

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const { repo } = await irisMonitoringRepository({ window: { subWindows: 5, subWindowRows: 100 } });
const server = await startServer({ models: repo, config: { watch: false } });
const predict = (features) => postJson(`${server.url}/predict`, { features });
const records = await irisTraffic(8, 3);
const rows = records.map((r) => FEATURES.map((f) => r[f]));

async function answer(features) {
  const r = await predict(features);
  assert.is(r.status, 200, JSON.stringify({ features, body: r.body }));
  return r.body;
}

test('rows, records and arrays of records answer alike', async () => {
  const positional = await answer(rows);
  assert.is(positional.prediction.length, rows.length);
  assert.equal(await answer(records), positional, 'an array of records answers as the same rows');
  const one = await answer([records[0]]);
  assert.equal(one.prediction, [positional.prediction[0]], 'an array of one record');
  assert.equal((await answer(records[1])).prediction, [positional.prediction[1]], 'one record');
  assert.equal((await answer(rows[2])).prediction, [positional.prediction[2]], 'one positional row');
  const m = (await get(`${server.url}/metrics`)).body;
  assert.is(metricValue(m, 'ortex_monitor_rows_total', { model: 'iris', version: '1' }), 8 + 8 + 1 + 1 + 1, 'every form observed');
});

test('a bad record inside an array is refused by the schema, naming its row', async () => {
  const missing = await predict([records[0], { ...records[1], petal_width: undefined }]);
  assert.is(missing.status, 400);
  assert.equal(missing.body, {
    error: "expected a value (a number) for feature 'petal_width' (rule missing) in row 1, received undefined",
    status: 'error',
  });
  const empty = await predict([{}]);
  assert.is(empty.status, 400);
  assert.match(empty.body.error, /^expected a value \(a number\) for feature 'sepal_length' \(rule missing\) in row 0/);
  const unknown = await predict([{ ...records[0], petal_size: 1 }]);
  assert.is(unknown.status, 400);
  assert.match(unknown.body.error, /feature 'petal_size' \(rule unknown\) in row 0, received number 1$/);
  const typed = await predict([records[0], { ...records[2], sepal_width: '3.1' }]);
  assert.is(typed.status, 400);
  assert.match(typed.body.error, /feature 'sepal_width' \(rule type\) in row 1, received string "3.1"$/);
});

test('positional rows are still refused element by element', async () => {
  const short = await predict([rows[0].slice(0, 3)]);
  assert.is(short.status, 400);
  assert.match(short.body.error, /^expected 4 values for row 0 of features/);
  const text = await predict([[...rows[0].slice(0, 3), 'x']]);
  assert.is(text.status, 400);
  assert.match(text.body.error, /received string "x"$/);
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});

test.run();
