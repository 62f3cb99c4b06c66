// Load shedding and time limits on a real, slow model (PP-OCR cls, a few ms per run): a full
// queue answers 503 with Retry-After at once, a request past its time limit answers 504 and
// never runs, and the server keeps serving afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REAL } from '../helpers/index.mjs';
import { get, makeRepository, postBinary, removeDir, startServer } from './helpers.mjs';

const image = new Float32Array(3 * 48 * 192).fill(0.5);
const header = {
  inputs: [{ name: 'x', shape: [1, 3, 48, 192], datatype: 'FP32', parameters: { binary_data_size: image.byteLength } }],
  outputs: [{ name: 'softmax_0.tmp_0', parameters: { binary_data: true } }],
};

async function burst(url, n) {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const res = await postBinary(url, header, [image]);
      const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
      return { status: res.status, retryAfter: res.headers.get('retry-after'), code: res.headers.get('x-ortex-error-code'), text };
    }),
  );
}

test('a full queue → 503 ERR_QUEUE_FULL with Retry-After; the rest are answered', async () => {
  const repo = makeRepository({ 'cls/1': REAL.cls, 'cls/config.yaml': 'batching: none\nlimits:\n  maxQueueSize: 2\n' });
  const s = await startServer({ models: repo });
  try {
    const inputName = (await get(`${s.url}/v2/models/cls`)).body.inputs[0].name;
    header.inputs[0].name = inputName;
    const answers = await burst(`${s.url}/v2/models/cls/infer`, 24);
    const shed = answers.filter((a) => a.status === 503);
    const served = answers.filter((a) => a.status === 200);
    assert.ok(shed.length > 0, `some requests shed (statuses ${answers.map((a) => a.status).join(',')})`);
    assert.ok(served.length >= 2, 'queued requests are answered');
    assert.is(shed.length + served.length, answers.length, 'only 200 and 503');
    for (const a of shed) {
      assert.is(a.retryAfter, '1');
      assert.is(a.code, 'ERR_QUEUE_FULL');
      assert.match(JSON.parse(a.text).error, /queue is full/);
    }
    const after = await burst(`${s.url}/v2/models/cls/infer`, 1);
    assert.is(after[0].status, 200, 'serving again once the queue drains');
  } finally {
    await s.close();
    removeDir(repo);
  }
});

test('past limits.timeoutMs → 504 ERR_TIMEOUT, and the timed-out requests never run', async () => {
  const repo = makeRepository({ 'cls/1': REAL.cls, 'cls/config.yaml': 'batching: none\nlimits:\n  timeoutMs: 15\n' });
  const s = await startServer({ models: repo });
  try {
    const answers = await burst(`${s.url}/v2/models/cls/infer`, 30);
    const late = answers.filter((a) => a.status === 504);
    assert.ok(late.length > 0, `some requests time out (statuses ${answers.map((a) => a.status).join(',')})`);
    for (const a of late) {
      assert.is(a.code, 'ERR_TIMEOUT');
      assert.match(JSON.parse(a.text).error, /limits.timeoutMs \(15 ms\) and was cancelled/);
    }
    const version = s.app.ortex.repository.get('cls').versions.get('1');
    const st = version.batcher.stats();
    // The warm-up run plus the runs that started; requests cancelled while queued never ran.
    assert.ok(st.batches < 1 + answers.length, `${st.batches} runs for ${answers.length} requests`);
    assert.ok((st.rejected.ERR_ABORTED ?? 0) > 0, 'cancelled in the queue');
    const metrics = (await get(`${s.url}/metrics`)).body;
    assert.match(metrics, /ortex_requests_total\{model="cls",version="1",outcome="ERR_TIMEOUT"\} \d+/);
  } finally {
    await s.close();
    removeDir(repo);
  }
});

test.run();
