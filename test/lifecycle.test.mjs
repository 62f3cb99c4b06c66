// Lifecycle hazards: release() with runs in flight, outputs outliving the session, GC during runs,
// abort, worker threads, process exit with pending runs, dispose(), concurrency, event-loop health.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor, init, stats, isOrtexError } from '../dist/index.js';
import { DIST_URL, REAL, closeTo, lastJson, model, randomFloat32, rejects, runNode, settle, settledStats } from './helpers/index.mjs';
import { refRun } from './helpers/reference.mjs';

const MLP = model('mlp_256_512_512_10.onnx');
const tick = () => new Promise((resolve) => setImmediate(resolve));
const mlpInput = (seed, batch) => randomFloat32(seed, batch * 256);
const mlpRef = async (x, batch) => (await refRun(MLP, { x: { type: 'float32', data: x, dims: [batch, 256] } })).logits.data;
const RUN_CODES = new Set(['ERR_SESSION_RELEASED', 'ERR_ABORTED', 'ERR_RUNTIME']);

async function gcSettle(rounds = 4) {
  for (let i = 0; i < rounds; i++) {
    global.gc();
    await tick();
  }
}

test('outputs remain readable after release(); the native session lives until they are gone', async () => {
  const s = await InferenceSession.create(MLP);
  const x = mlpInput(1, 128);
  const out = await s.run({ x: new Tensor('float32', x, [128, 256]) });
  const ref = await mlpRef(x, 128);
  assert.is(out.logits.data.byteLength, 5120, 'a zero-copy-sized output (≥ 4 KiB)');
  const released0 = stats().sessionsReleased;
  await s.release();
  await gcSettle();
  // Still readable, still right.
  closeTo(out.logits.data, ref, { rtol: 1e-5, atol: 1e-6 });
  assert.is(stats().sessionsReleased - released0, 0, 'the ORT session is kept alive by the live output');
  out.logits.dispose();
  await tick();
  assert.is(stats().sessionsReleased - released0, 1, 'disposing the last output frees the ORT session');
});

test('release() while runs are pending: runs settle cleanly, release waits, later runs reject', async () => {
  const s = await InferenceSession.create(MLP);
  const batch = 32;
  const inputs = Array.from({ length: 10 }, (_, i) => mlpInput(100 + i, batch));
  const refs = await Promise.all(inputs.map((x) => mlpRef(x, batch)));
  const order = [];
  const runs = inputs.map((x, i) =>
    s.run({ x: new Tensor('float32', x, [batch, 256]) }, { mode: 'async' }).finally(() => order.push(`run${i}`)),
  );
  assert.is(s.pendingRuns, 10);
  const p1 = s.release();
  const p2 = s.release();
  assert.is(p1, p2, 'release() is idempotent and returns the same promise');
  assert.is(s.released, true);
  p1.then(() => order.push('released'));
  await rejects(s.run({ x: new Tensor('float32', inputs[0], [batch, 256]) }), 'ERR_SESSION_RELEASED', 'the session has been released');
  const { all } = await settle(runs);
  await p1;
  assert.is(s.release(), p1);
  all.forEach((r, i) => {
    if (r.status === 'fulfilled') closeTo(r.value.logits.data, refs[i], { rtol: 1e-5, atol: 1e-6, what: `run ${i}` });
    else
      assert.ok(isOrtexError(r.reason) && RUN_CODES.has(r.reason.code), `run ${i} rejected with ${r.reason?.code}: ${r.reason?.message}`);
  });
  assert.is(order[order.length - 1], 'released', `release resolved only after every run settled: ${order.join(' ')}`);
  assert.is(s.pendingRuns, 0);
  await rejects(
    s.run({ x: new Tensor('float32', inputs[0], [batch, 256]) }, { mode: 'inline' }),
    'ERR_SESSION_RELEASED',
    'the session has been released',
  );
  assert.throws(
    () => s.scheduling(),
    (e) => e.code === 'ERR_SESSION_RELEASED',
  );
});

test('release() on an idle session, then run → ERR_SESSION_RELEASED', async () => {
  const s = await InferenceSession.create(model('demo.onnx'));
  const released0 = stats().sessionsReleased;
  await s.release();
  await s.release();
  await gcSettle(2);
  assert.is(stats().sessionsReleased - released0, 1);
  await rejects(
    s.run({ features: new Tensor('float32', new Float32Array(4), [1, 4]) }),
    'ERR_SESSION_RELEASED',
    'the session has been released',
  );
});

