// JS running inside the native run call (a string-element getter, a dims getter) releases the
// session. That used to crash in SessionWrap::Dispatch (SIGSEGV: the session pointer had just
// been given away). The call holds a strong reference to the session for its whole length: the
// run completes with the right result, and later runs reject with ERR_SESSION_RELEASED. Through
// the public API the getter runs in TypeScript, before the call: a coded error.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { childJsonLines } from '../helpers/index.mjs';

const CHILD = new URL('./children/release-during-dispatch.mjs', import.meta.url).pathname;
const EXPECTED = { 'string element getter': ['a', 'b', 'c'], 'dims getter in a sequence': [1, 2, 3, 4, 5, 6] };

test('release() from a getter inside run(): no crash, the run completes, later runs are refused', () => {
  const cases = childJsonLines(CHILD);
  assert.is(cases.length, 10, JSON.stringify(cases));
  for (const c of cases) {
    const kind = Object.keys(EXPECTED).find((k) => c.case.includes(k));
    if (c.case.endsWith('(next run)') || c.case.endsWith('after release')) {
      assert.ok(c.ok, `${c.case}: ${c.after}`);
    } else if (c.case.startsWith('API:')) {
      assert.ok(c.ok ? String(c.result) === String(EXPECTED[kind]) : c.code === 'ERR_SESSION_RELEASED', `${c.case}: ${JSON.stringify(c)}`);
    } else {
      assert.ok(c.ok, `${c.case}: ${c.code} ${c.message}`);
      assert.ok(c.released, `${c.case}: the getter ran inside the call and released the session`);
      assert.equal(c.result, EXPECTED[kind], c.case);
    }
  }
});

test.run();
