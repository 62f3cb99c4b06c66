// Named features and positional rows map onto model input columns: toFeeds builds the tensors the
// model takes (element type and rank from the schema or the model), views read the same values
// back from tensors, bind() checks a schema against a real model, and fromModel() derives the
// baseline schema from a model's metadata.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Schema } from '../../dist/monitoring/index.js';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { DEMO_MODEL, IRIS_FEATURES, numericSchema } from './helpers.mjs';

const iris = Schema.from(numericSchema(IRIS_FEATURES));
const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

test('named record, named records and positional rows give the same float32 [N, 4] tensor', () => {
  const a = iris.toFeeds(row).features;
  assert.instance(a, Tensor);
  assert.is(a.type, 'float32');
  assert.equal(a.dims, [1, 4]);
  assert.equal(Array.from(a.data), [5.1, 3.5, 1.4, 0.2].map(Math.fround));
  const b = iris.toFeeds([row, { ...row, petal_width: 9 }]).features;
  assert.equal(b.dims, [2, 4]);
  assert.equal(
    Array.from(
      iris.toFeeds([
        [5.1, 3.5, 1.4, 0.2],
        [5.1, 3.5, 1.4, 9],
      ]).features.data,
    ),
    Array.from(b.data),
  );
  assert.equal(Array.from(iris.toFeeds([5.1, 3.5, 1.4, 0.2]).features.data), Array.from(a.data), 'one positional row');
  const feeds = { features: a };
  assert.is(iris.toFeeds(feeds), feeds, 'tensors pass through');
});

test('views read the same values from tensors as from records, and reject shapes that do not fit', () => {
  const t = iris.toFeeds([row, row]);
  const v = iris.view(t);
  assert.is(v.rows, 2);
  assert.is(v.value(1, 2), Math.fround(1.4));
  assert.is(iris.view(row).value(0, 2), Math.fround(1.4));
  const bad = (input, pattern) =>
    assert.throws(
      () => iris.view(input),
      (e) => (e.code === 'ERR_INVALID_INPUT' && pattern.test(e.message)) || assert.unreachable(e.message),
    );
  bad(
    [[1, 2, 3]],
    /expected a row of 4 values \(sepal_length, sepal_width, petal_length, petal_width\) for row 0, received array of length 3/,
  );
  bad({ features: new Tensor('float32', new Float32Array(3), [1, 3]) }, /expected \[batch, 4\]/);
  bad({ x: new Tensor('float32', new Float32Array(4), [1, 4]) }, /expected input 'features' in the feeds for feature 'sepal_length'/);
  bad([7, { a: 1 }], /./);
  bad('text', /expected named features, positional rows or input tensors for the features, received string "text"/);
});

test('several inputs, explicit columns, rank-1 inputs, int64, bool and string element types', () => {
  const s = Schema.from({
    version: 1,
    inputs: { dense: { type: 'float64' }, id: { type: 'int64', rank: 1 }, flag: { type: 'bool' }, tag: { type: 'string' } },
    features: [
      { name: 'b', type: 'number', input: 'dense', index: 1 },
      { name: 'a', type: 'number', input: 'dense', index: 0 },
      { name: 'id', type: 'integer', input: 'id' },
      { name: 'flag', type: 'boolean', input: 'flag' },
      { name: 'tag', type: 'category', input: 'tag', values: ['x', 'y'] },
    ],
  });
  const f = s.toFeeds([
    { a: 1.1, b: 2.2, id: 7, flag: true, tag: 'y' },
    { a: 3, b: 4, id: -1, flag: false, tag: 'x' },
  ]);
  assert.equal(f.dense.dims, [2, 2]);
  assert.equal(Array.from(f.dense.data), [1.1, 2.2, 3, 4]);
  assert.is(f.id.type, 'int64');
  assert.equal(f.id.dims, [2]);
  assert.equal(Array.from(f.id.data), [7n, -1n]);
  assert.equal(Array.from(f.flag.data), [1, 0]);
  assert.equal(f.tag.data, ['y', 'x']);
  const v = s.view(f);
  assert.equal([v.value(0, 2), v.value(0, 3), v.value(1, 3), v.value(0, 4)], [7n, true, false, 'y']);
  assert.equal(s.validate(f).violations, []);
});