test('Symbol.asyncDispose releases the session (same promise as release())', async () => {
  const s = await InferenceSession.create(model('demo.onnx'));
  assert.is(typeof s[Symbol.asyncDispose], 'function');
  const p = s[Symbol.asyncDispose]();
  assert.is(s.release(), p);
  await p;
  assert.is(s.released, true);
  await rejects(s.run({ features: new Tensor('float32', new Float32Array(4), [1, 4]) }), 'ERR_SESSION_RELEASED');
});

test('GC during run: global.gc() in a loop while 20 async MLP runs (batch 1024) are in flight', async () => {
  const s = await InferenceSession.create(MLP);
  const batch = 1024;
  const inputs = Array.from({ length: 20 }, (_, i) => mlpInput(200 + i, batch));
  const refs = [];
  for (const x of inputs) refs.push(await mlpRef(x, batch));
  // One run thread, and a long run queued first: the 20 runs wait behind it, so collections
  // surely happen while they are queued and running (a fast machine otherwise finished them
  // before the first collection).
  const { maxConcurrentRuns } = stats();
  init({ maxConcurrentRuns: 1 });
  let results,
    collections = 0;
  try {
    const blocker = s.run({ x: new Tensor('float32', mlpInput(199, 32 * batch), [32 * batch, 256]) }, { mode: 'async' });
    // Tensors are made inside the call and not kept: only the run can keep their data alive.
    const runs = inputs.map((x) => s.run({ x: new Tensor('float32', x.slice(), [batch, 256]) }, { mode: 'async' }));
    let done = false;
    const all = Promise.allSettled(runs).finally(() => {
      done = true;
    });
    while (!done) {
      global.gc();
      collections++;
      // Garbage that looks like inputs, to reuse any freed memory.
      new Float32Array(batch * 256).fill(123456);
      await tick();
    }
    results = await all;
    (await blocker).logits.dispose();
  } finally {
    init({ maxConcurrentRuns });
  }
  assert.ok(collections > 1, `gc ran ${collections} times`);
  results.forEach((r, i) => {
    assert.is(r.status, 'fulfilled', `run ${i}: ${r.reason?.message}`);
    closeTo(r.value.logits.data, refs[i], { rtol: 1e-5, atol: 1e-6, what: `run ${i}` });
  });
  await gcSettle();
  // Every result is still intact after more collections.
  for (const [i, r] of results.entries()) closeTo(r.value.logits.data, refs[i], { rtol: 1e-5, atol: 1e-6, what: `run ${i} after gc` });
  // Zero-copy outputs keep the native session alive; free them so later tests count cleanly.
  for (const r of results) r.value.logits.dispose();
  await s.release();
});

test('a session that is never released is freed by GC', async () => {
  const released0 = (await settledStats()).sessionsReleased;
  await (async () => {
    const s = await InferenceSession.create(model('demo.onnx'));
    const out = await s.run({ features: new Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) });
    assert.is(out.probabilities.dims[1], 3);
  })();
  await gcSettle(6);
  assert.is(stats().sessionsReleased - released0, 1);
});

test('tensor.dispose() on outputs frees them now: outputBuffersLive drops, old views are detached', async () => {
  const s = await InferenceSession.create(MLP);
  const x = mlpInput(3, 128);
  const ref = await mlpRef(x, 128);
  const live0 = (await settledStats()).outputBuffersLive;
  const out = await s.run({ x: new Tensor('float32', x, [128, 256]) });
  assert.is(stats().outputBuffersLive - live0, 1);
  const view = out.logits.data;
  closeTo(view, ref, { rtol: 1e-5, atol: 1e-6 });
  out.logits.dispose();
  assert.is(stats().outputBuffersLive - live0, 0);
  assert.is(out.logits.disposed, true);
  assert.is(view.byteLength, 0, 'a view taken before dispose() sees a detached buffer, not freed memory');
  assert.is(view[0], undefined);
  assert.throws(
    () => out.logits.data,
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /disposed/.test(e.message),
  );
  out.logits.dispose();
  await gcSettle();
  assert.is(stats().outputBuffersLive - live0, 0, 'dispose twice + GC does not count the buffer twice');
  // Outputs that are never disposed are freed by GC.
  await (async () => {
    await s.run({ x: new Tensor('float32', x, [128, 256]) });
    assert.is(stats().outputBuffersLive - live0, 1);
  })();
  await gcSettle(6);
  assert.is(stats().outputBuffersLive - live0, 0);
  await s.release();
});

