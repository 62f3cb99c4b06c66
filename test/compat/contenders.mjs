// The two libraries the compatibility tests run side by side in one process: onnxruntime-node
// (the devDependency ortex claims to replace) and ortex (this checkout's dist/). Both load the
// same libonnxruntime (ortex finds onnxruntime-node's copy in a checkout), so results compare
// like for like.
//
// A check is one call, the outcome onnxruntime-common's sources and tests define for it, and the
// contenders it must hold on; `summary()` prints how many checks each contender passed, the
// figure the compatibility report quotes.
import * as assert from 'uvu/assert';
import * as ortex from '../../dist/index.js';

export const ort = await import('onnxruntime-node').catch((e) => {
  throw new Error(`the compatibility tests need the onnxruntime-node devDependency (npm install): ${e.message}`);
});
export { ortex };

export const CONTENDERS = [
  { name: 'onnxruntime-node', lib: ort },
  { name: 'ortex', lib: ortex },
];

/**
 * What a call did: { ok: true, value } or { ok: false, error, kind } where kind is the built-in
 * class onnxruntime-common distinguishes: 'TypeError', 'RangeError' or 'Error'.
 */
export async function outcome(call) {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    const kind =
      error instanceof TypeError
        ? 'TypeError'
        : error instanceof RangeError
          ? 'RangeError'
          : error instanceof Error
            ? 'Error'
            : 'non-error';
    return { ok: false, error, kind };
  }
}

const tally = new Map(CONTENDERS.map((c) => [c.name, { passed: 0, total: 0 }]));

/**
 * Asserts that `call(lib)` ends as `expected` ('ok', 'TypeError', 'RangeError' or 'Error') on
 * contender `c`, counting the check. For ortex a failure must also be one of its coded errors:
 * `isOrtexError`, `instanceof OrtexError`, a string `code`, and, for TypeError/RangeError, the
 * built-in's `name` (code that branches on e.name keeps working).
 */
export async function check(c, what, expected, call) {
  const t = tally.get(c.name);
  t.total++;
  const r = await outcome(() => call(c.lib));
  const got = r.ok ? 'ok' : r.kind;
  assert.is(got, expected, `${c.name}: ${what}: expected ${expected}, got ${got}${r.ok ? '' : `: ${r.error?.message}`}`);
  if (!r.ok && c.lib === ortex) {
    const e = r.error;
    assert.ok(ortex.isOrtexError(e), `${what}: isOrtexError (${e?.name}: ${e?.message})`);
    assert.ok(e instanceof ortex.OrtexError, `${what}: instanceof OrtexError`);
    assert.type(e.code, 'string', `${what}: code`);
    if (expected !== 'Error') {
      assert.is(e.name, expected, `${what}: name`);
      assert.match(e.message, /^expected .+ for .+, received .+/, `${what}: ortex's message template`);
    }
  }
  t.passed++;
  return r;
}

/** Prints "compat <file>: N checks; onnxruntime-node P/N, ortex P/N" (counted where they ran). */
export function summary(file) {
  const parts = [...tally].filter(([, t]) => t.total > 0).map(([n, t]) => `${n} ${t.passed}/${t.total}`);
  console.log(`compat ${file}: ${parts.join(', ')}`);
}
