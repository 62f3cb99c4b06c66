// The adaptive schedule on expensive batches (PP-OCR det on a CPU: ~80 ms a row, the same per row
// in any batch, and JS work per batch — merging and splitting 4.9 MB a row — that a batch queued
// behind the running ones hides). Here exploring costs most: a window of a few rounds of batches
// lasts a second, and a second at a worse choice is a second of lost throughput. Synthetic target
// on a fake clock (virtual-time.mjs): deterministic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher } from '../../dist/index.js';
import { bestFixed, closedLoop, CostTarget, installClock } from './virtual-time.mjs';

let clock;
test.before.each(() => {
  clock = installClock();
});
test.after.each(() => clock.uninstall());

/** 80 ms a row on 2 parallel runs, after 10 ms a row of serial JS work: best is single rows, 3 in flight. */
const detLike = () => new CostTarget({ cost: (r) => 80 * r, parallel: 2, serial: (r) => 10 * r });
const CALLERS = 8;

const choice = (r) => `${r.batchSizeCap}×${r.inflightBatches}`;

/** Runs `callers` from a cold start for `ms`, sampling the schedule's report every 100 ms. */
async function fromCold(target, callers, ms) {
  const b = new Batcher(target);
  const reports = [];
  const end = performance.now() + ms;
  const sample = () => {
    reports.push({ at: performance.now(), ...b.stats().schedule });
    if (performance.now() + 100 < end) setTimeout(sample, 100);
  };
  setTimeout(sample, 100);
  const r = await closedLoop(clock, b, callers, ms);
  await b.close();
  return { ...r, reports };
}

test('from a cold start: 10 s at ≥ 95 % of the swept best, reached within 2 s, ≤ 40 % of the time elsewhere', async () => {
  const best = await bestFixed(clock, detLike, CALLERS, 10_000, [1, 2, 4, 8], [2, 3, 4]);
  assert.equal([best.cap, best.slots], [1, 3], `the sweep's best: ${JSON.stringify(best)}`);
  const t0 = performance.now();
  const { perSecond, reports, errors } = await fromCold(detLike(), CALLERS, 10_000);
  assert.equal(errors, {});
  assert.ok(perSecond >= 0.95 * best.perSecond, `${perSecond.toFixed(1)} rows/s vs swept best ${JSON.stringify(best)}`);
  const at = (r) => r.batchSizeCap === best.cap && r.inflightBatches === best.slots;
  // The first four batches (4 rows, 330 ms) bring the cap down to single rows at once.
  assert.ok(reports.find((r) => r.batchSizeCap === 1).at - t0 <= 1000, 'the cap comes down with the first completions');
  assert.ok(reports.find(at).at - t0 <= 2000, `the best choice by 2 s: ${reports.map(choice).join(' ')}`);
  // Neighbours measured no better are dropped after one pair of long windows.
  const elsewhere = reports.filter((r) => !at(r)).length / reports.length;
  assert.ok(elsewhere <= 0.4, `${(100 * elsewhere).toFixed(0)} % of the time at other choices: ${reports.map(choice).join(' ')}`);
  const last = reports.at(-1);
  assert.ok(at(last) && last.phase === 'settled', `settled at the best: ${JSON.stringify(last)}`);
});

test('long batches whose rows get cheaper in larger ones (a GPU): the cap goes back up as the fitted line shows it', async () => {
  // 60 ms a batch + 5 ms a row on one run at a time: a batch of 32 answers 0.15 rows/ms, a row alone 0.015.
  const gpuLike = () => new CostTarget({ cost: (r) => 60 + 5 * r, parallel: 1 });
  const best = await bestFixed(clock, gpuLike, 32, 10_000, [1, 4, 16, 32], [1, 2]);
  assert.is(best.cap, 32);
  const { perSecond, reports } = await fromCold(gpuLike(), 32, 10_000);
  const caps = reports.map((r) => r.batchSizeCap);
  assert.ok(Math.min(...caps.slice(0, 10)) < 32, `the first guess cuts the cap: ${caps.join(' ')}`);
  assert.ok(
    caps.slice(10).every((c) => c >= 16),
    `and the line puts it back at once: ${caps.join(' ')}`,
  );
  assert.ok(perSecond >= 0.95 * best.perSecond, `${perSecond.toFixed(1)} rows/s vs swept best ${JSON.stringify(best)}`);
});

test("a cheap model whose first runs pay for the session's warm-up (100 ms each): the start is not cut", async () => {
  let n = 0;
  const b = new Batcher(new CostTarget({ cost: (r) => (n++ < 2 ? 100 : 10 + r), parallel: 2 }));
  await closedLoop(clock, b, 32, 5000);
  const s = b.stats().schedule;
  assert.is(s.inflightBatches, 2);
  assert.is(s.measured.meanBatchRows, 16, `batches of 16: ${JSON.stringify(s)}`);
  assert.is(s.changes, 0, 'nothing to climb back from');
  await b.close();
});

test.run();
