// Hazard (issue 10): a throwing 'batch' event listener became an uncaught exception. Now a
// listener's exception never reaches the request path: every listener still runs, the requests
// are answered, run() never throws synchronously, and the error goes to the batcher's 'error'
// listeners, or, without one, becomes a process warning (ORTEX_LISTENER_ERROR). In a child
// process, so a regression shows as a crash instead of taking the test runner down.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lastJson, runScript } from '../helpers/index.mjs';

const CHILD = new URL('./children/batcher-listeners.mjs', import.meta.url).pathname;

function checkCommon(out) {
  assert.is(out.answered, 3);
  assert.equal(out.dims, [1, 3]);
  assert.ok(out.calls.batch >= 2, 'the throwing batch listener ran for every batch');
  assert.is(out.calls.batchAfter, out.calls.batch, 'the listener after it ran as often');
  assert.is(out.calls.reject, 1);
  assert.is(out.calls.close, 1);
  assert.is(out.syncThrow, false, 'run() did not throw synchronously');
  assert.is(out.rejection, 'ERR_INVALID_INPUT');
}

test('without an error listener: requests answered, each listener error a process warning', async () => {
  const r = await runScript(CHILD, [], { timeoutMs: 30_000 });
  assert.is(r.code, 0, `child exited ${r.code} (${r.signal}): ${r.stderr.slice(-1500)}`);
  const out = lastJson(r.stdout);
  checkCommon(out);
  const listenerWarnings = out.warnings.filter((w) => w.code === 'ORTEX_LISTENER_ERROR');
  assert.is(listenerWarnings.length, out.calls.batch + 2);
  assert.ok(listenerWarnings.some((w) => w.message === "a 'batch' listener of the Batcher threw: batch listener bug"));
  assert.ok(listenerWarnings.some((w) => w.message === "a 'reject' listener of the Batcher threw: reject listener bug"));
  assert.ok(listenerWarnings.some((w) => w.message === "a 'close' listener of the Batcher threw: close listener bug"));
});

test("with an 'error' listener: it receives each listener error, no warning", async () => {
  const r = await runScript(CHILD, ['error-listener'], { timeoutMs: 30_000 });
  assert.is(r.code, 0, `child exited ${r.code} (${r.signal}): ${r.stderr.slice(-1500)}`);
  const out = lastJson(r.stdout);
  checkCommon(out);
  assert.is(out.errors.length, out.calls.batch + 2);
  assert.ok(
    out.errors.includes('batch listener bug') && out.errors.includes('reject listener bug') && out.errors.includes('close listener bug'),
  );
  assert.equal(
    out.warnings.filter((w) => w.code === 'ORTEX_LISTENER_ERROR'),
    [],
  );
});

test.run();
