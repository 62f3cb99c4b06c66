// The request path a server wires in, in code: prepare() validates a request as received (named
// or positional, so a missing or unknown name is reported as such) and builds the input tensors;
// the model runs; observe() counts inputs and outputs. With `io` the schema is bound to the model.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { Monitor } from '../../dist/monitoring/index.js';
import { DEMO_MODEL, IRIS_FEATURES } from './helpers.mjs';

const session = await InferenceSession.create(DEMO_MODEL);
const schema = { version: 1, features: IRIS_FEATURES.map((name) => ({ name, type: 'number', min: 0, max: 10 })) };
const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };

test('prepare → run → observe, for named, positional and tensor requests', async () => {
  const m = new Monitor({ model: 'iris', schema, io: session });
  for (const request of [
    row,
    [row, row],
    [[5.1, 3.5, 1.4, 0.2]],
    { features: new Tensor('float32', new Float32Array([5.1, 3.5, 1.4, 0.2]), [1, 4]) },
  ]) {
    const { feeds, rows, violations } = m.prepare(request);
    assert.equal(violations, []);
    assert.equal(feeds.features.dims, [rows, 4]);
    m.observe(feeds, await session.run(feeds));
  }
  assert.equal([m.stats().requests, m.stats().rows, m.stats().errors], [4, 5, 0]);
  await m.close();
});

test('prepare reports a missing or unknown name as such (not as the NaN it would become)', () => {
  const m = new Monitor({ model: 'iris', schema, io: session });
  const { sepal_width: _, ...missing } = row;
  assert.throws(
    () => m.prepare(missing),
    (e) => e.code === 'ERR_INVALID_INPUT' && e.details.rule === 'missing' && e.details.feature === 'sepal_width',
  );
  assert.throws(
    () => m.prepare({ ...row, colour: 'red' }),
    (e) => e.details.rule === 'unknown' && e.details.feature === 'colour',
  );
  assert.throws(
    () => m.prepare({ ...row, petal_width: 'wide' }),
    (e) => e.details.rule === 'type' && /received string "wide"/.test(e.message),
  );
  assert.throws(
    () => m.prepare([[1, 2, 3]]),
    (e) => e.code === 'ERR_INVALID_INPUT' && /a row of 4 values/.test(e.message),
  );
  void m.close();
});

test('io binds the schema to the model: a schema for another model is refused up front', () => {
  assert.throws(
    () => new Monitor({ model: 'x', schema: { version: 1, features: [{ name: 'a', type: 'number' }] }, io: session }),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /all 4 columns/.test(e.message),
  );
});

test.after(() => session.release());
test.run();
