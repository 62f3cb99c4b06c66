// JS running inside the native run call (a string-element getter, a dims getter) releases the
// session. That used to crash in SessionWrap::Dispatch (SIGSEGV: the session pointer had just
// been given away). The call holds a strong reference to the session for its whole length: the
// run completes with the right result, and the next run rejects with ERR_SESSION_RELEASED.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';

const CHILD = new URL('./children/release-during-dispatch.mjs', import.meta.url).pathname;

test('release() from a getter inside run(): no crash, the run completes, later runs are refused', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', CHILD], { encoding: 'utf8', timeout: 60_000 });
  assert.is(r.signal, null, `the child died with ${r.signal}: ${r.stderr.slice(-1500)}`);
  assert.is(r.status, 0, r.stderr.slice(-1500));
  const cases = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.is(cases.length, 8, r.stdout);
  const expected = { 'string element getter': ['a', 'b', 'c'], 'dims getter in a sequence': [1, 2, 3, 4, 5, 6] };
  for (const c of cases) {
    assert.ok(c.ok, `${c.case}: ${c.code ?? c.after} ${c.message ?? ''}`);
    const kind = Object.keys(expected).find((k) => c.case.startsWith(k));
    if (!c.case.endsWith('(next run)')) assert.equal(c.result, expected[kind], c.case);
  }
});

test.run();
