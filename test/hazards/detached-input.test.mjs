// ArrayBuffers detached (transferred) while the addon uses them: an async run's input, a
// caller-provided output (fetches) buffer, model bytes given to create(). Each used to crash
// (SIGSEGV) or return garbage from reused memory. Async runs copy V8 memory at the call, fetch
// targets are written into native memory and copied back at settle (a target gone meanwhile
// rejects with ERR_INVALID_INPUT), model bytes are copied before ORT parses them.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { childJsonLines } from '../helpers/index.mjs';

const CHILD = new URL('./children/detached-buffers.mjs', import.meta.url).pathname;

function rounds(scenario) {
  const lines = childJsonLines(CHILD, [scenario]);
  assert.is(lines.length, 6, `${scenario}: every round reported`);
  return lines;
}

test('an input transferred away during an async run: the run computes from the data it was given', () => {
  for (const r of rounds('input')) {
    assert.ok(r.ok, `round ${r.round}: ${r.code} ${r.message}`);
    assert.ok(r.maxError < 1e-4, `round ${r.round}: logits off by ${r.maxError}`);
  }
});

test('a fetches buffer transferred away during an async run: ERR_INVALID_INPUT, nothing written elsewhere', () => {
  for (const r of rounds('fetch')) {
    assert.not.ok(r.ok, `round ${r.round}: resolved`);
    assert.is(r.code, 'ERR_INVALID_INPUT', `round ${r.round}: ${r.code} ${r.message}`);
    assert.match(r.message, /fetches tensor for output 'logits' was detached/);
    assert.ok(r.untouched, `round ${r.round}: ORT wrote into memory the caller had given away`);
  }
});

test('model bytes transferred away during create(): the session loads and runs right', () => {
  for (const r of rounds('model')) {
    assert.ok(r.ok, `round ${r.round}: ${r.code} ${r.message}`);
    assert.ok(r.maxError < 1e-4, `round ${r.round}: logits off by ${r.maxError}`);
  }
});

test('an input detached before the call: a coded error, inline and async', () => {
  for (const r of rounds('before')) {
    assert.not.ok(r.ok, `round ${r.round}: resolved`);
    assert.is(r.code, 'ERR_INVALID_INPUT', `round ${r.round}: ${r.code} ${r.message}`);
  }
});

test.run();
