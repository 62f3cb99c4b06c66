// Hazard (issue 10): shapes were encoded into a module-global buffer while user code could still
// run. A feeds getter that starts another run overwrote the outer run's header, so the outer run
// fed its two inputs swapped. Now every feed is read and checked first, and the encoding and the
// native call follow with no user code in between.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { buildModel, node, tensor, tensorValueInfo } from '../../tools/onnx-builder.mjs';

// z = 10·a + b: swapping a and b changes the answer.
const bytes = buildModel({
  opsetImports: { '': 17 },
  graph: {
    name: 'ten_a_plus_b',
    inputs: [tensorValueInfo('a', 'float32', [1]), tensorValueInfo('b', 'float32', [1])],
    outputs: [tensorValueInfo('z', 'float32', [1])],
    nodes: [node('Mul', ['a', 'ten'], ['a10']), node('Add', ['a10', 'b'], ['z'])],
    initializers: [tensor('ten', 'float32', [1], [10])],
  },
});

const f = (x) => new Tensor('float32', new Float32Array([x]), [1]);
let s;
test.before(async () => {
  s = await InferenceSession.create(bytes);
});
test.after(async () => {
  await s.release();
});

for (const mode of ['inline', 'async', 'auto']) {
  test(`a getter on the second feed that starts another run (${mode}): both results are right`, async () => {
    let inner;
    const feeds = {
      a: f(10),
      get b() {
        // Inputs in the other order: an overwritten header would index them the other way round.
        inner = s.run({ b: f(2), a: f(7) }, { mode });
        return f(9);
      },
    };
    const outer = await s.run(feeds, { mode });
    assert.equal([...outer.z.data], [109], 'outer: 10·10 + 9');
    assert.equal([...(await inner).z.data], [72], 'inner: 10·7 + 2');
  });
}

test('a feed read through a Proxy: each key is read once, in phase one', async () => {
  const reads = [];
  const feeds = new Proxy(
    { a: f(1), b: f(2) },
    {
      get(target, key) {
        reads.push(key);
        if (key === 'a') void s.run({ b: f(0), a: f(0) });
        return target[key];
      },
    },
  );
  const out = await s.run(feeds);
  assert.equal([...out.z.data], [12]);
  assert.equal(reads.sort(), ['a', 'b']);
});

test('string elements are read before the native call (a getter on an element runs once, in phase one)', async () => {
  const id = await InferenceSession.create(new URL('../models/identity_string.onnx', import.meta.url).pathname);
  try {
    const data = ['x', 'y', 'z'];
    let reads = 0;
    Object.defineProperty(data, 1, {
      get() {
        reads++;
        return 'y';
      },
    });
    const t = new Tensor('string', data, [1, 3]);
    const before = reads;
    const out = await id.run({ x: t }, { mode: 'inline' });
    assert.equal(out.y.data, ['x', 'y', 'z']);
    assert.is(reads - before, 1);
    // A getter that stops returning strings is caught by ortex, not by the addon.
    Object.defineProperty(data, 2, { get: () => 42 });
    await id.run({ x: t }).then(
      () => assert.unreachable('resolved'),
      (e) => assert.is(e.message, "expected a string for data[2] of input 'x', received number 42"),
    );
  } finally {
    await id.release();
  }
});

test.run();
