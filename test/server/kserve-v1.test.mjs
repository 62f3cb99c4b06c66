// KServe's V1 data plane, as KServe's InferenceRESTClient (protocol v1) calls it: list models,
// model readiness, POST /v1/models/{m}:predict with {"instances"} (or {"inputs"}) →
// {"predictions"} equal to /predict's, and {"error"} answers naming what was wrong.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, get, makeRepository, model, postJson, removeDir, startServer } from './helpers.mjs';

const repo = makeRepository({ 'iris/1': IRIS, 'demo/1': model('demo.onnx') });
const s = await startServer({ models: repo });
const rows = [
  [5.1, 3.5, 1.4, 0.2],
  [6.7, 3.0, 5.2, 2.3],
  [5.9, 3.0, 4.2, 1.5],
];

test('GET /v1/models and /v1/models/{m}', async () => {
  const list = await get(`${s.url}/v1/models`);
  assert.is(list.status, 200);
  assert.equal(list.body.models.sort(), ['demo', 'iris']);
  const ready = await get(`${s.url}/v1/models/iris`);
  assert.equal([ready.status, ready.body], [200, { name: 'iris', ready: true }]);
  assert.is((await get(`${s.url}/v1/models/nope`)).status, 404);
});

test(':predict with instances (and inputs) gives /predict predictions', async () => {
  const seed = await postJson(`${s.url}/v1/models/iris/predict`, { features: rows });
  assert.is(seed.status, 200);
  for (const key of ['instances', 'inputs']) {
    const r = await postJson(`${s.url}/v1/models/iris:predict`, { [key]: rows });
    assert.is(r.status, 200, JSON.stringify(r.body));
    assert.is(r.headers.get('content-type'), 'application/json');
    assert.equal(r.body, { predictions: seed.body.prediction });
  }
  assert.equal(seed.body.prediction, ['setosa', 'virginica', 'versicolor']);
  // A model without labels: each prediction is the row's output values.
  const demo = await postJson(`${s.url}/v1/models/demo:predict`, { instances: [rows[0]] });
  assert.is(demo.status, 200, JSON.stringify(demo.body));
  const demoSeed = await postJson(`${s.url}/v1/models/demo/predict`, { features: rows[0] });
  assert.equal(demo.body.predictions, demoSeed.body.prediction);
});

test('errors: {"error"} naming the instance, the model or the body', async () => {
  const short = await postJson(`${s.url}/v1/models/iris:predict`, { instances: [rows[0], [1, 2, 3]] });
  assert.is(short.status, 400);
  assert.equal(Object.keys(short.body), ['error']);
  assert.match(short.body.error, /expected 4 values for row 1 of instances \(input 'features'\), received 3/);
  const empty = await postJson(`${s.url}/v1/models/iris:predict`, { instances: [] });
  assert.is(empty.status, 400);
  assert.is(empty.body.error, 'expected a non-empty array for instances of the :predict body, received array of length 0');
  const named = await postJson(`${s.url}/v1/models/iris:predict`, { instances: [{ sepal_length: 5.1 }] });
  assert.is(named.status, 400);
  assert.match(named.body.error, /instance 0/);
  const unknown = await postJson(`${s.url}/v1/models/nope:predict`, { instances: rows });
  assert.is(unknown.status, 404);
  assert.match(unknown.body.error, /'nope'/);
});

test.after(async () => {
  await s.close();
  removeDir(repo);
});
test.run();
