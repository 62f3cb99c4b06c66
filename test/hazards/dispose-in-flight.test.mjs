// tensor.dispose() of an output that a run in flight still uses — as its input, or as the
// fetches target ORT writes into. It used to free the memory at once: the run read reused arena
// memory (wrong logits), or wrote into an unrelated output that had taken it (heap corruption).
// Now dispose() detaches the buffer at once and the memory goes when the run settles.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { childJsonLines } from '../helpers/index.mjs';

const CHILD = new URL('./children/dispose-in-flight.mjs', import.meta.url).pathname;

function rounds(scenario) {
  const lines = childJsonLines(CHILD, [scenario]);
  assert.is(lines.length, 6, `${scenario}: every round reported`);
  return lines;
}

test('dispose() of an output that is the input of a run in flight: the run reads the right data', () => {
  for (const r of rounds('input')) {
    assert.ok(r.ok, `round ${r.round}: ${r.code} ${r.message}`);
    assert.is(r.maxError, 0, `round ${r.round}: logits off by ${r.maxError}`);
    assert.ok(r.disposed, 'the tensor reads as disposed at once');
  }
});

test('dispose() of an output that is the fetches target of a run in flight: no other output changes', () => {
  for (const r of rounds('fetch')) {
    assert.ok(r.ok, `round ${r.round}: ${r.code} ${r.message}`);
    assert.is(r.otherChanged, false, `round ${r.round}: the run wrote into an unrelated output`);
  }
});

test.run();
