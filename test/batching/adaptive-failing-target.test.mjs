// The adaptive schedule and a target that fails: failed batches reject their requests (with the
// runtime's error) and teach the schedule nothing — it keeps its choice while the target is down,
// still answers every request at once, and resumes at full speed when the target recovers. A
// target that fails now and then does not throw it off either. Fake clock, synthetic target.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher } from '../../dist/index.js';
import { closedLoop, CostTarget, installClock, linear } from './virtual-time.mjs';

let clock;
test.before.each(() => {
  clock = installClock();
});
test.after.each(() => clock.uninstall());

const TURN = 1;
const optimum = (2 * 16) / ((26 + TURN) / 1000);

test('a target that is down for a while: requests rejected with ERR_RUNTIME, the choice held, full speed after', async () => {
  let down = false;
  const target = new CostTarget({ cost: linear(10, 1), parallel: 2, fail: () => down });
  const b = new Batcher(target);
  await closedLoop(clock, b, 32, 5000);
  const before = b.stats().schedule;
  down = true;
  // Failing fast would look like a very fast model: the cost still applies, but the results are errors.
  const failing = await closedLoop(clock, b, 32, 5000);
  assert.is(failing.answered, 0);
  assert.ok(failing.errors.ERR_RUNTIME > 100, `${failing.errors.ERR_RUNTIME} rejected`);
  const during = b.stats().schedule;
  assert.is(during.inflightBatches, before.inflightBatches);
  assert.is(during.batchSizeCap, before.batchSizeCap);
  assert.is(during.changes, before.changes, 'nothing learned from failures');
  assert.equal(during.measured, before.measured, 'no measurement made of failed batches');
  down = false;
  const after = await closedLoop(clock, b, 32, 5000);
  assert.equal(after.errors, {});
  assert.ok(after.perSecond >= 0.9 * optimum, `${after.perSecond.toFixed(0)} rows/s after recovery`);
  assert.is(b.stats().failedBatches > 0, true);
  await b.close();
});

test('one batch in ten fails: the rest still converge on the optimum', async () => {
  const target = new CostTarget({ cost: linear(10, 1), parallel: 2, fail: (n) => n % 10 === 9 });
  const b = new Batcher(target);
  await closedLoop(clock, b, 32, 5000);
  const r = await closedLoop(clock, b, 32, 10_000);
  const s = b.stats().schedule;
  assert.is(s.inflightBatches, 2);
  assert.is(s.measured.meanBatchRows, 16);
  assert.ok(r.errors.ERR_RUNTIME > 0);
  assert.ok(r.perSecond >= 0.85 * optimum, `${r.perSecond.toFixed(0)} rows/s answered`);
  await b.close();
});

test.run();
