// limits.maxElementsPerTensor on a monitored model: the rows a /predict or KServe V1 body sends
// are counted against the limit before the input schema reads and converts them (as unmonitored
// rows are), so an oversized body of named records is refused for its size, not after the work.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { irisMonitoringRepository, irisTraffic, postJson, removeDir, startServer } from './helpers.mjs';

// 4 features a row: two rows fit in 8 elements, three do not.
const { repo } = await irisMonitoringRepository({}, { limits: { maxElementsPerTensor: 8 } });
const server = await startServer({ models: repo, config: { watch: false } });
const records = await irisTraffic(3, 9);
const broken = { ...records[2], petal_width: undefined }; // the schema would refuse it: rule missing

test('/predict: records up to the limit pass; beyond it refused for the size, before the schema', async () => {
  const two = await postJson(`${server.url}/predict`, { features: records.slice(0, 2) });
  assert.is(two.status, 200, JSON.stringify(two.body));
  const three = await postJson(`${server.url}/predict`, { features: [records[0], records[1], broken] });
  assert.is(three.status, 400);
  assert.equal(three.body, {
    error: "expected at most 8 elements (limits.maxElementsPerTensor) for features (input 'features'), received 12",
    status: 'error',
  });
  const one = await postJson(`${server.url}/predict`, { features: broken });
  assert.match(one.body.error, /feature 'petal_width' \(rule missing\)/, 'one record is within the limit: the schema speaks');
});

test('KServe V1 instances: the same limit, before the schema', async () => {
  const r = await postJson(`${server.url}/v1/models/iris:predict`, { instances: [records[0], records[1], broken] });
  assert.is(r.status, 400);
  assert.match(
    r.body.error,
    /^expected at most 8 elements \(limits\.maxElementsPerTensor\) for instances \(input 'features'\), received 12$/,
  );
});

test.after(async () => {
  await server.close();
  removeDir(repo);
});

test.run();
