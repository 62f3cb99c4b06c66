// A client that disconnects withdraws its queued request on a slow model (its fastest batch takes ≥ 1 ms),
// created on purpose: a long request holds the run slot, a second one waits behind it, and its
// client goes away; one whose request is running has its run stopped. On a fast model (Iris) no per-request AbortSignal is spent on this.
import { Agent, request } from 'node:http';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { IRIS, makeRepository, postJson, removeDir, startServer, waitFor } from './helpers.mjs';
import { ONE_RUN_AT_A_TIME, prepareSlowModel, slowRequest } from './slow-model.mjs';

const slow = await prepareSlowModel();
const HOLD = slow.hold;
const repo = makeRepository({
  'slow/1': slow.path,
  'slow/config.yaml': ONE_RUN_AT_A_TIME,
  'iris/1': IRIS,
});
const s = await startServer({ models: repo });
const infer = `${s.url}/v2/models/slow/infer`;

test('a queued request whose client goes away is withdrawn and never runs', async () => {
  const version = s.app.ortex.repository.get('slow').versions.get('1');
  const batcher = version.batcher;
  // One request of some 50 ms tells the server this model's batches are slow.
  assert.is((await postJson(infer, slowRequest(Math.ceil(HOLD / 20)))).status, 200);
  assert.ok(version.cancelsOnDisconnect, 'batches of the slow model take ≥ 1 ms');
  const holding = postJson(infer, slowRequest(HOLD));
  await waitFor(() => batcher.stats().inflight.batches === 1, 10_000, 'the holding request to run');
  const client = new AbortController();
  const gone = fetch(infer, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(slowRequest(1)),
    signal: client.signal,
  }).catch((e) => e.name);
  await waitFor(() => batcher.stats().queued.requests === 1, 10_000, 'the second request queued');
  client.abort();
  assert.is(await gone, 'AbortError');
  await waitFor(() => (batcher.stats().rejected.ERR_ABORTED ?? 0) === 1, 10_000, 'the queued request withdrawn');
  assert.is(batcher.stats().queued.requests, 0);
  assert.is(batcher.stats().inflight.batches, 1, 'while the holding request still runs');
  assert.is((await holding).status, 200);
  await waitFor(() => batcher.stats().inflight.batches === 0, 10_000, 'the holding run to end');
  assert.is(batcher.stats().batches, 3, 'warm-up, the 50 ms request and the holding one: the withdrawn one never ran');
});

test('a running request whose client goes away stops its run: the session is free long before the run would have ended', async () => {
  const version = s.app.ortex.repository.get('slow').versions.get('1');
  const batcher = version.batcher;
  assert.ok(version.cancelsOnDisconnect);
  const before = batcher.stats();
  const client = new AbortController();
  const gone = fetch(infer, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(slowRequest(HOLD)),
    signal: client.signal,
  }).catch((e) => e.name);
  await waitFor(() => batcher.stats().inflight.batches === 1, 10_000, 'the request to run');
  const left = performance.now();
  client.abort();
  assert.is(await gone, 'AbortError');
  // The run holds about 1 s; stopped, it ends at once.
  await waitFor(() => batcher.stats().inflight.batches === 0, 10_000, 'the run to end');
  const ended = performance.now() - left;
  const st = batcher.stats();
  assert.is(st.cancelledBatches, before.cancelledBatches + 1, 'the run was cancelled');
  assert.is(st.rejected.ERR_ABORTED ?? 0, (before.rejected.ERR_ABORTED ?? 0) + 1);
  assert.ok(ended < 500, `the run ended ${ended.toFixed(0)} ms after the client left (its full run takes ~1 s)`);
  assert.is((await postJson(infer, slowRequest(Math.ceil(HOLD / 20)))).status, 200, 'serving on');
});

/** POSTs `value` as JSON through `agent`; resolves to the status. */
function postVia(agent, url, value) {
  const body = JSON.stringify(value);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

test('requests on one keep-alive connection share its signal: one close listener however many, and answered ones are never withdrawn', async () => {
  const version = s.app.ortex.repository.get('slow').versions.get('1');
  assert.ok(version.cancelsOnDisconnect);
  const aborted = () => version.batcher.stats().rejected.ERR_ABORTED ?? 0;
  const before = aborted();
  const sockets = [];
  const onConnection = (socket) => sockets.push(socket);
  s.app.server.on('connection', onConnection);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const listeners = [];
    for (let i = 0; i < 4; i++) {
      assert.is(await postVia(agent, infer, slowRequest(Math.ceil(HOLD / 50))), 200);
      assert.is(sockets.length, 1, 'one connection for every request');
      listeners.push(sockets[0].listenerCount('close'));
    }
    assert.equal(listeners, new Array(4).fill(listeners[0]), 'no close listener added per request');
    agent.destroy();
    await waitFor(() => sockets[0].destroyed, 10_000, 'the server side of the connection to close');
    await new Promise((r) => setTimeout(r, 50));
    assert.is(aborted(), before, 'closing a connection withdraws none of its answered requests');
  } finally {
    agent.destroy();
    s.app.server.off('connection', onConnection);
  }
});

test('a fast model spends no AbortSignal on disconnects', async () => {
  const body = { features: [5.1, 3.5, 1.4, 0.2] };
  for (let i = 0; i < 5; i++) assert.is((await postJson(`${s.url}/v1/models/iris/predict`, body)).status, 200);
  assert.is(s.app.ortex.repository.get('iris').versions.get('1').cancelsOnDisconnect, false);
});

test.after(async () => {
  await s.close();
  removeDir(repo);
  slow.remove();
});
test.run();
