// The adaptive schedule (the Batcher's default) finds the right batch size and batches in flight
// on models where the right answer is known: synthetic targets whose cost per batch the test sets
// (test/batching/virtual-time.mjs), run on a fake clock so every run decides the same way. Each
// case checks the choice it settles on, what stats() reports about it, and its throughput against
// the optimum — worked out from the cost, and found by sweeping fixed settings like
// `bench/batching.mjs --sweep` does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher } from '../../dist/index.js';
import { bestFixed, closedLoop, CostTarget, installClock, linear } from './virtual-time.mjs';

let clock;
test.before.each(() => {
  clock = installClock();
});
test.after.each(() => clock.uninstall());

/** Fake timers run a setImmediate 1 ms after the timer that scheduled it: one dispatch turn costs 1 ms of virtual time. */
const TURN = 1;

/** Learns for `learnMs`, then measures `measureMs`: rows per second and the schedule's report. */
async function adaptive(target, callers, learnMs, measureMs) {
  const b = new Batcher(target);
  await closedLoop(clock, b, callers, learnMs);
  const r = await closedLoop(clock, b, callers, measureMs);
  const report = b.stats().schedule;
  await b.close();
  return { perSecond: r.perSecond, report, errors: r.errors };
}

test('fixed cost per batch (10 ms + 1 ms a row) on 2 parallel runs: 2 in flight, all 32 callers split in two', async () => {
  // With cost a + b·rows on P runs, C callers: X(k) = C ÷ (a + b·C/k) grows with k up to P, and
  // past P every batch is smaller for the same P runs: the optimum is k = P, batches of C/P.
  const optimum = (2 * 16) / ((10 + 16 + TURN) / 1000);
  const { perSecond, report, errors } = await adaptive(new CostTarget({ cost: linear(10, 1), parallel: 2 }), 32, 5000, 10_000);
  assert.equal(errors, {});
  assert.is(report.name, 'adaptive');
  assert.is(report.inflightBatches, 2);
  assert.is(report.measured.meanBatchRows, 16);
  assert.ok(report.batchSizeCap >= 16, `cap ${report.batchSizeCap} lets the batches of 16 form`);
  assert.ok(perSecond >= 0.95 * optimum, `${perSecond.toFixed(0)} rows/s vs optimum ${optimum.toFixed(0)}`);
  // What stats() says it measured is what happened.
  assert.ok(Math.abs(report.measured.rowsPerSecond / perSecond - 1) < 0.05, `measured ${report.measured.rowsPerSecond}`);
  assert.ok(Math.abs(report.measured.rowsInSystem - 32) < 1e-9, 'all 32 callers are in the system');
  assert.ok(report.measured.latencyMs >= 26 && report.measured.latencyMs < 30, `latency ${report.measured.latencyMs}`);
  assert.ok(Math.abs(report.cost.perRowMs * 16 + report.cost.fixedMs - 26) < 1, 'the fitted cost predicts a batch of 16');
  assert.ok(report.probes >= 2, 'it measured neighbours before settling');
  assert.is(report.phase, 'settled');
});

test('4 parallel runs: 4 in flight (the hint), 12 rows each', async () => {
  const optimum = (4 * 12) / ((20 + 24 + TURN) / 1000);
  const { perSecond, report } = await adaptive(new CostTarget({ cost: linear(20, 2), parallel: 4 }), 48, 5000, 10_000);
  assert.is(report.inflightBatches, 4);
  assert.is(report.measured.meanBatchRows, 12);
  assert.ok(perSecond >= 0.95 * optimum, `${perSecond.toFixed(0)} rows/s vs optimum ${optimum.toFixed(0)}`);
});

test('cost per row that grows with the batch: the cap comes down to single rows, at least 90 % of the swept best', async () => {
  // 4 ms × rows × (1 + 0.1 (rows − 1)): a row costs least alone, so batches of 1 on both runs.
  const target = () => new CostTarget({ cost: (r) => 4 * r * (1 + 0.1 * (r - 1)), parallel: 2 });
  const optimum = 2 / ((4 + TURN) / 1000);
  const { perSecond, report } = await adaptive(target(), 16, 10_000, 10_000);
  assert.ok(report.batchSizeCap <= 2, `cap ${report.batchSizeCap}`);
  assert.ok(report.measured.meanBatchRows <= 2);
  assert.ok(report.changes >= 2, 'it moved the cap down step by step');
  assert.ok(perSecond >= 0.9 * optimum, `${perSecond.toFixed(0)} rows/s vs optimum ${optimum.toFixed(0)}`);
  const best = await bestFixed(clock, target, 16, 5000, [1, 2, 4, 8, 16], [2, 3, 4]);
  assert.ok(perSecond >= 0.9 * best.perSecond, `${perSecond.toFixed(0)} vs swept best ${JSON.stringify(best)}`);
});

test('JS work that a queued batch can overlap: above the hint (1), where the measurements show it helps', async () => {
  // One run at a time (2 ms a row) after a 10 ms serial stage per batch (merge/split work):
  // 1 in flight alternates the two (C ÷ (10 + 2C)); 2 in flight overlaps them and the run is
  // busy all the time (0.5 rows/ms).
  const target = () => new CostTarget({ cost: (r) => 2 * r, parallel: 1, serial: () => 10 });
  const { perSecond, report } = await adaptive(target(), 32, 5000, 10_000);
  assert.ok(report.inflightBatches >= 2, `${report.inflightBatches} in flight`);
  const oneInFlight = 32 / ((10 + 2 * 32) / 1000);
  assert.ok(perSecond >= 0.95 * 500, `${perSecond.toFixed(0)} rows/s vs optimum 500`);
  assert.ok(perSecond > 1.1 * oneInFlight, `better than the hint's ${oneInFlight.toFixed(0)}`);
  const best = await bestFixed(clock, target, 32, 5000, [4, 8, 16, 32], [1, 2, 3, 4]);
  assert.ok(perSecond >= 0.9 * best.perSecond, `${perSecond.toFixed(0)} vs swept best ${JSON.stringify(best)}`);
});

test('the same load twice decides the same way (nothing depends on wall-clock time)', async () => {
  const run = () => adaptive(new CostTarget({ cost: (r) => 3 + 2 * r * (1 + 0.05 * r), parallel: 2 }), 24, 4000, 2000);
  const a = await run();
  const b = await run();
  assert.equal(a.report, b.report);
  assert.is(a.perSecond, b.perSecond);
});

test.run();
