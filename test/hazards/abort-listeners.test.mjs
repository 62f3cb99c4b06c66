// Hazard (issue 10): more than 10 concurrent runs on one AbortSignal printed
// MaxListenersExceededWarning (one 'abort' listener per run). Now a signal carries one listener,
// which fans out to every run and request waiting on it, and is removed when the last one ends.
import { getEventListeners } from 'node:events';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher, InferenceSession, Tensor } from '../../dist/index.js';
import { model } from '../helpers/index.mjs';

const warnings = [];
process.on('warning', (w) => warnings.push(w));

let s;
test.before(async () => {
  s = await InferenceSession.create(model('mlp_256_512_512_10.onnx'), { intraOpNumThreads: 1 });
});
test.after(async () => {
  await s.release();
});
const rows = (n) => new Tensor('float32', new Float32Array(n * 256).fill(0.25), [n, 256]);

test('50 concurrent runs on one signal: one listener, no warning, all complete; then none left', async () => {
  const ac = new AbortController();
  const runs = Array.from({ length: 50 }, () => s.run({ x: rows(1) }, { signal: ac.signal }));
  assert.is(getEventListeners(ac.signal, 'abort').length, 1);
  const out = await Promise.all(runs);
  assert.is(out.length, 50);
  await new Promise((r) => setImmediate(r));
  assert.equal(
    warnings.map((w) => w.name),
    [],
  );
  assert.is(getEventListeners(ac.signal, 'abort').length, 0, 'the listener is removed with the last run');
});

test('aborting a signal shared by 30 runs rejects every run still in flight with ERR_ABORTED', async () => {
  const ac = new AbortController();
  const runs = Array.from({ length: 30 }, () => s.run({ x: rows(512) }, { signal: ac.signal }));
  ac.abort(new Error('stop'));
  const settled = await Promise.allSettled(runs);
  const rejected = settled.filter((r) => r.status === 'rejected');
  assert.ok(rejected.length > 0, 'some runs were still running');
  for (const r of rejected) assert.is(r.reason.code, 'ERR_ABORTED');
  assert.equal(
    warnings.map((w) => w.name),
    [],
  );
});

test('30 Batcher requests on one signal: one listener; aborting rejects the queued ones', async () => {
  const b = new Batcher(s, { maxBatchSize: 4, maxInflightBatches: 1 });
  try {
    const ac = new AbortController();
    const reqs = Array.from({ length: 30 }, () => b.run({ x: rows(1) }, { signal: ac.signal }));
    assert.is(getEventListeners(ac.signal, 'abort').length, 1);
    ac.abort();
    const settled = await Promise.allSettled(reqs);
    assert.ok(settled.every((r) => r.status === 'rejected' && r.reason.code === 'ERR_ABORTED'));
    assert.is(getEventListeners(ac.signal, 'abort').length, 0);
    assert.equal(
      warnings.map((w) => w.name),
      [],
    );
  } finally {
    await b.close();
  }
});

test.run();
