// A running batch that no request waits for any more is stopped in the runtime: its requests
// left (each aborted by its signal, or, with timeoutScope 'request', past its deadline), so the
// run would only hold its session for an answer nobody reads. Real runs of a slow Iris (a Loop of
// MatMul + Tanh before the classifier, sized here to take ~600 ms), on one session. A batch that
// still holds a waiting request runs on for it; fast models' batches get no signal at all.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher, InferenceSession, Tensor } from '../../dist/index.js';
import { slowIrisBytes } from '../../tools/iris-variants.mjs';
import { IRIS } from '../server/helpers.mjs';

const row = () => ({ features: new Tensor('float32', Float32Array.of(5.1, 3.5, 1.4, 0.2), [1, 4]) });

/** Loop iterations for a run of about `ms` here: the fastest of a few probes (a busy machine makes the run longer, never shorter). */
async function iterationsFor(ms) {
  const probe = 20_000;
  const s = await InferenceSession.create(slowIrisBytes(probe));
  try {
    let fastest = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await s.run(row());
      fastest = Math.min(fastest, performance.now() - t0);
    }
    return Math.max(probe, Math.ceil((ms * probe) / fastest));
  } finally {
    await s.release();
  }
}

const FULL_MS = 600;
const model = slowIrisBytes(await iterationsFor(FULL_MS));

/** A Batcher on its own session of the slow model, with its batch events; one warm-up and one measured batch already run. */
async function slowBatcher(options) {
  const session = await InferenceSession.create(model);
  const b = new Batcher(session, { ownsTarget: true, ...options });
  const batches = [];
  b.on('batch', (e) => batches.push(e));
  await b.run(row(), { timeoutMs: Infinity });
  await b.run(row(), { timeoutMs: Infinity });
  return { b, batches };
}

