// Hazard (issue 10): Tensor fields were writable after construction and bypassed validation
// (`t.type = 'float32'` on int32 data reached ORT; clearing the copy flag of a tensor over a
// SharedArrayBuffer handed shared memory to ORT without a copy). Now type, dims, size and location
// are getters over private fields, dims is frozen, and ortex reads the private fields only: a
// reassignment fails, and a shadowing property or a subclass's getter changes nothing ortex does.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, stats, Tensor } from '../../dist/index.js';
import { model, rejects } from '../helpers/index.mjs';

let f32; // identity float32 [N, 3]
test.before(async () => {
  f32 = await InferenceSession.create(model('identity_float32.onnx'));
});
test.after(async () => {
  await f32.release();
});

const ints = () => new Tensor('int32', new Int32Array([1, 2, 3]), [1, 3]);

test('assigning type, dims, size or location throws (strict mode) and changes nothing', () => {
  const t = ints();
  for (const [k, v] of [
    ['type', 'float32'],
    ['dims', [3, 1]],
    ['size', 99],
    ['location', 'gpu'],
  ]) {
    assert.throws(() => {
      t[k] = v;
    }, TypeError);
  }
  assert.is(t.type, 'int32');
  assert.equal(t.dims, [1, 3]);
  assert.throws(() => {
    t.dims[0] = 5;
  }, TypeError);
  assert.throws(() => t.dims.push(1), TypeError);
  assert.equal(t.dims, [1, 3]);
});

test('a property that shadows type or dims does not reach ORT: the feed is checked as what it is', async () => {
  const t = ints();
  Object.defineProperty(t, 'type', { value: 'float32' });
  Object.defineProperty(t, 'dims', { value: [1, 3] });
  assert.is(t.type, 'float32', 'the shadow is visible to the caller');
  await rejects(f32.run({ x: t }), 'ERR_INVALID_INPUT', "expected a float32 tensor for input 'x', received a int32 tensor");
  const u = new Tensor('float32', new Float32Array([1, 2, 3]), [1, 3]);
  Object.defineProperty(u, 'dims', { value: [1000, 3] });
  const out = await f32.run({ x: u });
  assert.equal(out.y.dims, [1, 3]);
  assert.equal([...out.y.data], [1, 2, 3]);
});

test("a subclass's getters do not change what ortex validates or hands to the addon", async () => {
  class Liar extends Tensor {
    get type() {
      return 'float32';
    }
    get dims() {
      return [1, 3000];
    }
    get data() {
      return new Float32Array(9000);
    }
  }
  const t = new Liar('int32', new Int32Array([1, 2, 3]), [1, 3]);
  await rejects(f32.run({ x: t }), 'ERR_INVALID_INPUT', "expected a float32 tensor for input 'x', received a int32 tensor");
  const ok = new Liar('float32', new Float32Array([4, 5, 6]), [1, 3]);
  const out = await f32.run({ x: ok });
  assert.equal([...out.y.data], [4, 5, 6]);
});

test('a tensor over a SharedArrayBuffer is copied before ORT reads it, whatever is set on it', async () => {
  const data = new Float32Array(new SharedArrayBuffer(12));
  data.set([7, 8, 9]);
  const t = new Tensor('float32', data, [1, 3]);
  for (const k of ['mustCopy', 'copy', 'shared']) Object.defineProperty(t, k, { value: false });
  const before = stats().inputBytesCopied;
  const out = await f32.run({ x: t });
  assert.is(stats().inputBytesCopied - before, 12, 'the 12 bytes were copied');
  assert.equal([...out.y.data], [7, 8, 9]);
});

test('a look-alike object with Tensor.prototype is not a Tensor: refused with a coded error', async () => {
  const fake = Object.create(Tensor.prototype);
  await rejects(f32.run({ x: fake }), 'ERR_INVALID_INPUT', /^expected a float32\[N,3\] tensor for input 'x', received Tensor object$/);
});

test.run();
