// The adaptive schedule follows the load: a ramp from a couple of callers to many, an idle period
// and a burst, a model whose cost per row changes while it serves, far more callers than fit in
// the batches, and a noisy neighbour that slows the model down and up while it measures.
// Synthetic targets on a fake clock (virtual-time.mjs): deterministic.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher } from '../../dist/index.js';
import { closedLoop, CostTarget, installClock, linear, neighbour, row } from './virtual-time.mjs';

let clock;
test.before.each(() => {
  clock = installClock();
});
test.after.each(() => clock.uninstall());

/** One dispatch turn costs 1 ms of virtual time under fake timers (see adaptive-converges). */
const TURN = 1;
const superlinear = (r) => 4 * r * (1 + 0.1 * (r - 1));

test('a ramp from 2 to 32 callers: light load keeps the start, full load reaches the optimum', async () => {
  const b = new Batcher(new CostTarget({ cost: linear(10, 1), parallel: 2 }));
  const light = await closedLoop(clock, b, 2, 3000);
  assert.is(b.stats().schedule.phase, 'light', 'two callers on two slots: nothing to choose');
  assert.is(b.stats().schedule.probes, 0);
  assert.ok(Math.abs(light.perSecond - 2 / ((11 + TURN) / 1000)) < 5, 'each request ran alone, at once');
  for (const callers of [4, 8, 16]) await closedLoop(clock, b, callers, 2000);
  const full = await closedLoop(clock, b, 32, 8000);
  const s = b.stats().schedule;
  assert.is(s.inflightBatches, 2);
  assert.is(s.measured.meanBatchRows, 16);
  const optimum = (2 * 16) / ((26 + TURN) / 1000);
  assert.ok(full.perSecond >= 0.93 * optimum, `${full.perSecond.toFixed(0)} rows/s vs ${optimum.toFixed(0)}`);
  await b.close();
});

test('an idle period and a burst: the burst is spread over the slots at once; load that returns keeps its choice', async () => {
  const target = new CostTarget({ cost: linear(10, 1), parallel: 2 });
  const b = new Batcher(target);
  await closedLoop(clock, b, 32, 6000);
  const before = b.stats().schedule;
  await clock.tickAsync(60_000); // nothing for a minute
  const from = target.batches.length;
  const t0 = performance.now();
  const answered = Promise.all(Array.from({ length: 32 }, (_, i) => b.run(row(i)).then(() => performance.now() - t0)));
  await clock.tickAsync(1000);
  const burst = await answered;
  assert.equal(target.batches.slice(from), [16, 16], 'two batches of 16, side by side');
  assert.ok(Math.max(...burst) <= 26 + 2 * TURN, `answered after ${Math.max(...burst)} ms: no waiting`);
  const again = await closedLoop(clock, b, 32, 4000);
  const after = b.stats().schedule;
  assert.is(after.inflightBatches, before.inflightBatches);
  assert.ok(again.perSecond >= 0.9 * ((2 * 16) / ((26 + TURN) / 1000)), `${again.perSecond.toFixed(0)} rows/s after the pause`);
  assert.ok(after.measured.ms < 1000, 'the idle minute is not counted in a measurement window');
  await b.close();
});

test('a model whose cost per row changes while serving: the cap follows it down and back up', async () => {
  const target = new CostTarget({ cost: linear(10, 1), parallel: 2 });
  const b = new Batcher(target);
  await closedLoop(clock, b, 16, 5000);
  assert.is(b.stats().schedule.measured.meanBatchRows, 8, 'cheap rows: 16 callers in two batches of 8');
  // Now a row costs more the larger its batch (single rows are best).
  target.cost = superlinear;
  await closedLoop(clock, b, 16, 20_000);
  const down = b.stats().schedule;
  assert.ok(down.batchSizeCap <= 2, `cap ${down.batchSizeCap} after the change`);
  const late = await closedLoop(clock, b, 16, 5000);
  assert.ok(late.perSecond >= 0.85 * (2 / ((4 + TURN) / 1000)), `${late.perSecond.toFixed(0)} rows/s`);
  // And back: a large fixed cost per batch again.
  target.cost = linear(10, 1);
  await closedLoop(clock, b, 16, 30_000);
  const up = await closedLoop(clock, b, 16, 5000);
  const s = b.stats().schedule;
  assert.ok(s.batchSizeCap >= 8, `cap ${s.batchSizeCap} back up`);
  assert.ok(up.perSecond >= 0.9 * ((2 * 8) / ((18 + TURN) / 1000)), `${up.perSecond.toFixed(0)} rows/s`);
  await b.close();
});

test('256 callers on batches of at most 32: full batches on every slot, nobody refused', async () => {
  const b = new Batcher(new CostTarget({ cost: linear(10, 1), parallel: 2 }));
  await closedLoop(clock, b, 256, 5000);
  const r = await closedLoop(clock, b, 256, 5000);
  assert.equal(r.errors, {});
  const s = b.stats().schedule;
  assert.is(s.measured.meanBatchRows, 32);
  assert.ok(s.inflightBatches >= 2, 'every run busy (a third batch queued behind them hides the dispatch turn)');
  assert.ok(r.perSecond >= 0.95 * ((2 * 32) / ((42 + TURN) / 1000)), `${r.perSecond.toFixed(0)} rows/s`);
  await b.close();
});

test('a noisy neighbour (cost × 1 ± 30 %, a new level every 300 ms): the same choices as on a quiet machine', async () => {
  for (const seed of [1, 2, 3]) {
    const noisy = (cost) => new CostTarget({ cost, parallel: 2, slowdown: neighbour(seed, 0.3, 300) });
    const fixedCost = new Batcher(noisy(linear(10, 1)));
    await closedLoop(clock, fixedCost, 32, 15_000);
    const a = fixedCost.stats().schedule;
    assert.is(a.inflightBatches, 2, `seed ${seed}: slots`);
    assert.is(a.measured.meanBatchRows, 16, `seed ${seed}: batches of 16`);
    const growing = new Batcher(noisy(superlinear));
    await closedLoop(clock, growing, 16, 20_000);
    const b = growing.stats().schedule;
    assert.ok(b.batchSizeCap <= 2, `seed ${seed}: cap ${b.batchSizeCap}`);
    assert.ok(b.inflightBatches >= 2);
    await Promise.all([fixedCost.close(), growing.close()]);
  }
});

test.run();
