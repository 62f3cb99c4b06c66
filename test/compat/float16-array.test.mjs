// Compatibility: where the runtime has a Float16Array, a float16 tensor's data is one, on
// onnxruntime-common and on ortex alike, whether it was made from numbers, a Float16Array or
// Uint16Array bits; ortex runs such tensors and returns float16 outputs as Float16Arrays. The
// runtime here is Node 20 with the @petamoriken/float16 polyfill, in a child process
// (float16-array.child.mjs); without a Float16Array, see deliberate-differences.test.mjs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { model, runScript } from '../helpers/index.mjs';

test('float16 forms with a Float16Array: the same tensors on onnxruntime-node and ortex', async () => {
  const r = await runScript(new URL('./float16-array.child.mjs', import.meta.url).pathname, [model('identity_float16.onnx')]);
  assert.is(r.code, 0, r.stderr);
  const o = JSON.parse(r.stdout.trim().split('\n').pop());
  const expected = { type: 'float16', dims: [2, 2], f16: true, values: [1, 2.5, -3, 65504] };
  for (const form of ['numbers', 'float16Array', 'inferred', 'uint16Bits']) {
    assert.equal(o.ort[form], expected, `onnxruntime-node, ${form}`);
    assert.equal(o.ortex[form], expected, `ortex, ${form}`);
  }
  assert.equal(o.run, { type: 'float16', dims: [2, 3], f16: true, values: [0.5, 1, 1.5, 2, 2.5, 3] }, 'ortex run output');
});

test.run();
