// Load shedding and time limits, created on purpose: one request with many Loop iterations holds
// the model's only run slot (the test waits until the server reports it running), and only then
// come the requests under test. A full queue answers 503 with Retry-After at once; requests past
// their time limit answer 504 (the running one at its deadline, the queued ones without ever
// running), and the server keeps serving afterwards.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
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

test('past limits.timeoutMs → 504 ERR_TIMEOUT (running or queued), and the queued ones never run', async () => {
  const { s, repo, batcher, url, holding } = await busyServer('limits:\n  timeoutMs: 250\n');
  try {
    const queued = Array.from({ length: 3 }, () => send(url, 1));
    const answers = [await holding, ...(await Promise.all(queued))];
    assert.equal(
      answers.map((a) => a.status),
      [504, 504, 504, 504],
    );
    for (const a of answers) {
      assert.is(a.code, 'ERR_TIMEOUT');
      assert.match(a.body.error, /limits.timeoutMs \(250 ms\)/);
    }
    // The holding run goes on in the runtime (its answer was sent at the deadline); once it ends,
    // nothing else has run: the warm-up and the holding request are the only batches, and the
    // queued ones were dropped from the queue at their deadline.
    await waitFor(() => batcher.stats().inflight.batches === 0, 10_000, 'the holding run to end');
    const st = batcher.stats();
    assert.is(st.batches, 2, 'warm-up + the holding request');
    assert.is(st.rejected.ERR_TIMEOUT, 3, 'the queued requests were dropped at their deadline');
    assert.is(st.queued.requests, 0);
    const metrics = (await get(`${s.url}/metrics`)).body;
    assert.match(metrics, /ortex_requests_total\{model="slow",version="1",outcome="ERR_TIMEOUT"\} 4/);
    assert.is((await send(url, 1)).status, 200, 'serving again');
  } finally {
    await s.close();
    removeDir(repo);
  }
});

test.after(() => slow.remove());
test.run();
