// Compatibility: `env` has onnxruntime-common's shape on ortex, and env.logLevel means what it
// means in onnxruntime-node: ONNX Runtime's default log level (its own log lines, on stderr).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { model, runScript } from '../helpers/index.mjs';
import { CONTENDERS, check, ortex, summary } from './contenders.mjs';

const CHILD = new URL('./env-log-level.child.mjs', import.meta.url).pathname;
const MODEL = model('identity_float32.onnx');
/** ORT's log lines of severity verbose/info ("[V:onnxruntime:" / "[I:onnxruntime:"). */
const chatty = (stderr) => stderr.split('\n').filter((l) => /\[[VI]:onnxruntime:/.test(l));

for (const c of CONTENDERS) {
  test(`${c.name}: env's fields`, async () => {
    const { env } = c.lib;
    assert.is(env.logLevel, 'warning', 'default');
    assert.ok(Object.keys(env).includes('logLevel'), 'logLevel is enumerable');
    for (const k of ['wasm', 'webgl', 'webgpu', 'versions']) assert.type(env[k], 'object', k);
    assert.type(env.versions.common, 'string');
    env.wasm.numThreads = 1; // shared web/node code sets these: harmless
    for (const level of ['verbose', 'info', 'error', 'fatal', 'warning']) {
      await check(c, `env.logLevel = '${level}'`, 'ok', (lib) => {
        lib.env.logLevel = level;
      });
      assert.is(env.logLevel, level);
    }
    await check(c, 'env.logLevel = undefined is ignored', 'ok', (lib) => {
      lib.env.logLevel = undefined;
    });
    assert.is(env.logLevel, 'warning');
    await check(c, "env.logLevel = 'loud'", 'Error', (lib) => {
      lib.env.logLevel = 'loud';
    });
    await check(c, 'env.logLevel = 2', 'Error', (lib) => {
      lib.env.logLevel = 2;
    });
    assert.is(env.logLevel, 'warning', 'unchanged by a rejected value');
  });

  for (const [level, logs] of [
    ['verbose', true],
    ['error', false],
  ]) {
    test(`${c.name}: env.logLevel = '${level}' before the first session ${logs ? 'shows' : 'hides'} ONNX Runtime's info logs`, async () => {
      const r = await runScript(CHILD, [c.name, level, 'before', MODEL]);
      assert.is(r.code, 0, r.stderr);
      assert.is(chatty(r.stderr).length > 0, logs, `${chatty(r.stderr).length} info/verbose lines`);
    });
  }
}

test('ortex: env.logLevel applies at once, after sessions exist (onnxruntime-node reads it once, at its first session)', async () => {
  const r = await runScript(CHILD, ['ortex', 'verbose', 'after', MODEL]);
  assert.is(r.code, 0, r.stderr);
  const [before, after] = r.stderr.split('--- level set here ---');
  assert.is(chatty(before).length, 0, 'quiet at the default level');
  assert.ok(chatty(after).length > 0, 'verbose once set');
});

test('ortex: versions name ortex and the onnxruntime release it follows', () => {
  assert.match(ortex.env.versions.ortex, /^\d+\.\d+\.\d+/);
  assert.is(ortex.env.versions.node, ortex.env.versions.common);
});

test.after(() => summary('env'));
test.run();
