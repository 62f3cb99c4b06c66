// `ortex serve` as a real child process: SIGTERM with requests in flight answers every one of
// them and exits 0 within the grace period; KServe's conventions (PORT, --model_name) hold; a
// grace period that runs out still exits 0, answering what was queued with 503.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REAL } from '../helpers/index.mjs';
import { get, makeRepository, model, postBinary, removeDir } from './helpers.mjs';
import { spawnServe } from './serve-child.mjs';

const image = new Float32Array(3 * 48 * 192).fill(0.25);
const header = { inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', parameters: { binary_data_size: image.byteLength } }] };
const repo = makeRepository({ 'cls/1': REAL.cls, 'cls/config.yaml': 'batching: none\n' });

function fire(url, n) {
  return Array.from({ length: n }, () =>
    postBinary(`${url}/v2/models/cls/infer`, header, [image]).then(
      async (res) => ({ status: res.status, bytes: (await res.arrayBuffer()).byteLength }),
      (e) => ({ error: e.message }),
    ),
  );
}

test('SIGTERM with requests in flight: all answered 200, readiness drops, exit 0 within the grace period', async () => {
  const configFile = join(repo, 'server.yaml');
  writeFileSync(configFile, 'shutdownGraceMs: 8000\nlogLevel: info\n');
  const s = await spawnServe([repo, '--config', configFile], { env: { PORT: '0' } });
  const inflight = fire(s.url, 16);
  await Promise.race(inflight); // the server is busy: the others are queued or running
  const sent = Date.now();
  s.child.kill('SIGTERM');
  const answers = await Promise.all(inflight);
  const { code, at } = await s.exited;
  assert.equal(
    answers.filter((a) => a.status !== 200),
    [],
    `every in-flight request answered: ${JSON.stringify(answers)}`,
  );
  assert.is(code, 0, s.logs());
  assert.ok(at - sent < 8000, `exited in ${at - sent} ms`);
  const logs = s.logs();
  assert.match(logs, /readiness is false/);
  assert.match(logs, /"shut down"/);
});

test('KServe conventions: PORT picks the port, --model_name names a single-file model', async () => {
  const s = await spawnServe([model('demo.onnx'), '--model_name', 'custom', '--no-watch'], { env: { PORT: '0' } });
  try {
    const r = await get(`${s.url}/v2/models/custom/ready`);
    assert.equal([r.status, r.body], [200, { name: 'custom', ready: true }]);
    assert.match((await get(`${s.url}/v2/health/ready`)).body.ready.toString(), /true/);
  } finally {
    s.child.kill('SIGINT');
    const { code } = await s.exited;
    assert.is(code, 0, 'SIGINT exits 0 too');
  }
});

test('a grace period that runs out: exit 0 anyway, queued requests answered 503 (not dropped silently)', async () => {
  const configFile = join(repo, 'short.yaml');
  writeFileSync(configFile, 'shutdownGraceMs: 1\n');
  const s = await spawnServe([repo, '--config', configFile, '--no-watch'], { env: { PORT: '0' } });
  const inflight = fire(s.url, 40);
  await Promise.race(inflight);
  const sent = Date.now();
  s.child.kill('SIGTERM');
  const answers = await Promise.all(inflight);
  const { code, at } = await s.exited;
  assert.is(code, 0, s.logs());
  assert.ok(at - sent < 5000, `exited in ${at - sent} ms`);
  const statuses = answers.map((a) => a.status ?? 'reset');
  assert.ok(
    statuses.every((x) => x === 200 || x === 503 || x === 'reset'),
    statuses.join(','),
  );
  assert.ok(statuses.includes(503) || statuses.includes('reset'), `some requests were cut by the grace period: ${statuses.join(',')}`);
  assert.match(s.logs(), /grace period over/, `${statuses.join(',')}\n${s.logs()}`);
});

test.after(() => removeDir(repo));
test.run();
