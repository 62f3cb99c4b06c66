// The adaptive schedule never makes a lone request wait for company: it runs at once, before,
// during and after the schedule learns, whatever batch size it chose under load. (The fixed
// schedule with maxQueueDelayMs is the contrast: it waits.) Fake clock and a synthetic target.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher } from '../../dist/index.js';
import { closedLoop, CostTarget, installClock, linear, row } from './virtual-time.mjs';

let clock;
test.before.each(() => {
  clock = installClock();
});
test.after.each(() => clock.uninstall());

/** One dispatch turn costs 1 ms of virtual time under fake timers (see adaptive-converges). */
const TURN = 1;

/** The latency of one request sent alone, in virtual ms. */
async function alone(b, v = 0) {
  const t0 = performance.now();
  let at;
  const p = b.run(row(v)).then((out) => {
    at = performance.now() - t0;
    return out;
  });
  await clock.tickAsync(500);
  assert.is((await p).y.data[0], v + 1);
  return at;
}

test('a lone request runs at once: its latency is the cost of a batch of one', async () => {
  const b = new Batcher(new CostTarget({ cost: linear(10, 1), parallel: 2 }));
  for (let i = 0; i < 5; i++) assert.is(await alone(b, i), 11, `request ${i}`);
  assert.is(b.stats().queueWaitMs.max <= TURN, true);
  await b.close();
  const waits = new Batcher(new CostTarget({ cost: linear(10, 1), parallel: 2 }), { maxQueueDelayMs: 20 });
  assert.is(await alone(waits), 20 + 11, 'the fixed schedule waited maxQueueDelayMs for company');
  await waits.close();
});

test('one caller in a loop: every request alone, none delayed, nothing to learn', async () => {
  const target = new CostTarget({ cost: linear(10, 1), parallel: 2 });
  const b = new Batcher(target);
  const r = await closedLoop(clock, b, 1, 5000);
  assert.ok(target.batches.every((rows) => rows === 1));
  assert.ok(Math.abs(r.perSecond - 1000 / (11 + TURN)) < 2, `${r.perSecond} requests/s`);
  assert.is(b.stats().schedule.phase, 'light');
  assert.is(b.stats().schedule.probes, 0, 'no probing without load');
  await b.close();
});

test('after heavy load has set a large batch cap and more slots, a lone request still runs at once', async () => {
  const b = new Batcher(new CostTarget({ cost: (r) => 2 * r, parallel: 1, serial: () => 10 }));
  await closedLoop(clock, b, 32, 8000);
  const s = b.stats().schedule;
  assert.ok(s.inflightBatches >= 2 && s.batchSizeCap >= 8, `learned ${s.batchSizeCap} x ${s.inflightBatches}`);
  await clock.tickAsync(10_000);
  assert.is(await alone(b), 10 + 2, 'the serial stage and one row');
  await b.close();
});

test('during a probe of smaller batches a lone request is not held back either', async () => {
  const target = new CostTarget({ cost: linear(10, 1), parallel: 2 });
  const b = new Batcher(target);
  // 8 callers keep it probing; one more request arriving while they run is batched with them at once.
  let stop = false;
  const loop = async (id) => {
    while (!stop) await b.run(row(id));
  };
  const loops = Array.from({ length: 8 }, (_, i) => loop(i));
  await clock.tickAsync(3000);
  const t0 = performance.now();
  let at;
  const p = b.run(row(99)).then(() => (at = performance.now() - t0));
  await clock.tickAsync(200);
  await p;
  // It waited at most for a slot (one batch of the others) and then ran in the next batch.
  assert.ok(at <= 2 * (10 + 8) + 2 * TURN, `answered after ${at} ms`);
  stop = true;
  await clock.runAllAsync();
  await Promise.all(loops);
  await b.close();
});

test.run();
