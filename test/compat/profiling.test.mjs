// Compatibility: onnxruntime-common's profiling calls. With enableProfiling (and a
// profileFilePrefix, which onnxruntime-node requires), startProfiling() is accepted (a no-op in
// both: profiling starts with the session) and endProfiling() writes ORT's JSON trace; ortex also
// returns the file's path.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { model } from '../helpers/index.mjs';
import { CONTENDERS, check, ortex, summary } from './contenders.mjs';

const dir = mkdtempSync(join(tmpdir(), 'ortex-compat-profile-'));

for (const c of CONTENDERS) {
  test(`${c.name}: startProfiling() / endProfiling() write ORT's profile`, async () => {
    const prefix = join(dir, c.name);
    const s = await c.lib.InferenceSession.create(model('identity_float32.onnx'), { enableProfiling: true, profileFilePrefix: prefix });
    await check(c, 'startProfiling()', 'ok', () => s.startProfiling());
    await s.run({ x: new c.lib.Tensor('float32', new Float32Array(6), [2, 3]) });
    const { value: returned } = await check(c, 'endProfiling()', 'ok', () => s.endProfiling());
    const files = readdirSync(dir).filter((f) => f.startsWith(`${c.name}_`) && f.endsWith('.json'));
    assert.is(files.length, 1, `one profile file: ${files}`);
    const events = JSON.parse(readFileSync(join(dir, files[0]), 'utf8'));
    assert.ok(Array.isArray(events) && events.some((e) => e.cat === 'Session'), 'ORT trace events');
    if (c.lib === ortex) assert.is(returned, join(dir, files[0]), "ortex returns the file's path");
    await s.release();
  });
}

test('ortex: profiling calls on a released session are ERR_SESSION_RELEASED', async () => {
  const s = await ortex.InferenceSession.create(model('identity_float32.onnx'));
  await s.release();
  assert.throws(
    () => s.startProfiling(),
    (e) => e.code === 'ERR_SESSION_RELEASED',
  );
  assert.throws(
    () => s.endProfiling(),
    (e) => e.code === 'ERR_SESSION_RELEASED',
  );
});

test.after(() => {
  rmSync(dir, { recursive: true, force: true });
  summary('profiling');
});
test.run();