/** Settles `p` to { value } or { error }, with the time it took. */
async function outcome(p) {
  const t0 = performance.now();
  try {
    return { value: await p, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

test("timeoutScope 'request': a lone run past its deadline rejects ERR_TIMEOUT then, and its run stops", async () => {
  const { b, batches } = await slowBatcher({ timeoutScope: 'request', timeoutMs: 150 });
  const full = batches[1].computeMs;
  assert.ok(full >= 300, `a full run takes long enough to see it cut (${full.toFixed(0)} ms)`);
  const r = await outcome(b.run(row()));
  assert.is(r.error?.code, 'ERR_TIMEOUT');
  assert.match(r.error.message, /while its batch was running \(timeoutScope 'request'\)/);
  assert.ok(r.ms < full * 0.6, `answered at the deadline (${r.ms.toFixed(0)} ms), not when the run would end (${full.toFixed(0)} ms)`);
  await b.run(row(), { timeoutMs: Infinity }); // the session is free again
  const cut = batches[2];
  assert.is(cut.cancelled, true, 'the batch event says the run was cancelled');
  assert.is(cut.error, undefined, 'a cancelled run is not a failed one');
  assert.ok(cut.computeMs < full * 0.6, `the run stopped early (${cut.computeMs.toFixed(0)} of ${full.toFixed(0)} ms)`);
  const st = b.stats();
  assert.is(st.cancelledBatches, 1);
  assert.is(st.failedBatches, 0);
  assert.is(st.rejected.ERR_TIMEOUT, 1);
  await b.close();
});

test("timeoutScope 'queue' (the default): a run that outlives the timeout still answers, and is never cut", async () => {
  const { b, batches } = await slowBatcher({ timeoutMs: 150 });
  const r = await outcome(b.run(row()));
  assert.is(r.error, undefined);
  assert.is(r.value.probabilities.dims[0], 1);
  assert.is(batches[2].cancelled, undefined);
  assert.is(b.stats().cancelledBatches, 0);
  await b.close();
});

test('a running request aborted by its signal: answered ERR_ABORTED at once, and its run stops', async () => {
  const { b, batches } = await slowBatcher({});
  const full = batches[1].computeMs;
  const ac = new AbortController();
  const p = outcome(b.run(row(), { signal: ac.signal }));
  setTimeout(() => ac.abort(), 100);
  const r = await p;
  assert.is(r.error?.code, 'ERR_ABORTED');
  assert.ok(r.ms < full * 0.6, `answered when aborted (${r.ms.toFixed(0)} ms)`);
  await b.run(row());
  assert.is(batches[2].cancelled, true);
  assert.ok(batches[2].computeMs < full * 0.6, `the run stopped early (${batches[2].computeMs.toFixed(0)} of ${full.toFixed(0)} ms)`);
  assert.is(b.stats().cancelledBatches, 1);
  await b.close();
});

test('a merged batch runs on while one of its requests still waits, and stops once the last one leaves', async () => {
  const { b, batches } = await slowBatcher({ timeoutScope: 'request', schedule: 'fixed', maxBatchSize: 3 });
  const full = batches[1].computeMs;
  // Three requests in one batch: one leaves at its deadline, one stays to the end.
  const early = outcome(b.run(row(), { timeoutMs: 100 }));
  const stays = outcome(b.run(row()));
  const ac = new AbortController();
  const aborted = outcome(b.run(row(), { signal: ac.signal }));
  setTimeout(() => ac.abort(), 150);
  const [e, s, a] = await Promise.all([early, stays, aborted]);
  assert.is(batches[2].rows, 3, 'the three ran as one batch');
  assert.is(e.error?.code, 'ERR_TIMEOUT');
  assert.is(a.error?.code, 'ERR_ABORTED');
  assert.is(s.error, undefined, 'the request still waiting got its answer');
  assert.is(s.value.probabilities.dims[0], 1);
  assert.is(batches[2].cancelled, undefined, 'that batch ran to the end');
  assert.ok(batches[2].computeMs > full * 0.6, `ran to the end (${batches[2].computeMs.toFixed(0)} ms)`);
  // Now two requests that both leave: the batch stops after the second one goes.
  const ac2 = new AbortController();
  const both = [outcome(b.run(row(), { timeoutMs: 80 })), outcome(b.run(row(), { signal: ac2.signal }))];
  setTimeout(() => ac2.abort(), 160);
  const [t, x] = await Promise.all(both);
  assert.is(t.error?.code, 'ERR_TIMEOUT');
  assert.is(x.error?.code, 'ERR_ABORTED');
  await b.run(row(), { timeoutMs: Infinity });
  assert.is(batches[3].rows, 2);
  assert.is(batches[3].cancelled, true);
  assert.ok(batches[3].computeMs < full * 0.6, `stopped once both had left (${batches[3].computeMs.toFixed(0)} ms)`);
  await b.close();
});

test('fast batches (under 2 ms) run without a cancel signal: no async-only run, no native RunOptions per batch', async () => {
  const session = await InferenceSession.create(IRIS);
  const seen = [];
  const target = {
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata,
    outputMetadata: session.outputMetadata,
    parallelism: 1,
    run: (feeds, options) => {
      seen.push(options?.signal !== undefined);
      return session.run(feeds, options);
    },
    release: () => session.release(),
  };
  const b = new Batcher(target, { timeoutScope: 'request', timeoutMs: 30_000, ownsTarget: true });
  for (let i = 0; i < 20; i++) await b.run(row());
  // The first batches (none measured yet) get one; once a batch measured under 2 ms, none does.
  assert.ok(seen[0], 'the first batch, before anything is measured, can be cancelled');
  assert.is(seen.slice(3).filter(Boolean).length, 0, `no signal after the first batches (${seen.join(',')})`);
  await b.close();
});

test('timeoutScope is validated', () => {
  assert.throws(
    () =>
      new Batcher(
        { inputNames: [], outputNames: [], inputMetadata: [], outputMetadata: [], run() {}, release() {} },
        { timeoutScope: 'run' },
      ),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /timeoutScope/.test(e.message),
  );
});

test.run();
