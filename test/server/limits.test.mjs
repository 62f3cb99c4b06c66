// Load shedding and time limits, created on purpose: one request with many Loop iterations holds
// the model's only run slot (the test waits until the server reports it running), and only then
// come the requests under test. A full queue answers 503 with Retry-After at once; requests past
// their time limit answer 504: a running one at its deadline, its run then stopped so that the
// requests behind it get the slot; queued ones without ever running. The server keeps serving.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Tensor } from '../../dist/index.js';
import { get, makeRepository, postJson, removeDir, startServer, waitFor } from './helpers.mjs';
import { ONE_RUN_AT_A_TIME, prepareSlowModel, slowRequest } from './slow-model.mjs';

// A hold of at least about 1 s on this machine (longer when it is busy): far longer than the
// burst takes to arrive, and 4× the time limit below.
const slow = await prepareSlowModel(1000);
const HOLD = slow.hold;

/** Sends one infer request; resolves to its status, headers of interest, body and when it was answered. */
async function send(url, n) {
  const r = await postJson(url, slowRequest(n));
  return {
    status: r.status,
    retryAfter: r.headers.get('retry-after'),
    code: r.headers.get('x-ortex-error-code'),
    body: r.body,
    at: performance.now(),
  };
}

/** Starts a server on a repository with the slow model and `config`, sends the holding request, waits until it runs. */
async function busyServer(config) {
  const repo = makeRepository({ 'slow/1': slow.path, 'slow/config.yaml': `${ONE_RUN_AT_A_TIME}${config}` });
  const s = await startServer({ models: repo });
  const batcher = s.app.ortex.repository.get('slow').versions.get('1').batcher;
  const url = `${s.url}/v2/models/slow/infer`;
  const holding = send(url, HOLD);
  await waitFor(() => batcher.stats().inflight.batches === 1, 10_000, 'the holding request to run');
  return { s, repo, batcher, url, holding };
}

test('a full queue → 503 ERR_QUEUE_FULL with Retry-After at once; the queued ones are answered', async () => {
  const { s, repo, batcher, url, holding } = await busyServer('limits:\n  maxQueueSize: 2\n');
  try {
    const burst = Array.from({ length: 6 }, () => send(url, 1));
    // The slot is still held: two requests wait in the queue and four were refused.
    await waitFor(
      () => batcher.stats().queued.requests === 2 && (batcher.stats().rejected.ERR_QUEUE_FULL ?? 0) === 4,
      10_000,
      'a full queue',
    );
    assert.is(batcher.stats().inflight.batches, 1, 'the holding request still runs');
    const answers = await Promise.all(burst);
    const held = await holding;
    assert.is(held.status, 200);
    const shed = answers.filter((a) => a.status === 503);
    const served = answers.filter((a) => a.status === 200);
    assert.is(shed.length, 4, `statuses ${answers.map((a) => a.status)}`);
    assert.is(served.length, 2);
    for (const a of shed) {
      assert.is(a.retryAfter, '1');
      assert.is(a.code, 'ERR_QUEUE_FULL');
      assert.match(a.body.error, /queue is full/);
      assert.ok(a.at < held.at, 'refused at once, not after the holding request');
    }
    for (const a of served) assert.ok(a.at > held.at, 'the queued requests ran after the holding one');
    assert.is((await send(url, 1)).status, 200, 'serving again once the queue drains');
  } finally {
    await s.close();
    removeDir(repo);
  }
});

test('past limits.timeoutMs while running → 504 at the deadline, and the run is stopped: the requests queued behind it run at once', async () => {
  const { s, repo, batcher, url, holding } = await busyServer('limits:\n  timeoutMs: 250\n');
  try {
    const queued = Array.from({ length: 3 }, () => send(url, 1));
    const answers = [await holding, ...(await Promise.all(queued))];
    // The holding request is answered at its deadline, and its run is stopped in the runtime (it
    // would have held the only run slot for about 1 s more, for an answer nobody reads): the
    // three queued behind it, each with 250 ms of its own, get the slot in time.
    assert.equal(
      answers.map((a) => a.status),
      [504, 200, 200, 200],
    );
    assert.is(answers[0].code, 'ERR_TIMEOUT');
    assert.match(answers[0].body.error, /limits.timeoutMs \(250 ms\)/);
    await waitFor(() => batcher.stats().inflight.batches === 0, 10_000, 'the runs to end');
    const st = batcher.stats();
    assert.is(st.batches, 5, 'warm-up, the holding request, the three queued ones');
    assert.is(st.cancelledBatches, 1, 'the holding run was cancelled');
    assert.is(st.failedBatches, 0, 'a cancelled run is not a failed one');
    const metrics = (await get(`${s.url}/metrics`)).body;
    assert.match(metrics, /ortex_requests_total\{model="slow",version="1",outcome="ERR_TIMEOUT"\} 1/);
    assert.match(metrics, /ortex_requests_total\{model="slow",version="1",outcome="success"\} 3/);
  } finally {
    await s.close();
    removeDir(repo);
  }
});

test('queued past limits.timeoutMs → 504 ERR_TIMEOUT without ever running', async () => {
  const repo = makeRepository({ 'slow/1': slow.path, 'slow/config.yaml': `${ONE_RUN_AT_A_TIME}limits:\n  timeoutMs: 250\n` });
  const s = await startServer({ models: repo });
  try {
    const batcher = s.app.ortex.repository.get('slow').versions.get('1').batcher;
    const url = `${s.url}/v2/models/slow/infer`;
    // The run slot is held from inside the process, with no time limit (as the warm-up runs), for ~1 s.
    const x = new Tensor('float32', new Float32Array(64).fill(0.5), [1, 64]);
    const n = new Tensor('int64', BigInt64Array.of(BigInt(HOLD)), []);
    const holding = batcher.run({ x, n }, { timeoutMs: Infinity });
    await waitFor(() => batcher.stats().inflight.batches === 1, 10_000, 'the holding run to start');
    const answers = await Promise.all(Array.from({ length: 3 }, () => send(url, 1)));
    assert.equal(
      answers.map((a) => a.status),
      [504, 504, 504],
    );
    for (const a of answers) {
      assert.is(a.code, 'ERR_TIMEOUT');
      assert.match(a.body.error, /limits.timeoutMs \(250 ms\)/);
    }
    await holding;
    const st = batcher.stats();
    assert.is(st.batches, 2, 'warm-up + the holding run: the queued ones never ran');
    assert.is(st.rejected.ERR_TIMEOUT, 3, 'the queued requests were dropped at their deadline');
    assert.is(st.queued.requests, 0);
    assert.is((await send(url, 1)).status, 200, 'serving again');
  } finally {
    await s.close();
    removeDir(repo);
  }
});

test.after(() => slow.remove());
test.run();
