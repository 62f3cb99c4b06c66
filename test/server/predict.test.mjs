// The seed's service: POST /predict and /v1/models/{name}/predict, rows and single rows, labels
// from the config or from the ONNX metadata, and its error shape.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { IRIS, makeRepository, model, postJson, removeDir, startServer } from './helpers.mjs';

const session = await InferenceSession.create(IRIS);
const x = [
  [5.1, 3.5, 1.4, 0.2],
  [5.7, 2.8, 4.1, 1.3],
  [6.7, 3.0, 5.2, 2.3],
];
const direct = (await session.run({ features: new Tensor('float32', Float32Array.from(x.flat()), [3, 4]) })).probabilities;
const expectedRows = [0, 1, 2].map((r) => Array.from(direct.data.subarray(r * 3, r * 3 + 3)));

// iris: labels from the ONNX metadata (no config file); demo: no labels at all.
const one = await startServer({ models: makeRepository({ 'iris/1': IRIS }) });

test('rows → labels of the highest scores and the scores, equal to session.run()', async () => {
  const r = await postJson(`${one.url}/predict`, { features: x });
  assert.is(r.status, 200);
  assert.is(r.headers.get('content-type'), 'application/json');
  assert.equal(r.body, { prediction: ['setosa', 'versicolor', 'virginica'], probabilities: expectedRows, status: 'success' });
});

test('one row (a flat array) → one prediction; /v1/models/iris/predict is the same', async () => {
  for (const path of ['/predict', '/v1/models/iris/predict']) {
    const r = await postJson(one.url + path, { features: x[2] });
    assert.equal(r.body, { prediction: ['virginica'], probabilities: [expectedRows[2]], status: 'success' });
  }
});

test('errors: {"error": "...", "status": "error"} naming what was wrong', async () => {
  const cases = [
    [{ features: [1, 2, 3] }, 400, /expected 4 values for row 0 of features \(input 'features'\), received 3/],
    [
      {
        features: [
          [1, 2, 3, 4],
          [1, 2],
        ],
      },
      400,
      /row 1/,
    ],
    [{ features: ['a', 2, 3, 4] }, 400, /expected a number for element 0/],
    [{ rows: [1, 2, 3, 4] }, 400, /features/],
    [{ features: { sepal_length: 5 } }, 400, /named features need an input schema/],
  ];
  for (const [body, status, message] of cases) {
    const r = await postJson(`${one.url}/predict`, body);
    assert.is(r.status, status, JSON.stringify(r.body));
    assert.equal(Object.keys(r.body).sort(), ['error', 'status']);
    assert.is(r.body.status, 'error');
    assert.match(r.body.error, message);
  }
  const unknown = await postJson(`${one.url}/v1/models/nope/predict`, { features: x[0] });
  assert.equal([unknown.status, unknown.body.status], [404, 'error']);
});

test('a model without labels answers with its output rows; several models need the named route', async () => {
  const repo = makeRepository({
    'iris/1': IRIS,
    'iris/config.yaml': 'outputs:\n  probabilities:\n    labels: [a, b, c]\n',
    'demo/1': model('demo.onnx'),
  });
  const two = await startServer({ models: repo });
  try {
    const bare = await postJson(`${two.url}/predict`, { features: x[0] });
    assert.is(bare.status, 404);
    assert.match(bare.body.error, /several models/);
    const demo = await postJson(`${two.url}/v1/models/demo/predict`, { features: x[0] });
    assert.is(demo.status, 200);
    assert.is(demo.body.probabilities, undefined);
    assert.is(demo.body.prediction.length, 1);
    assert.is(demo.body.prediction[0].length, 3);
    const iris = await postJson(`${two.url}/v1/models/iris/predict`, { features: x[0] });
    assert.equal(iris.body.prediction, ['a'], 'labels from the config win over the metadata');
  } finally {
    await two.close();
    removeDir(repo);
  }
});

test('a named-features mapper installed by a monitor is used for object features', async () => {
  one.app.ortex.setFeatureMapper('iris', (f) => ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'].map((k) => f[k]));
  const r = await postJson(`${one.url}/predict`, {
    features: { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 },
  });
  assert.equal(r.body.prediction, ['virginica']);
  one.app.ortex.setFeatureMapper('iris', undefined);
});

test.after(async () => {
  await one.close();
  await session.release();
});
test.run();
