// The Batcher's pluggable schedule (lib/batching/schedule.ts): resolved by name, 'adaptive' by
// default and 'fixed' when fixed settings are given, and the 'fixed' strategy decides exactly
// what the options say. The Batcher asks it with the queue's state and reports every finished
// batch to it. (The adaptive schedule's behaviour: adaptive-*.test.mjs.)
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

test("names: 'adaptive' is the default, fixed settings select 'fixed'; misplaced options and unknown names are refused", async () => {
  assert.equal(SCHEDULE_NAMES, ['adaptive', 'fixed']);
  const s = await InferenceSession.create(model('demo.onnx'));
  const name = (options) => {
    const b = new Batcher(s, options);
    const n = b.stats().config.schedule;
    assert.is(b.stats().schedule.name, n);
    b.close();
    return n;
  };
  const refused = (options, message) =>
    assert.throws(
      () => new Batcher(s, options),
      (e) => e.code === 'ERR_INVALID_ARGUMENT' && e.message === message,
    );
  try {
    assert.is(name(undefined), 'adaptive');
    assert.is(name({ maxBatchSize: 16, maxLatencyMs: 50 }), 'adaptive', 'maxBatchSize bounds the adaptive schedule');
    assert.is(name({ maxQueueDelayMs: 2 }), 'fixed');
    assert.is(name({ preferredBatchSizes: [4] }), 'fixed');
    assert.is(name({ maxInflightBatches: 3 }), 'fixed');
    assert.is(name({ schedule: 'adaptive', maxInflightBatches: 3 }), 'adaptive', 'with adaptive, maxInflightBatches is its bound');
    assert.is(name({ schedule: 'fixed' }), 'fixed');
    refused(
      { schedule: 'adaptive', maxQueueDelayMs: 2 },
      "expected no maxQueueDelayMs with schedule 'adaptive' (it applies to the fixed schedule) for Batcher option maxQueueDelayMs, received number 2",
    );
    assert.is(name({ maxInflightBatches: 2, maxLatencyMs: 20 }), 'adaptive', 'a latency target asks for adaptive');
    refused(
      { maxQueueDelayMs: 1, maxLatencyMs: 20 },
      "expected no maxLatencyMs with schedule 'fixed' (it applies to the adaptive schedule) for Batcher option maxLatencyMs, received number 20",
    );
    refused({ maxLatencyMs: 0 }, 'expected a time above 0 ms for Batcher option maxLatencyMs, received number 0');
    refused({ schedule: 'greedy' }, `expected 'adaptive' or 'fixed' for Batcher option schedule, received string "greedy"`);
  } finally {
    await s.release();
  }
});

test('in-flight bound: the hint for the fixed schedule, 2 × hint + 2 for the adaptive one, which starts at the hint', async () => {
  const target = (parallelism) => ({
    inputNames: ['x'],
    outputNames: ['y'],
    inputMetadata: [{ name: 'x', isTensor: true, type: 'float32', shape: ['batch', 2] }],
    outputMetadata: [{ name: 'y', isTensor: true, type: 'float32', shape: ['batch', 2] }],
    parallelism,
    run: async (f) => ({ y: f.x }),
    release: async () => {},
  });
  for (const [hint, fixed, bound] of [
    [undefined, 1, 4],
    [1, 1, 4],
    [3, 3, 8],
    [600, 600, 1024],
  ]) {
    const f = new Batcher(target(hint), { schedule: 'fixed' });
    assert.is(f.maxInflightBatches, fixed);
    assert.equal(f.stats().schedule, { name: 'fixed', batchSizeCap: 32, inflightBatches: fixed });
    const a = new Batcher(target(hint));
    assert.is(a.maxInflightBatches, bound);
    assert.is(a.stats().config.maxInflightBatches, bound);
    assert.is(a.stats().schedule.inflightBatches, Math.min(hint ?? 1, bound), 'starts at the hint');
    assert.is(a.stats().schedule.batchSizeCap, 32);
    await Promise.all([f.close(), a.close()]);
  }
  const capped = new Batcher(target(3), { schedule: 'adaptive', maxInflightBatches: 2 });
  assert.is(capped.stats().schedule.inflightBatches, 2, 'never above the bound');
  await capped.close();
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
