// The Batcher's pluggable schedule (lib/batching/schedule.ts): resolved by name, 'fixed' by
// default, and the 'fixed' strategy decides exactly what the options say. The Batcher asks it
// with the queue's state and reports every finished batch to it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher, InferenceSession, Tensor } from '../../dist/index.js';
import { SCHEDULE_NAMES, resolveSchedule } from '../../dist/batching/schedule.js';
import { model } from '../helpers/index.mjs';

const state = (over = {}) => ({
  now: 1000,
  maxBatchSize: 8,
  maxInflightBatches: 1,
  inflightBatches: 0,
  inflightRows: 0,
  queuedRequests: 1,
  queuedRows: 1,
  flushing: false,
  ...over,
});
const group = (rows, oldestEnqueuedAt = 1000) => ({ rows, requests: rows, oldestEnqueuedAt });

test("names: 'fixed' is registered and is the default; an unknown name is refused with the list", async () => {
  assert.equal(SCHEDULE_NAMES, ['fixed']);
  const s = await InferenceSession.create(model('demo.onnx'));
  try {
    const b = new Batcher(s);
    assert.is(b.stats().config.schedule, 'fixed');
    await b.close();
    assert.throws(
      () => new Batcher(s, { schedule: 'adaptive' }),
      (e) => e.code === 'ERR_INVALID_ARGUMENT' && e.message === `expected 'fixed' for Batcher option schedule, received string "adaptive"`,
    );
  } finally {
    await s.release();
  }
});

test('fixed: full batches and preferred sizes run at once; otherwise wait maxQueueDelayMs', () => {
  const options = { maxInflightBatches: 3, targetParallelism: 3, maxLatencyMs: Infinity };
  const f = resolveSchedule('fixed', { maxBatchSize: 8, maxQueueDelayMs: 5, preferredBatchSizes: [4, 2], ...options });
  assert.is(f.name, 'fixed');
  assert.is(f.inflightLimit(state({ maxInflightBatches: 3 })), 3, 'every slot');
  assert.equal(f.report(), { name: 'fixed', batchSizeCap: 8, inflightBatches: 3 });
  assert.is(f.batchSize(group(9), state()), 8);
  assert.is(f.batchSize(group(5), state()), 4, 'the largest reachable preferred size');
  assert.is(f.batchSize(group(3), state()), 2);
  assert.is(f.batchSize(group(1), state()), 0, 'a lone request waits');
  assert.is(f.wakeAt(group(1, 1000), state()), 1005);
  assert.is(f.batchSize(group(1, 1000), state({ now: 1005 })), 8, 'its delay is up');
  assert.is(f.batchSize(group(1), state({ flushing: true })), 8, 'draining runs everything');
  const eager = resolveSchedule('fixed', { maxBatchSize: 8, maxQueueDelayMs: 0, preferredBatchSizes: [], ...options });
  assert.is(eager.batchSize(group(1), state()), 8);
  assert.is(eager.wakeAt(group(1), state()), Infinity);
});

test('the Batcher follows the schedule: a lone request waits maxQueueDelayMs, company joins it', async () => {
  const s = await InferenceSession.create(model('demo.onnx'));
  const b = new Batcher(s, { maxQueueDelayMs: 40, maxBatchSize: 4 });
  try {
    const row = () => ({ features: new Tensor('float32', new Float32Array(4), [1, 4]) });
    const t0 = performance.now();
    const first = b.run(row());
    await new Promise((r) => setTimeout(r, 10));
    const second = b.run(row());
    await Promise.all([first, second]);
    const waited = performance.now() - t0;
    assert.is(b.stats().batches, 1, 'both requests shared the batch');
    assert.ok(waited >= 38, `ran after ${waited.toFixed(1)} ms`);
  } finally {
    await b.close();
    await s.release();
  }
});

test.run();
