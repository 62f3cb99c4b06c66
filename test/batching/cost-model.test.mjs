// The adaptive schedule's parts, alone: the cost line it fits to batches (recovers a known fixed
// and per-row cost, falls back to a proportional fit when every batch has one size, forgets old
// batches), and the price of its own work, which runs on the JS thread once per batch.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { resolveSchedule } from '../../dist/batching/schedule.js';
import { CostModel } from '../../dist/batching/schedules/cost-model.js';

test('fit: recovers fixed and per-row cost from batches of varied size', () => {
  const m = new CostModel();
  for (let i = 0; i < 40; i++) {
    const rows = 1 + ((i * 7) % 16);
    m.add(rows, 3 + 0.5 * rows);
  }
  assert.ok(Math.abs(m.fixedMs - 3) < 1e-6 && Math.abs(m.perRowMs - 0.5) < 1e-6, `${m.fixedMs} + ${m.perRowMs}·rows`);
  assert.ok(Math.abs(m.predict(10) - 8) < 1e-6);
  assert.is(m.rowsWithin(8), 10);
  assert.is(m.rowsWithin(1), 1, 'at least one row, even when one row does not fit');
});

test('fit: one batch size only → proportional (never underestimates a larger batch); old batches fade', () => {
  const m = new CostModel();
  assert.is(m.rowsWithin(10), Infinity, 'no batch yet: no limit');
  for (let i = 0; i < 30; i++) m.add(8, 12);
  assert.is(m.fixedMs, 0);
  assert.ok(Math.abs(m.perRowMs - 1.5) < 1e-9);
  // The true line was 4 + 1·rows: at 16 rows 20 ms; the proportional fit says 24.
  assert.ok(m.predict(16) >= 20);
  for (let i = 0; i < 200; i++) m.add(8, 24); // the model got twice as slow
  assert.ok(Math.abs(m.perRowMs - 3) < 0.01, `${m.perRowMs} after the change`);
  m.add(0, 5);
  m.add(4, Number.NaN);
  assert.ok(Math.abs(m.perRowMs - 3) < 0.01, 'junk samples are ignored');
});

test("the schedule's own work is O(1) per batch: 200,000 decisions and completions in well under a second", () => {
  const s = resolveSchedule('adaptive', {
    maxBatchSize: 32,
    maxQueueDelayMs: 0,
    preferredBatchSizes: [],
    maxInflightBatches: 6,
    targetParallelism: 2,
    maxLatencyMs: 50,
  });
  const state = {
    now: 0,
    maxBatchSize: 32,
    maxInflightBatches: 6,
    inflightBatches: 1,
    inflightRows: 16,
    queuedRequests: 16,
    queuedRows: 16,
    flushing: false,
  };
  const group = { rows: 16, requests: 16, oldestEnqueuedAt: 0 };
  const sample = { rows: 16, requests: 16, computeMs: 26, maxQueueWaitMs: 1, totalQueueWaitMs: 8, startedBehind: 1, failed: false };
  const t0 = performance.now();
  let rows = 0;
  for (let i = 0; i < 200_000; i++) {
    state.now = i * 13;
    s.inflightLimit(state);
    rows += s.batchSize(group, state);
    s.completed(sample, state);
  }
  const ms = performance.now() - t0;
  assert.ok(rows > 0);
  assert.ok(ms < 1000, `${ms.toFixed(0)} ms for 200,000 batches (${((1000 * ms) / 200_000).toFixed(2)} µs each)`);
  assert.ok(s.report().probes > 0, 'it searched meanwhile');
});

test.run();
