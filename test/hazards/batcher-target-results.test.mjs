// Hazard (issue 10): a custom Batcher target whose run() returned a plain value (not a promise)
// killed the process with an uncaught TypeError in a setImmediate. Now run() may return the
// result or a promise of it (as with await): a plain result is used, a throw or a junk result
// fails that batch's requests with a coded error, and the batcher keeps serving. In a child
// process, so a regression shows as a crash instead of taking the test runner down.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lastJson, runScript } from '../helpers/index.mjs';

test('plain-value, throwing and junk targets: answered or rejected with a code, no crash', async () => {
  const r = await runScript(new URL('./children/batcher-target.mjs', import.meta.url).pathname, [], { timeoutMs: 30_000 });
  assert.is(r.code, 0, `child exited ${r.code} (${r.signal}): ${r.stderr.slice(-1500)}`);
  assert.not.match(r.stderr, /TypeError|Uncaught|unhandled/i);
  const out = lastJson(r.stdout);
  assert.is(out.plainBatches, 1, 'the two requests shared one batch');
  assert.equal(out.plain[0], { ok: true, dims: [1, 4], data: [0, 2, 4, 6] });
  assert.equal(out.plain[1].dims, [2, 4]);
  assert.equal(out.plain[1].data, [200, 202, 204, 206, 208, 210, 212, 214]);
  assert.equal(out.throws.ok, false);
  assert.is(out.throws.code, 'ERR_RUNTIME');
  assert.match(out.throws.message, /target exploded/);
  assert.is(out.junk.code, 'ERR_RUNTIME');
  assert.match(out.junk.message, /is not a CPU tensor, so the batch cannot be split into requests/);
  assert.ok(out.stillServing);
});

test.run();
