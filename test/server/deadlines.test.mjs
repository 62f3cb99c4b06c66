// The per-request time limits (lib/server/deadlines.ts): one timer per timeout instead of one per
// request. A request expires at its own deadline (not before, and not much after), a finished one
// never expires, requests finishing out of order leave the others timed, and a list that emptied
// times new requests again.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { time, untime } from '../../dist/server/deadlines.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts timing a request; resolves with when it expired (performance.now()), or never. */
function timed(timeoutMs) {
  const started = performance.now();
  let expiredAt;
  const t = time(timeoutMs, () => {
    expiredAt = performance.now();
  });
  return { t, started, expired: () => expiredAt };
}

test('a request expires at its deadline, a finished one never does', async () => {
  const a = timed(60);
  const b = timed(60);
  untime(60, b.t);
  await sleep(30);
  assert.is(a.expired(), undefined, 'not before the deadline');
  await sleep(80);
  assert.ok(a.expired() !== undefined, 'expired');
  assert.ok(a.expired() - a.started >= 59, `expired after ${a.expired() - a.started} ms, at the 60 ms deadline or later`);
  assert.ok(a.expired() - a.started < 100, `expired after ${a.expired() - a.started} ms, close to the deadline`);
  assert.is(b.expired(), undefined, 'the finished request never expires');
});

test('requests started later expire at their own deadlines, whatever finished in between', async () => {
  const first = timed(80);
  await sleep(30);
  const second = timed(80);
  const third = timed(80);
  untime(80, first.t); // the head finishes; the timer armed for it must still serve the others
  untime(80, third.t); // one behind the live one finishes out of order
  await sleep(65); // first's deadline passed: nothing of its own to expire
  assert.is(second.expired(), undefined, 'not before its own deadline');
  await sleep(60);
  assert.ok(second.expired() !== undefined, 'expired at its deadline');
  assert.ok(second.expired() - second.started >= 79, `expired after ${second.expired() - second.started} ms`);
  assert.is(first.expired(), undefined);
  assert.is(third.expired(), undefined);
});

test('each expiry runs once; a list that emptied times new requests; timeouts are separate', async () => {
  let calls = 0;
  const many = Array.from({ length: 2000 }, () => time(20, () => calls++));
  for (let i = 0; i < many.length; i += 2) untime(20, many[i]); // every other one finishes
  const other = timed(200);
  await sleep(60);
  assert.is(calls, 1000, 'every unfinished request expired exactly once');
  untime(20, many[1]); // finishing after the expiry is harmless
  assert.is(other.expired(), undefined, 'a longer timeout is timed on its own');
  untime(200, other.t);
  const later = timed(20);
  await sleep(60);
  assert.ok(later.expired() !== undefined, 'timed again after the list emptied');
  assert.is(calls, 1000);
});

test.run();
