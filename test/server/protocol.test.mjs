// The Open Inference Protocol endpoints against a real server: success and error shapes, the
// interop rules from tritonclient / perf_analyzer / KServe's client, and infer results equal to
// a direct session.run().
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { IRIS, IRIS_DIR, get, makeRepository, model, postBinary, postJson, readBinary, removeDir, startServer } from './helpers.mjs';

const repo = makeRepository({
  'iris/1': IRIS,
  'iris/config.yaml': 'outputs:\n  probabilities:\n    labels: [setosa, versicolor, virginica]\n',
  'shapes/1': model('shapes.onnx'),
});
const server = await startServer({ models: repo });
const base = server.url;
const session = await InferenceSession.create(IRIS);
const rows = [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3];
const direct = (await session.run({ features: new Tensor('float32', Float32Array.from(rows), [2, 4]) })).probabilities;

test('GET /v2: server metadata with the extensions', async () => {
  const r = await get(`${base}/v2`);
  assert.is(r.status, 200);
  assert.is(r.headers.get('content-type'), 'application/json');
  assert.is(r.body.name, 'ortex');
  assert.ok(r.body.extensions.includes('binary_tensor_data'));
  assert.ok(r.body.extensions.includes('model_repository'));
});

test('health: live and ready answer 200 with the bodies the clients read', async () => {
  const live = await get(`${base}/v2/health/live`);
  assert.equal([live.status, live.body], [200, { live: true }]);
  const ready = await get(`${base}/v2/health/ready`);
  assert.equal([ready.status, ready.body], [200, { ready: true }]);
  const model = await get(`${base}/v2/models/iris/ready`);
  assert.equal([model.status, model.body], [200, { name: 'iris', ready: true }]);
  const version = await get(`${base}/v2/models/iris/versions/1/ready`);
  assert.equal([version.status, version.body], [200, { name: 'iris', ready: true }]);
});

test('model metadata: OIP datatypes, -1 for the batch dim, the versions served', async () => {
  for (const path of ['/v2/models/iris', '/v2/models/iris/versions/1']) {
    const r = await get(base + path);
    assert.is(r.status, 200);
    assert.equal(r.body, {
      name: 'iris',
      versions: ['1'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }],
    });
  }
  const shapes = await get(`${base}/v2/models/shapes`);
  assert.equal(shapes.body.inputs, [
    { name: 'a', datatype: 'FP32', shape: [2, -1] },
    { name: 'b', datatype: 'INT64', shape: [3] },
  ]);
});

test("model config in Triton's shape: max_batch_size and dims without the batch dim (perf_analyzer needs it)", async () => {
  const r = await get(`${base}/v2/models/iris/config`);
  assert.is(r.status, 200);
  assert.is(r.body.max_batch_size, 32);
  assert.equal(r.body.input, [{ name: 'features', data_type: 'TYPE_FP32', dims: [4], format: 'FORMAT_NONE', optional: false }]);
  assert.equal(r.body.output[0].dims, [3]);
  assert.ok(r.body.dynamic_batching, 'dynamic_batching advertised');
  // A model without a batch axis: max_batch_size 0 and the full dims.
  const s = await get(`${base}/v2/models/shapes/versions/1/config`);
  assert.is(s.body.max_batch_size, 0);
  assert.equal(s.body.input[1], { name: 'b', data_type: 'TYPE_INT64', dims: [3], format: 'FORMAT_NONE', optional: false });
  assert.is(s.body.dynamic_batching, undefined);
});

test('infer JSON: flat data, no parameters key, model_name and id echoed, equal to session.run()', async () => {
  const r = await postJson(`${base}/v2/models/iris/infer`, {
    id: 'abc-1',
    model_name: 'iris',
    parameters: { anything: 1 },
    inputs: [
      {
        name: 'features',
        shape: [2, 4],
        datatype: 'FP32',
        data: [
          [5.1, 3.5, 1.4, 0.2],
          [6.7, 3.0, 5.2, 2.3],
        ],
      },
    ],
  });
  assert.is(r.status, 200);
  assert.is(r.headers.get('content-type'), 'application/json');
  assert.is(r.body.model_name, 'iris');
  assert.is(r.body.model_version, '1');
  assert.is(r.body.id, 'abc-1');
  const [out] = r.body.outputs;
  assert.equal(Object.keys(out).sort(), ['data', 'datatype', 'name', 'shape']);
  assert.equal(out.shape, [2, 3]);
  assert.equal(out.data, Array.from(direct.data));
});

