// The paired comparison behind the adaptive schedule's moves and the layout probe
// (lib/batching/schedules/compare.ts): what it decides from A B A windows. Plain numbers in, a
// verdict out (1 adopt, -1 reject, 0 another pair): no clock, no model.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MARGIN, MAX_PAIRS, PairedComparison } from '../../dist/batching/schedules/compare.js';

const w = (rowsPerSecond, latencyMs = 10) => ({ rowsPerSecond, latencyMs, meanBatchRows: 4, rowsInSystem: 32, batches: 40, ms: 100 });

/** Feeds pairs (current at 1000 rows/s, candidate at `ratio` of it) until a verdict; returns it and the pairs used. */
function decide(comparison, ratios) {
  for (const [i, r] of ratios.entries()) {
    const v = comparison.add(w(1000), w(1000 * r), w(1000), false);
    if (v !== 0 || i === ratios.length - 1) return { verdict: v, pairs: comparison.pairs };
  }
}

test('a candidate better by more than the margin in two pairs of two is adopted', () => {
  assert.equal(decide(new PairedComparison(Infinity), [1 + 2 * MARGIN, 1 + 2 * MARGIN]), { verdict: 1, pairs: 2 });
});

test('a candidate clearly worse is dropped after one pair', () => {
  assert.equal(decide(new PairedComparison(Infinity), [1 - 2 * MARGIN]), { verdict: -1, pairs: 1 });
});

test('as fast, same latency: kept out by default, adopted when ties go to the candidate (a smaller batch)', () => {
  const slightlySlower = [1 - MARGIN / 4, 1 - MARGIN / 4, 1 - MARGIN / 4];
  const plain = decide(new PairedComparison(Infinity), slightlySlower);
  assert.is(plain.verdict, -1);
  const tie = decide(new PairedComparison(Infinity, true), slightlySlower);
  assert.equal(tie, { verdict: 1, pairs: 2 }, 'two pairs decide');
  // A gain below the margin: the same.
  assert.is(decide(new PairedComparison(Infinity), [1 + MARGIN / 2, 1 + MARGIN / 2, 1 + MARGIN / 2]).verdict, -1);
  assert.is(decide(new PairedComparison(Infinity, true), [1 + MARGIN / 2, 1 + MARGIN / 2]).verdict, 1);
});

test('ties to the candidate never adopt one slower by more than half the margin, nor on one pair', () => {
  const c = new PairedComparison(Infinity, true);
  assert.is(c.add(w(1000), w(1000), w(1000), false), 0, 'one pair is not enough');
  const slower = decide(new PairedComparison(Infinity, true), Array(MAX_PAIRS).fill(1 - 0.75 * MARGIN));
  assert.is(slower.verdict, -1);
  assert.is(slower.pairs, MAX_PAIRS);
});

test('a preferred candidate one pair shows clearly (not far) worse gets a second pair; far worse is dropped at once', () => {
  const unlucky = decide(new PairedComparison(Infinity, true), [1 - 2 * MARGIN, 1 + MARGIN / 2, 1 + MARGIN / 2]);
  assert.equal(unlucky, { verdict: 1, pairs: 3 }, 'one bad window does not decide');
  assert.equal(decide(new PairedComparison(Infinity, true), [1 - 2 * MARGIN, 1 - 2 * MARGIN]), { verdict: -1, pairs: 2 });
  assert.equal(decide(new PairedComparison(Infinity, true), [1 - 5 * MARGIN]), { verdict: -1, pairs: 1 });
  assert.equal(decide(new PairedComparison(Infinity), [1 - 2 * MARGIN]), { verdict: -1, pairs: 1 }, 'others: at once');
});

test('under a latency target, meeting it still decides before any tie', () => {
  const c = new PairedComparison(20, true);
  // The candidate as fast but missing the 20 ms target, the current choice meeting it.
  const a = c.add(w(1000, 15), w(1000, 25), w(1000, 15), false);
  const b = c.add(w(1000, 15), w(1000, 25), w(1000, 15), false);
  assert.equal([a, b], [0, -1]);
});

test.run();
