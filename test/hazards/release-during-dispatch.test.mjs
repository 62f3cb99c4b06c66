// JS running inside the native run call (a string-element getter, a dims getter) releases the
// session. That used to crash in SessionWrap::Dispatch (SIGSEGV: the session pointer had just
// been given away). The call holds a strong reference to the session for its whole length: the
// run completes with the right result, and the next run rejects with ERR_SESSION_RELEASED.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { childJsonLines } from '../helpers/index.mjs';

const CHILD = new URL('./children/release-during-dispatch.mjs', import.meta.url).pathname;

test('release() from a getter inside run(): no crash, the run completes, later runs are refused', () => {
  const cases = childJsonLines(CHILD);
  assert.is(cases.length, 8, JSON.stringify(cases));
  const expected = { 'string element getter': ['a', 'b', 'c'], 'dims getter in a sequence': [1, 2, 3, 4, 5, 6] };
  for (const c of cases) {
    assert.ok(c.ok, `${c.case}: ${c.code ?? c.after} ${c.message ?? ''}`);
    const kind = Object.keys(expected).find((k) => c.case.startsWith(k));
    if (!c.case.endsWith('(next run)')) assert.equal(c.result, expected[kind], c.case);
  }
});

test.run();