test('bind() completes a schema from a real model and refuses one that does not fit', async () => {
  const session = await InferenceSession.create(DEMO_MODEL);
  try {
    const plain = Schema.from({ version: 1, features: IRIS_FEATURES.map((name) => ({ name, type: 'number' })) });
    const bound = plain.bind(session);
    assert.equal(bound.inputs, [{ name: 'features', type: 'float32', rank: 2, columns: 4 }]);
    const out = await session.run(bound.toFeeds([row, row]));
    assert.equal(out.probabilities.dims, [2, 3]);
    const renamed = Schema.from({ version: 1, inputs: { x: {} }, features: IRIS_FEATURES.map((name) => ({ name, type: 'number' })) });
    assert.throws(
      () => renamed.bind(session),
      (e) => e.code === 'ERR_INVALID_ARGUMENT' && /expected the model to have input 'x'/.test(e.message),
    );
    const three = Schema.from({ version: 1, features: IRIS_FEATURES.slice(0, 3).map((name) => ({ name, type: 'number' })) });
    assert.throws(
      () => three.bind(session),
      (e) => /expected features for all 4 columns of input 'features', received 3/.test(e.message),
    );
  } finally {
    await session.release();
  }
});

test('fromModel(): one feature per column, typed from the element type, named by feature_names metadata', async () => {
  const session = await InferenceSession.create(DEMO_MODEL);
  try {
    const base = Schema.fromModel(session, session.modelMetadata);
    assert.equal(base.featureNames, ['features_0', 'features_1', 'features_2', 'features_3']);
    assert.equal(
      base.features.map((f) => f.type),
      ['number', 'number', 'number', 'number'],
    );
  } finally {
    await session.release();
  }
  const io = {
    inputNames: ['x', 'n', 's'],
    outputNames: [],
    inputMetadata: [
      { name: 'x', isTensor: true, kind: 'tensor', type: 'float32', shape: ['batch', 2] },
      { name: 'n', isTensor: true, kind: 'tensor', type: 'int64', shape: ['batch'] },
      { name: 's', isTensor: true, kind: 'tensor', type: 'string', shape: ['batch', 1] },
    ],
    outputMetadata: [],
  };
  const named = Schema.fromModel(io, { custom: { feature_names: '["width","height","count","label"]' } });
  assert.equal(named.featureNames, ['width', 'height', 'count', 'label']);
  assert.equal(
    named.features.map((f) => f.type),
    ['number', 'number', 'integer', 'string'],
  );
  assert.equal(
    named.inputs.map((i) => [i.name, i.type, i.rank, i.columns]),
    [
      ['x', 'float32', 2, 2],
      ['n', 'int64', 1, 1],
      ['s', 'string', 2, 1],
    ],
  );
  assert.equal(
    Schema.fromModel(io, { custom: { feature_names: 'a, b' } }).featureNames,
    ['x_0', 'x_1', 'n', 's'],
    'a count that does not fit is ignored',
  );
  assert.throws(
    () =>
      Schema.fromModel({
        ...io,
        inputMetadata: [{ name: 'img', isTensor: true, kind: 'tensor', type: 'float32', shape: [1, 3, 224, 224] }],
      }),
    (e) => /write the features in a schema file/.test(e.message),
  );
});

test('CSV text is read as serving receives values: numbers, NaN/inf spellings, booleans, numeric categories', () => {
  const s = Schema.from({
    version: 1,
    features: [
      { name: 'n', type: 'number' },
      { name: 'b', type: 'boolean' },
      { name: 'c', type: 'category', values: [1, 2] },
      { name: 's', type: 'string' },
    ],
  });
  const v = s.textView([
    { n: ' 2.5', b: 'TRUE', c: '2', s: '007' },
    { n: 'NaN', b: '0', c: 'x', s: '' },
    { n: '-inf', b: 'yes', c: '1.0', s: 'a' },
    { n: '0x10', b: '', c: '', s: ' ' },
  ]);
  assert.equal([v.value(0, 0), v.value(0, 1), v.value(0, 2), v.value(0, 3)], [2.5, true, 2, '007']);
  assert.ok(Number.isNaN(v.value(1, 0)));
  assert.equal([v.value(1, 1), v.value(1, 2), v.value(1, 3)], [false, 'x', undefined]);
  assert.equal([v.value(2, 0), v.value(2, 1), v.value(2, 2)], [-Infinity, 'yes', 1]);
  assert.equal([v.value(3, 0), v.value(3, 1)], ['0x10', undefined], 'hex is text, not 16');
});

test.run();
