// maxLatencyMs: the adaptive schedule keeps each batch's predicted compute time within half the
// target (from its fitted cost line), so a request that waits for one batch ahead of it still
// makes the target; and where the load allows, the measured latency meets it. Without a target
// the same load runs full batches. Fake clock and a synthetic target.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher } from '../../dist/index.js';
import { closedLoop, CostTarget, installClock, linear } from './virtual-time.mjs';

let clock;
test.before.each(() => {
  clock = installClock();
});
test.after.each(() => clock.uninstall());

test('batches stay within half the target: 10 ms + 1 ms a row, target 40 ms → at most 10 rows', async () => {
  const free = new CostTarget({ cost: linear(10, 1), parallel: 2 });
  const unbounded = new Batcher(free);
  await closedLoop(clock, unbounded, 64, 5000);
  assert.is(Math.max(...free.batches), 32, 'no target: full batches of 32');
  await unbounded.close();

  const target = new CostTarget({ cost: linear(10, 1), parallel: 2 });
  const b = new Batcher(target, { maxLatencyMs: 40 });
  await closedLoop(clock, b, 64, 5000);
  const from = target.batches.length;
  await closedLoop(clock, b, 64, 5000);
  const late = target.batches.slice(from);
  assert.ok(Math.max(...late) <= 10, `largest batch ${Math.max(...late)} rows (compute ${10 + Math.max(...late)} ms)`);
  const s = b.stats().schedule;
  assert.is(s.maxLatencyMs, 40);
  assert.ok(s.batchSizeCap <= 10, `cap ${s.batchSizeCap}`);
  assert.ok(Math.abs(s.cost.fixedMs - 10) < 1.5 && Math.abs(s.cost.perRowMs - 1) < 0.15, `fitted ${JSON.stringify(s.cost)}`);
  await b.close();
});

test('where the load allows it, the measured latency meets the target', async () => {
  const target = new CostTarget({ cost: linear(4, 2), parallel: 2 });
  const b = new Batcher(target, { maxLatencyMs: 30 });
  await closedLoop(clock, b, 12, 5000);
  const r = await closedLoop(clock, b, 12, 5000);
  const s = b.stats().schedule;
  assert.ok(s.measured.latencyMs <= 30, `mean latency ${s.measured.latencyMs} ms`);
  assert.ok(Math.max(...target.batches.slice(-50)) <= 5, 'batches of at most (15 − 4) ÷ 2 rows');
  assert.ok(r.perSecond > 0);
  await b.close();
});

test.run();
