// Loads two copies of the built addon (the .node file and a copy of it at another path) into
// this one process and hands each copy the other's objects. Prints one JSON line per probe:
// { probe, ok, code?, message? } — ok: the call returned; code: the error it threw.
// argv[2]: the addon; argv[3]: a temp directory for the copy.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../../dist/index.js';

const [addon, tmp] = process.argv.slice(2);
const copy = join(tmp, 'ortex-copy.node');
copyFileSync(addon, copy);
const load = (file) => {
  const m = { exports: {} };
  process.dlopen(m, file);
  return m.exports;
};
const a = load(addon);
const b = load(copy);
// The ONNX Runtime library ortex itself would load (the copies dlopen the same one).
const lib = init().libraryPath;
a.init(lib);
b.init(lib);

const model = new URL('../../models/identity_float32.onnx', import.meta.url).pathname;
const sa = await a.createSession(model, {}, 0, 4096);
const sb = await b.createSession(model, {}, 0, 4096);
const report = (probe, fn) => {
  try {
    const r = fn();
    console.log(JSON.stringify({ probe, ok: true, result: typeof r }));
    return r;
  } catch (e) {
    console.log(JSON.stringify({ probe, ok: false, code: e.code, message: e.message }));
  }
};
const input = () => [1, new Float32Array([1, 2, 3]), [1, 3]];
const B = Object.getPrototypeOf(sb);
report('own session runs', () => sb.run([0], input(), [0], undefined, null, 2));
report('b.metadata on a session of a', () => B.metadata.call(sa));
report('b.run on a session of a', () => B.run.call(sa, [0], input(), [0], undefined, null, 2));
report('b.scheduling on a session of a', () => B.scheduling.call(sa));
report('b.endProfiling on a session of a', () => B.endProfiling.call(sa));
report('b.release on a session of a', () => B.release.call(sa));
report('b.run with run options of a', () => sb.run([0], input(), [0], undefined, new a.RunOptions('tag'), 2));
report('b.run fed run options of a as a device tensor', () => sb.run([0], [103, [1, new a.RunOptions()], [1, 3]], [0], undefined, null, 2));
report('b.RunOptions.terminate on run options of a', () => b.RunOptions.prototype.terminate.call(new a.RunOptions()));
report('b.run on a plain object', () => B.run.call({}, [0], input(), [0], undefined, null, 2));
// An output of a fed to b, and disposed through b: b does not own it, a still does.
const outA = sa.run([0], [1, new Float32Array(3000), [1000, 3]], [0], undefined, null, 2);
report('b.disposeBuffer on an output of a', () => b.disposeBuffer(outA[1]));
report('b.run fed an output of a', () => sb.run([0], [1, outA[1], [1000, 3]], [0], undefined, null, 2));
report('a.disposeBuffer on its own output', () => a.disposeBuffer(outA[1]));
await sa.release();
await sb.release();
console.log(JSON.stringify({ probe: 'done', ok: true }));