test('50 concurrent runs on one session all resolve with the right results', async () => {
  const s = await InferenceSession.create(MLP);
  const batch = 4;
  const inputs = Array.from({ length: 50 }, (_, i) => mlpInput(300 + i, batch));
  const refs = [];
  for (const x of inputs) refs.push(await mlpRef(x, batch));
  const outs = await Promise.all(
    inputs.map((x, i) => s.run({ x: new Tensor('float32', x, [batch, 256]) }, i % 2 ? { mode: 'async' } : undefined)),
  );
  outs.forEach((o, i) => {
    assert.equal([...o.logits.dims], [batch, 10]);
    closeTo(o.logits.data, refs[i], { rtol: 1e-5, atol: 1e-6, what: `run ${i}` });
  });
  assert.is(s.pendingRuns, 0);
  await s.release();
});

test('scheduling: mode auto runs tiny models inline once measured; inlineThresholdUs: 0 never does', async () => {
  const feeds = { features: new Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) };
  // A generous threshold (10 ms) so a loaded machine still counts this tiny model as tiny.
  const auto = await InferenceSession.create(model('demo.onnx'), { inlineThresholdUs: 10_000 });
  const never = await InferenceSession.create(model('demo.onnx'), { inlineThresholdUs: 0 });
  const count = async (s, n) => {
    const before = stats();
    for (let i = 0; i < n; i++) {
      const out = await s.run(feeds);
      const p = out.probabilities.data;
      assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-6);
      await tick(); // a fresh event-loop turn for each run
    }
    const after = stats();
    return { inline: after.runsInline - before.runsInline, async: after.runsAsync - before.runsAsync };
  };
  const a = await count(auto, 8);
  assert.is(a.inline + a.async, 8);
  assert.ok(a.async >= 1, 'the first runs (no measurement yet) go to the pool');
  assert.ok(a.inline >= 1, `a tiny model runs inline once measured (${JSON.stringify(a)})`);
  const sched = auto.scheduling();
  assert.is(sched.runs, 8);
  assert.is(sched.inlineThresholdUs, 10_000);
  assert.ok(sched.averageRunUs > 0 && sched.averageRunUs < 10_000, `average ${sched.averageRunUs} µs`);
  const n = await count(never, 8);
  assert.equal(n, { inline: 0, async: 8 });
  assert.is(never.scheduling().inlineThresholdUs, 0);
  assert.throws(
    () => auto.scheduling(-1),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && e.message === 'expected a non-negative number for inlineThresholdUs, received number -1',
  );
  await auto.release();
  await never.release();
});

test('a shared AbortSignal keeps no listeners after runs finish, fail or are refused', async () => {
  const { getEventListeners } = await import('node:events');
  const s = await InferenceSession.create(model('bad_runtime.onnx'), { logSeverityLevel: 4 });
  const ac = new AbortController();
  const data = new Tensor('float32', new Float32Array(6), [2, 3]);
  for (const mode of ['auto', 'async', 'inline']) {
    await s.run({ data, indices: new Tensor('int64', [0n], [1]) }, { signal: ac.signal, mode });
    await rejects(
      s.run({ data, indices: new Tensor('int64', [9n], [1]) }, { signal: ac.signal, mode }),
      'ERR_RUNTIME',
      /out of data bounds/,
    );
    await rejects(s.run({ data }, { signal: ac.signal, mode }), 'ERR_INVALID_INPUT', /no value for 'indices'/);
  }
  await Promise.all(Array.from({ length: 5 }, () => s.run({ data, indices: new Tensor('int64', [1n], [1]) }, { signal: ac.signal })));
  assert.is(getEventListeners(ac.signal, 'abort').length, 0);
  await s.release();
});

// --- PP-OCR rec: long runs ---------------------------------------------------------------------

let rec;
let recRunMs; // duration of one [8,3,48,320] run, measured by the event-loop test
const recBatch8 = () => new Tensor('float32', randomFloat32(7, 8 * 3 * 48 * 320, 0, 1), [8, 3, 48, 320]);
async function recSession() {
  rec ??= await InferenceSession.create(REAL.rec, { logSeverityLevel: 4 });
  return rec;
}

