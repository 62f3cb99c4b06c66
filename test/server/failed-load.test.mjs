// A version that fails to load leaves the previous one serving, and is reported (index reason,
// metrics, event); a model broken from the start never affects the others, but readiness waits
// for every configured model.
import { mkdirSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, get, makeRepository, postJson, removeDir, startServer, waitFor } from './helpers.mjs';

const repo = makeRepository({ 'iris/1': IRIS, 'broken/1/model.onnx': 'this is not an ONNX model' });
const server = await startServer({ models: repo, config: { watch: { debounceMs: 50 } } });
const failures = [];
server.app.ortex.repository.on('failure', (e) => failures.push(e));
const body = { features: [5.1, 3.5, 1.4, 0.2] };

test('a model broken from the start: the others serve, readiness is false, the broken one answers 503', async () => {
  assert.is((await postJson(`${server.url}/v1/models/iris/predict`, body)).status, 200);
  const ready = await get(`${server.url}/v2/health/ready`);
  assert.equal([ready.status, ready.body], [503, { ready: false }]);
  assert.equal((await get(`${server.url}/v2/health/live`)).body, { live: true }, 'liveness never depends on readiness');
  const r = await postJson(`${server.url}/v2/models/broken/infer`, { inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] });
  assert.is(r.status, 503);
  assert.is(r.headers.get('retry-after'), '1');
  assert.match(r.body.error, /no version ready/);
  const modelReady = await get(`${server.url}/v2/models/broken/ready`);
  assert.equal([modelReady.status, modelReady.body], [503, { name: 'broken', ready: false }]);
  const index = (await postJson(`${server.url}/v2/repository/index`, {})).body;
  const broken = index.find((e) => e.name === 'broken');
  assert.is(broken.state, 'UNAVAILABLE');
  assert.match(broken.reason, /version 1: cannot load model/);
});

test('a new version that fails to load: the previous version keeps serving, the failure is reported', async () => {
  mkdirSync(join(repo, 'iris', '2'));
  writeFileSync(join(repo, 'iris', '2', 'model.onnx'), Buffer.from([8, 7, 18, 4, 1, 2, 3]));
  await waitFor(() => failures.some((f) => f.model === 'iris' && f.version === '2'), 10_000, 'the failure event');
  const r = await postJson(`${server.url}/v2/models/iris/infer`, {
    inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: body.features }],
  });
  assert.is(r.status, 200);
  assert.is(r.body.model_version, '1');
  const metrics = (await get(`${server.url}/metrics`)).body;
  assert.match(metrics, /ortex_model_load_failures_total\{model="iris"\} 1/);
  assert.match(metrics, /ortex_model_ready\{model="iris",version="1"\} 1/);
  const index = (await postJson(`${server.url}/v2/repository/index`, {})).body;
  assert.equal(
    index.filter((e) => e.name === 'iris').map((e) => [e.version, e.state]),
    [['1', 'READY']],
  );
});

test('fixing the files brings the new version in, and the broken model back', async () => {
  copyFileSync(IRIS, join(repo, 'iris', '2', 'model.onnx'));
  copyFileSync(IRIS, join(repo, 'broken', '1', 'model.onnx'));
  await waitFor(async () => (await get(`${server.url}/v2/health/ready`)).status === 200, 15_000, 'ready');
  const r = await postJson(`${server.url}/v2/models/iris/infer`, {
    inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: body.features }],
  });
  assert.is(r.body.model_version, '2');
  assert.is((await postJson(`${server.url}/v1/models/broken/predict`, body)).status, 200);
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});
test.run();
