// Two copies of the addon in one process (two packages, or a prebuild beside a local build)
// never accept each other's objects: type tags are drawn at random per load, so a session or
// run options of one copy given to the other is refused with a coded error, not used.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, childJsonLines } from '../helpers/index.mjs';

const CHILD = new URL('./children/two-addon-copies.mjs', import.meta.url).pathname;
const ADDON = process.env.ORTEX_NATIVE_PATH ?? join(ROOT, 'build', 'Release', 'ortex.node');

test('sessions and run options of one copy are refused by the other, with ERR_INVALID_ARGUMENT', () => {
  if (!existsSync(ADDON)) {
    console.log(`  skipped: no built addon at ${ADDON}`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'ortex-two-copies-'));
  try {
    const probes = Object.fromEntries(childJsonLines(CHILD, [ADDON, tmp]).map((p) => [p.probe, p]));
    assert.ok(probes.done, 'the child finished');
    assert.ok(probes['own session runs'].ok, JSON.stringify(probes['own session runs']));
    // Handles passed as arguments: refused by their random type tags, with a coded error.
    const refused = {
      'b.run with run options of a': ['ERR_INVALID_ARGUMENT', /run options must come from this copy of ortex/],
      'b.run fed run options of a as a device tensor': ['ERR_INVALID_INPUT', /expected a device tensor of this copy of ortex/],
    };
    for (const [probe, [code, message]] of Object.entries(refused)) {
      const p = probes[probe];
      assert.ok(p && !p.ok, `${probe}: accepted (${JSON.stringify(p)})`);
      assert.is(p.code, code, `${probe}: ${p.code} ${p.message}`);
      assert.match(p.message, message, probe);
    }
    // Methods called on the other copy's objects: V8 refuses the receiver (the class signature).
    for (const probe of [
      'b.metadata on a session of a',
      'b.run on a session of a',
      'b.scheduling on a session of a',
      'b.endProfiling on a session of a',
      'b.release on a session of a',
      'b.RunOptions.terminate on run options of a',
      'b.run on a plain object',
    ]) {
      const p = probes[probe];
      assert.ok(p && !p.ok, `${probe}: accepted (${JSON.stringify(p)})`);
      assert.is(p.message, 'Illegal invocation', probe);
    }
    // Memory of one copy is only ever plain bytes to the other: readable, never freed by it.
    assert.ok(probes['b.disposeBuffer on an output of a'].ok);
    assert.ok(probes['b.run fed an output of a'].ok, JSON.stringify(probes['b.run fed an output of a']));
    assert.ok(probes['a.disposeBuffer on its own output'].ok);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test.run();