test('infer without an id: the answer still carries one (the request id)', async () => {
  const r = await postJson(
    `${base}/v2/models/iris/versions/1/infer`,
    { inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: rows.slice(0, 4) }] },
    { 'x-request-id': 'trace-42' },
  );
  assert.is(r.status, 200);
  assert.is(r.body.id, 'trace-42');
  assert.is(r.headers.get('x-request-id'), 'trace-42');
});

test("infer with no Content-Type is accepted (Triton's C++ client sends none)", async () => {
  const body = Buffer.from(JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: rows.slice(0, 4) }] }));
  const res = await fetch(`${base}/v2/models/iris/infer`, { method: 'POST', body });
  assert.is(res.status, 200);
  assert.is((await res.json()).outputs[0].data.length, 3);
});

test('binary infer: Inference-Header-Content-Length with application/json, binary outputs with binary_data_size', async () => {
  const x = Float32Array.from(rows);
  const res = await postBinary(
    `${base}/v2/models/iris/infer`,
    {
      inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: x.byteLength } }],
      outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
    },
    [x],
    { contentType: 'application/json' },
  );
  const r = await readBinary(res);
  assert.is(r.status, 200);
  assert.is(r.headers.get('content-type'), 'application/octet-stream');
  const [out] = r.header.outputs;
  assert.equal(out.parameters, { binary_data_size: 24 });
  assert.is(out.data, undefined);
  assert.equal(Array.from(new Float32Array(r.binary.buffer.slice(r.binary.byteOffset, r.binary.byteOffset + 24))), Array.from(direct.data));
});

test('binary_data_output makes every output binary; a JSON request may still ask for one output', async () => {
  const r1 = await readBinary(
    await postBinary(
      `${base}/v2/models/iris/infer`,
      {
        parameters: { binary_data_output: true },
        inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: rows.slice(0, 4) }],
      },
      [],
    ),
  );
  assert.is(r1.header.outputs[0].parameters.binary_data_size, 12);
  assert.is(r1.binary.byteLength, 12);
  const r2 = await postJson(`${base}/v2/models/shapes/infer`, {
    inputs: [
      { name: 'a', shape: [2, 1], datatype: 'FP32', data: [1, 2] },
      { name: 'b', shape: [3], datatype: 'INT64', data: [1, 2, 3] },
    ],
    outputs: [{ name: 'b_plus_one' }],
  });
  assert.is(r2.status, 200);
  assert.equal(r2.body.outputs, [{ name: 'b_plus_one', datatype: 'INT64', shape: [3], data: [2, 3, 4] }]);
});

test('errors: unknown model, version, output and route → {"error"} with the table\'s status and exact JSON content type', async () => {
  const cases = [
    [await get(`${base}/v2/models/nope`), 404, /received 'nope'/],
    [await get(`${base}/v2/models/iris/versions/7`), 404, /received '7'/],
    [await get(`${base}/v2/models/nope/ready`), 404, /nope/],
    [await postJson(`${base}/v2/models/nope/infer`, { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }), 404, /nope/],
    [
      await postJson(`${base}/v2/models/iris/infer`, {
        inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
        outputs: [{ name: 'zzz' }],
      }),
      400,
      /outputs\[0\]\.name/,
    ],
    [await get(`${base}/v3/whatever`), 404, /GET \/v3\/whatever/],
  ];
  for (const [r, status, message] of cases) {
    assert.is(r.status, status, JSON.stringify(r.body));
    assert.is(r.headers.get('content-type'), 'application/json');
    assert.equal(Object.keys(r.body), ['error']);
    assert.match(r.body.error, message);
  }
});

test('a single model folder is served by its name', async () => {
  const s = await startServer({ models: IRIS_DIR });
  try {
    const r = await get(`${s.url}/v2/models/iris`);
    assert.is(r.status, 200);
  } finally {
    await s.close();
  }
});

test.after(async () => {
  await server.close();
  await session.release();
  removeDir(repo);
});
test.run();