function checkSoftmaxRows(t, classes = 6625) {
  const d = t.data;
  for (let r = 0; r < d.length / classes; r++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += d[r * classes + c];
    assert.ok(Math.abs(sum - 1) < 1e-3, `row ${r} sums to ${sum}`);
  }
}

test('the event loop keeps ticking while 2 long runs (PP-OCR rec, batch 8, mode auto) are in flight', async () => {
  const s = await recSession();
  const x = recBatch8();
  let ticks = 0;
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    ticks++;
  }, 1);
  const started = performance.now();
  const durations = [];
  const runs = [0, 1].map(() =>
    s.run({ x }).then((out) => {
      durations.push(performance.now() - started);
      return out;
    }),
  );
  const outs = await Promise.all(runs);
  clearInterval(timer);
  const elapsed = performance.now() - started;
  recRunMs = Math.min(...durations);
  for (const o of outs) {
    const y = o[s.outputNames[0]];
    assert.equal([...y.dims], [8, 40, 6625]);
  }
  checkSoftmaxRows(outs[0][s.outputNames[0]]);
  assert.ok(recRunMs >= 100, `the runs take long enough to matter (${recRunMs.toFixed(0)} ms)`);
  assert.ok(ticks >= Math.min(20, elapsed / 20), `${ticks} ticks in ${elapsed.toFixed(0)} ms`);
  assert.ok(maxGap < recRunMs / 2, `longest pause between ticks ${maxGap.toFixed(1)} ms, a run takes ${recRunMs.toFixed(0)} ms`);
});

test('abort: an already-aborted signal rejects ERR_ABORTED before running', async () => {
  const s = await InferenceSession.create(model('demo.onnx'));
  const ac = new AbortController();
  const reason = new Error('stop now');
  ac.abort(reason);
  const before = stats();
  const e = await rejects(
    s.run({ features: new Tensor('float32', new Float32Array(4), [1, 4]) }, { signal: ac.signal }),
    'ERR_ABORTED',
    'the run was aborted before it started',
  );
  assert.is(e.cause, reason);
  const after = stats();
  assert.is(after.runsAsync + after.runsInline, before.runsAsync + before.runsInline, 'nothing ran');
  await rejects(
    s.run({ features: new Tensor('float32', new Float32Array(4), [1, 4]) }, ['probabilities'], { signal: AbortSignal.abort() }),
    'ERR_ABORTED',
    'the run was aborted before it started',
  );
  // A signal that is never aborted changes nothing; aborting after the run finished is harmless.
  const late = new AbortController();
  const ok = await s.run({ features: new Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) }, { signal: late.signal });
  late.abort();
  const p = ok.probabilities.data;
  assert.ok(Math.abs(p[0] + p[1] + p[2] - 1) < 1e-6);
  await s.release();
});

test('abort during a long run (PP-OCR rec batch 8) rejects ERR_ABORTED well before it would finish', async () => {
  const s = await recSession();
  const x = recBatch8();
  if (recRunMs === undefined) {
    const t0 = performance.now();
    await s.run({ x });
    recRunMs = performance.now() - t0;
  }
  const ac = new AbortController();
  const started = performance.now();
  setTimeout(() => ac.abort(), 30);
  // Two runs share the signal: both stop.
  const runs = [s.run({ x }, { signal: ac.signal }), s.run({ x }, { signal: ac.signal })];
  await Promise.allSettled(runs);
  const elapsed = performance.now() - started;
  for (const r of runs) await rejects(r, 'ERR_ABORTED', 'the run was aborted');
  assert.ok(elapsed < recRunMs * 0.6, `aborted after ${elapsed.toFixed(0)} ms; a full run takes ${recRunMs.toFixed(0)} ms`);
  assert.is(s.pendingRuns, 0);
  // The session still works.
  const small = await s.run({ x: new Tensor('float32', randomFloat32(8, 3 * 48 * 96, 0, 1), [1, 3, 48, 96]) });
  const y = small[s.outputNames[0]];
  assert.is(y.dims[0], 1);
  assert.is(y.dims[2], 6625);
  checkSoftmaxRows(y);
});

test.after(async () => {
  if (rec) await rec.release();
});

// --- worker threads and process exit (child processes: a crash fails the test, not the suite) ------

const WORKER_URL = new URL('./helpers/worker-session.mjs', import.meta.url).href;

