// Triton's statistics extension: /v2/models[/{m}[/versions/{v}]]/stats in the shape
// perf_analyzer reads (integer counts and nanoseconds), consistent with the requests made and
// with /metrics, the warm-up run left out.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, get, makeRepository, postJson, removeDir, startServer } from './helpers.mjs';

const repo = makeRepository({ 'iris/1': IRIS });
const s = await startServer({ models: repo });
const row = [5.1, 3.5, 1.4, 0.2];

function integersIn(value, path = '') {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? [] : [path];
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => integersIn(v, `${path}.${k}`));
  return [];
}

test('counts and durations after 40 one-row requests, one three-row request and one bad request', async () => {
  const before = Date.now();
  const answers = await Promise.all(Array.from({ length: 40 }, () => postJson(`${s.url}/predict`, { features: row })));
  assert.ok(answers.every((a) => a.status === 200));
  const three = await postJson(`${s.url}/v2/models/iris/infer`, {
    inputs: [{ name: 'features', shape: [3, 4], datatype: 'FP32', data: [row, row, row] }],
  });
  assert.is(three.status, 200);
  assert.is((await postJson(`${s.url}/predict`, { features: [1] })).status, 400);
  const after = Date.now();

  const all = await get(`${s.url}/v2/models/stats`);
  assert.is(all.status, 200);
  assert.is(all.headers.get('content-type'), 'application/json');
  assert.is(all.body.model_stats.length, 1);
  const st = all.body.model_stats[0];
  assert.equal(integersIn(st), [], 'every number an unsigned integer');
  assert.equal([st.name, st.version], ['iris', '1']);
  assert.ok(st.last_inference >= before && st.last_inference <= after + 1, `${st.last_inference} in [${before}, ${after}]`);
  const i = st.inference_stats;
  assert.is(i.success.count, 41);
  assert.is(st.inference_count, 43, 'rows of the successful requests');
  assert.is(i.fail.count, 1);
  assert.is(i.queue.count, 41, 'every request that reached the queue');
  assert.ok(st.execution_count >= 1 && st.execution_count <= 41, `${st.execution_count} batches for 41 requests`);
  assert.is(i.compute_infer.count, st.execution_count);
  assert.ok(i.compute_infer.ns > 0 && i.success.ns > 0);
  assert.ok(i.success.ns >= i.queue.ns, 'a request lasts at least as long as it waits');
  assert.equal(st.batch_stats, []);

  // The same numbers as /metrics, less the warm-up batch.
  const metrics = (await get(`${s.url}/metrics`)).body;
  const batches = Number(/^ortex_batch_size_count\{model="iris",version="1"\} (\d+)$/m.exec(metrics)[1]);
  assert.is(st.execution_count, batches - 1);

  // One model, one version: the same record.
  const model = await get(`${s.url}/v2/models/iris/stats`);
  const version = await get(`${s.url}/v2/models/iris/versions/1/stats`);
  assert.equal(model.body, all.body);
  assert.equal(version.body, all.body);
});

test('unknown model or version → 404 {"error"}; the extension is announced', async () => {
  const nope = await get(`${s.url}/v2/models/nope/stats`);
  assert.is(nope.status, 404);
  assert.match(nope.body.error, /nope/);
  const v9 = await get(`${s.url}/v2/models/iris/versions/9/stats`);
  assert.is(v9.status, 404);
  assert.match(v9.body.error, /'9'/);
  assert.ok((await get(`${s.url}/v2`)).body.extensions.includes('statistics'));
});

test.after(async () => {
  await s.close();
  removeDir(repo);
});
test.run();
