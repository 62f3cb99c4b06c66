// The repository extension: index, unload and load, and what readiness and routing do around them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, get, makeRepository, model, postJson, removeDir, startServer } from './helpers.mjs';

const repo = makeRepository({
  'iris/1': model('demo.onnx'),
  'iris/2': IRIS,
  'iris/config.yaml': 'versionPolicy:\n  all: true\n',
  'demo/3': model('demo.onnx'),
});
const server = await startServer({ models: repo, config: { watch: false } });
const infer = (m, v) =>
  postJson(`${server.url}/v2/models/${m}${v ? `/versions/${v}` : ''}/infer`, {
    inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }],
  });

test('index lists every model and version with its state; ready: true filters', async () => {
  const r = await postJson(`${server.url}/v2/repository/index`, {});
  assert.is(r.status, 200);
  assert.equal(r.body, [
    { name: 'demo', version: '3', state: 'READY', reason: '' },
    { name: 'iris', version: '1', state: 'READY', reason: '' },
    { name: 'iris', version: '2', state: 'READY', reason: '' },
  ]);
  const empty = await fetch(`${server.url}/v2/repository/index`, { method: 'POST' });
  assert.is(empty.status, 200, 'no body is fine');
});

test('version policy all: both versions serve; no version given → the newest', async () => {
  assert.is((await infer('iris', '1')).body.model_version, '1');
  assert.is((await infer('iris', '2')).body.model_version, '2');
  assert.is((await infer('iris')).body.model_version, '2');
  assert.equal((await get(`${server.url}/v2/models/iris`)).body.versions, ['1', '2']);
});

test('unload: the model answers 503, readiness ignores it, the index says why; load brings it back', async () => {
  const u = await postJson(`${server.url}/v2/repository/models/demo/unload`, {});
  assert.equal([u.status, u.body], [200, {}]);
  const r = await infer('demo');
  assert.is(r.status, 503);
  assert.equal((await get(`${server.url}/v2/models/demo/ready`)).body, { name: 'demo', ready: false });
  assert.is((await get(`${server.url}/v2/health/ready`)).status, 200, 'an explicitly unloaded model does not hold readiness');
  const index = (await postJson(`${server.url}/v2/repository/index`, {})).body;
  assert.equal(
    index.find((e) => e.name === 'demo'),
    { name: 'demo', state: 'UNAVAILABLE', reason: 'unloaded' },
  );
  const l = await postJson(`${server.url}/v2/repository/models/demo/load`, {});
  assert.equal([l.status, l.body], [200, {}]);
  assert.is((await infer('demo')).status, 200);
});

test('load and unload of an unknown model → 404 {"error"}', async () => {
  for (const op of ['load', 'unload']) {
    const r = await postJson(`${server.url}/v2/repository/models/nope/${op}`, {});
    assert.is(r.status, 404);
    assert.equal(Object.keys(r.body), ['error']);
  }
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});
test.run();
