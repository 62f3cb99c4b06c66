// Request bodies are checked by Fastify against each route's JSON schema before any decoding:
// a wrong-typed body gets 400 with the schema's finding in the one error template, in the body
// shape of its protocol ({"error", "status": "error"} for /predict, {"error"} for v1 and v2),
// and the server keeps serving.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, makeRepository, postJson, removeDir, startServer } from './helpers.mjs';

const repo = makeRepository({ 'iris/1': IRIS });
const server = await startServer({ models: repo });
const url = (path) => `${server.url}${path}`;

async function refused(path, body, message, protocol) {
  const r = await postJson(url(path), body);
  assert.is(r.status, 400, JSON.stringify(r.body));
  assert.is(r.headers.get('x-ortex-error-code'), 'ERR_INVALID_INPUT');
  assert.equal(r.body, protocol === 'predict' ? { error: message, status: 'error' } : { error: message });
}

test('/predict and /v1/models/{m}/predict: the body must be an object with features, an array or an object', async () => {
  for (const path of ['/predict', '/v1/models/iris/predict']) {
    await refused(path, { features: 5 }, 'expected an array or an object for features of the /predict body, received number 5', 'predict');
    await refused(
      path,
      { features: 'abc' },
      'expected an array or an object for features of the /predict body, received string "abc"',
      'predict',
    );
    await refused(
      path,
      { features: [] },
      'expected a non-empty array or an object for features of the /predict body, received array of length 0',
      'predict',
    );
    await refused(path, { feature: [1, 2, 3, 4] }, 'expected an object with "features" for the /predict body, received object', 'predict');
    await refused(path, [5.1, 3.5, 1.4, 0.2], 'expected an object for the /predict body, received array of length 4', 'predict');
    await refused(path, '', 'expected the /predict body, received an empty body', 'predict');
  }
});

test('KServe V1 :predict: instances (or inputs) must be a non-empty array', async () => {
  const path = '/v1/models/iris:predict';
  await refused(path, { instances: 'x' }, 'expected an array for instances of the :predict body, received string "x"');
  await refused(path, { inputs: {} }, 'expected an array for inputs of the :predict body, received object');
  await refused(path, { rows: [[1, 2, 3, 4]] }, 'expected an object with "instances" or "inputs" for the :predict body, received object');
});

test('OIP v2 infer: the JSON header is checked by the schema (no type coercion)', async () => {
  for (const path of ['/v2/models/iris/infer', '/v2/models/iris/versions/1/infer']) {
    const input = { name: 'features', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] };
    await refused(
      path,
      { inputs: [{ ...input, shape: [1, '4'] }] },
      'expected an integer for inputs[0].shape[1] of the inference request, received string "4"',
    );
    await refused(
      path,
      { inputs: [{ ...input, name: 7 }] },
      'expected a string for inputs[0].name of the inference request, received number 7',
    );
    await refused(path, { inputs: {} }, 'expected an array for inputs of the inference request, received object');
    await refused(path, { id: 3, inputs: [input] }, 'expected a string for id of the inference request, received number 3');
    await refused(
      path,
      { inputs: [{ ...input, data: undefined, parameters: { binary_data_size: -4 } }] },
      'expected a number >= 0 for inputs[0].parameters.binary_data_size of the inference request, received number -4',
    );
    const ok = await postJson(url(path), { inputs: [input] });
    assert.is(ok.status, 200, 'and the next request is served');
  }
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});

test.run();