test('worker_threads: terminating a worker while its run is in flight does not crash the process', async () => {
  // Four workers in turn, each terminated right after its second run, while its third (a batch-2048 MLP
  // run on the libuv pool) is in flight; then the main thread must still run sessions.
  const code = `
    import { Worker } from 'node:worker_threads';
    const { InferenceSession, Tensor } = await import(${JSON.stringify(DIST_URL)});
    const exits = [];
    for (let i = 0; i < 4; i++) {
      const w = new Worker(new URL(${JSON.stringify(WORKER_URL)}), { execArgv: [], workerData: { dist: ${JSON.stringify(DIST_URL)}, model: ${JSON.stringify(MLP)}, mode: 'loop', batch: 2048 } });
      let runs = 0;
      const exitCode = await new Promise((resolve, reject) => {
        w.on('error', reject);
        w.on('exit', resolve);
        w.on('message', (m) => { if (m.ran) { runs = m.ran; if (m.ran === 2) w.terminate(); } });
      });
      exits.push({ exitCode, runs });
    }
    const s = await InferenceSession.create(${JSON.stringify(model('demo.onnx'))});
    const out = await s.run({ features: new Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) }, { mode: 'async' });
    await s.release();
    console.log(JSON.stringify({ exits, sum: out.probabilities.data.reduce((a, b) => a + b, 0) }));`;
  const r = await runNode(code);
  assert.is(r.signal, null, `child died with ${r.signal}: ${r.stderr.slice(-500)}`);
  assert.is(r.code, 0, `child exited ${r.code}: ${r.stderr.slice(-500)}`);
  const res = lastJson(r.stdout);
  for (const { exitCode, runs } of res.exits) {
    assert.is(exitCode, 1, 'a terminated worker exits with code 1');
    assert.ok(runs >= 2);
  }
  assert.ok(Math.abs(res.sum - 1) < 1e-6);
});

test('worker_threads: a worker that exits normally with live sessions and outputs', async () => {
  const code = `
    import { Worker } from 'node:worker_threads';
    const { InferenceSession, Tensor } = await import(${JSON.stringify(DIST_URL)});
    const results = [];
    for (let i = 0; i < 2; i++) {
      const w = new Worker(new URL(${JSON.stringify(WORKER_URL)}), { execArgv: [], workerData: { dist: ${JSON.stringify(DIST_URL)}, model: ${JSON.stringify(MLP)}, mode: 'finish', batch: 2 } });
      let msg;
      w.on('message', (m) => { msg = m; });
      const exitCode = await new Promise((resolve, reject) => { w.on('error', reject); w.on('exit', resolve); });
      results.push({ exitCode, msg });
    }
    const s = await InferenceSession.create(${JSON.stringify(MLP)});
    const x = new Float32Array(2 * 256);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i) * 0.5;
    const out = await s.run({ x: new Tensor('float32', x, [2, 256]) });
    console.log(JSON.stringify({ results, main: Array.from(out.logits.data) }));`;
  const r = await runNode(code);
  assert.is(r.signal, null, `child died with ${r.signal}: ${r.stderr.slice(-500)}`);
  assert.is(r.code, 0, r.stderr.slice(-500));
  const { results, main } = lastJson(r.stdout);
  assert.is(main.length, 20);
  for (const { exitCode, msg } of results) {
    assert.is(exitCode, 0);
    assert.is(msg.same, true);
    closeTo(msg.logits, main, { rtol: 1e-6, what: 'worker logits vs main-thread logits' });
  }
});

test('process.exit() with runs pending exits cleanly (code 0)', async () => {
  for (const delay of [0, 5]) {
    const code = `
      const { InferenceSession, Tensor } = await import(${JSON.stringify(DIST_URL)});
      const s = await InferenceSession.create(${JSON.stringify(MLP)});
      const x = new Tensor('float32', new Float32Array(256 * 256).fill(0.25), [256, 256]);
      for (let i = 0; i < 20; i++) s.run({ x }, { mode: 'async' }).catch((e) => console.log('rejected', e.code));
      console.log('pending', s.pendingRuns);
      setTimeout(() => process.exit(0), ${delay});`;
    const r = await runNode(code);
    assert.is(r.signal, null, `delay ${delay}: child died with ${r.signal}: ${r.stderr.slice(-500)}`);
    assert.is(r.code, 0, `delay ${delay}: ${r.stderr.slice(-500)}`);
    assert.match(r.stdout, /pending 20/);
  }
});

test.run();
