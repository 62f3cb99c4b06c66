// Hazard (issue 10): results and feeds used inherited properties. A model output named
// `__proto__` vanished from the result (the assignment set the result's prototype instead), and
// inherited keys of a feeds object (`Object.prototype.features = t`) were fed to the model. Now
// results hold every output as an own property and only own enumerable feed keys are read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Batcher, InferenceSession, Tensor } from '../../dist/index.js';
import { buildModel, node, tensorValueInfo } from '../../tools/onnx-builder.mjs';
import { model, rejects } from '../helpers/index.mjs';

const proto = buildModel({
  opsetImports: { '': 17 },
  graph: {
    name: 'proto_out',
    inputs: [tensorValueInfo('x', 'float32', ['N', 2])],
    outputs: [tensorValueInfo('__proto__', 'float32', ['N', 2]), tensorValueInfo('constructor', 'float32', ['N', 2])],
    nodes: [node('Identity', ['x'], ['__proto__']), node('Neg', ['x'], ['constructor'])],
  },
});
const x = (rows) =>
  new Tensor(
    'float32',
    Float32Array.from({ length: rows * 2 }, (_, i) => i + 1),
    [rows, 2],
  );

function checkResult(out, rows) {
  assert.ok(Object.hasOwn(out, '__proto__'), 'own __proto__');
  assert.ok(Object.hasOwn(out, 'constructor'), 'own constructor');
  assert.is(Object.getPrototypeOf(out), Object.prototype, 'the prototype is untouched');
  assert.equal(Object.keys(out), ['__proto__', 'constructor']);
  const y = Object.getOwnPropertyDescriptor(out, '__proto__').value;
  assert.instance(y, Tensor);
  assert.equal(y.dims, [rows, 2]);
  assert.equal(
    [...y.data],
    Array.from({ length: rows * 2 }, (_, i) => i + 1),
  );
  assert.equal(
    [...out.constructor.data],
    Array.from({ length: rows * 2 }, (_, i) => -(i + 1)),
  );
}

test('an output named __proto__ is an own property of the result (inline, async, fetches)', async () => {
  const s = await InferenceSession.create(proto);
  try {
    checkResult(await s.run({ x: x(1) }, { mode: 'inline' }), 1);
    checkResult(await s.run({ x: x(3) }, { mode: 'async' }), 3);
    const only = await s.run({ x: x(1) }, ['__proto__']);
    assert.equal(Object.keys(only), ['__proto__']);
  } finally {
    await s.release();
  }
});

test('through a Batcher: merged, split and reassembled results keep __proto__ as an own property', async () => {
  const s = await InferenceSession.create(proto);
  const b = new Batcher(s, { maxBatchSize: 2 });
  try {
    const [r1, r2, r3] = await Promise.all([b.run({ x: x(1) }), b.run({ x: x(1) }), b.run({ x: x(5) })]);
    checkResult(r1, 1);
    checkResult(r2, 1);
    checkResult(r3, 5); // split into parts of 2, 2 and 1, then reassembled
  } finally {
    await b.close();
    await s.release();
  }
});

test('inherited feed keys are not fed; own keys are', async () => {
  const s = await InferenceSession.create(model('demo.onnx'));
  const t = new Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]);
  try {
    Object.prototype.features = t;
    await rejects(s.run({}), 'ERR_INVALID_INPUT', "expected a value for every required input for feeds, received no value for 'features'");
    const feeds = Object.create({ features: t });
    await rejects(s.run(feeds), 'ERR_INVALID_INPUT', /no value for 'features'$/);
    const b = new Batcher(s);
    await rejects(b.run({}), 'ERR_INVALID_INPUT', /no value for 'features'$/);
    await b.close();
  } finally {
    delete Object.prototype.features;
  }
  const out = await s.run({ features: t });
  assert.equal(out.probabilities.dims, [1, 3]);
  await s.release();
});

test.run();
