// Every schema rule, in code: each rejects (ERR_INVALID_INPUT naming the feature, the rule and the
// value) or counts and passes, as its action says; NaN/Infinity policies allow too. The HTTP
// side (a 400 from the server) comes with the server wiring.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Monitor, Schema } from '../../dist/monitoring/index.js';
import { OrtexError } from '../../dist/index.js';

const one = (feature, extra = {}) => Schema.from({ version: 1, ...extra, features: [{ name: 'x', ...feature }] });

function rejects(schema, row, rule, pattern) {
  try {
    schema.validate(row);
  } catch (e) {
    assert.instance(e, OrtexError);
    assert.is(e.code, 'ERR_INVALID_INPUT');
    assert.is(e.details.rule, rule, `rule of ${e.message}`);
    assert.match(e.message, new RegExp(`for feature '${e.details.feature}' \\(rule ${rule}\\) in row \\d+, received`));
    if (pattern) assert.match(e.message, pattern);
    return e;
  }
  assert.unreachable(`expected rule ${rule} to reject ${JSON.stringify(row)}`);
}

function counts(schema, row, rule) {
  const r = schema.validate(row);
  assert.is(r.violations.length, 1, `one counted violation for ${JSON.stringify(row)}`);
  assert.is(r.violations[0].rule, rule);
  assert.is(r.violations[0].action, 'count');
  return r;
}

const passes = (schema, row) => assert.equal(schema.validate(row).violations, [], `${JSON.stringify(row)} passes`);

test('missing: required rejects, counted passes with the default, optional passes', () => {
  const e = rejects(
    one({ type: 'number' }),
    {},
    'missing',
    /expected a value \(a number\) for feature 'x' \(rule missing\) in row 0, received undefined/,
  );
  assert.is(e.details.feature, 'x');
  rejects(one({ type: 'number' }), { x: null }, 'missing');
  const counted = one({ type: 'number', actions: { missing: 'count' }, default: -1 });
  counts(counted, {}, 'missing');
  assert.equal(Array.from(counted.toFeeds({}).features.data), [-1]);
  passes(one({ type: 'number', required: false }), {});
  assert.ok(Number.isNaN(one({ type: 'number', required: false }).toFeeds({}).features.data[0]), 'optional numbers default to NaN');
});

test('type: each feature type rejects a value of another type; counted passes', () => {
  rejects(one({ type: 'number' }), { x: 'abc' }, 'type', /expected a number .* received string "abc"/);
  rejects(one({ type: 'number' }), { x: true }, 'type');
  rejects(one({ type: 'integer' }), { x: 1.5 }, 'type', /expected an integer/);
  passes(one({ type: 'integer' }), { x: 7 });
  rejects(one({ type: 'boolean' }), { x: 1 }, 'type');
  passes(one({ type: 'boolean' }), { x: false });
  rejects(one({ type: 'category' }), { x: {} }, 'type');
  rejects(one({ type: 'string' }), { x: 5 }, 'type');
  counts(one({ type: 'number', actions: { type: 'count' } }), { x: 'abc' }, 'type');
});

test('nan and infinity: reject (default), count, allow', () => {
  rejects(one({ type: 'number' }), [[NaN]], 'nan', /expected a number, not NaN/);
  counts(one({ type: 'number', nan: 'count' }), [[NaN]], 'nan');
  passes(one({ type: 'number', nan: 'allow' }), [[NaN]]);
  rejects(one({ type: 'number' }), [[Infinity]], 'infinity', /expected a finite number .* received number Infinity/);
  rejects(one({ type: 'integer' }), [[-Infinity]], 'infinity');
  counts(one({ type: 'number', infinity: 'count' }), [[-Infinity]], 'infinity');
  passes(one({ type: 'number', infinity: 'allow' }), [[Infinity]]);
});

test('range: inclusive bounds reject or count; float32 inputs compare in float32', () => {
  const s = one({ type: 'number', min: 4.3, max: 7.9 });
  rejects(s, { x: 12.5 }, 'range', /expected a value in \[4\.3, 7\.9\] for feature 'x' \(rule range\) in row 0, received number 12\.5/);
  rejects(s, { x: 4.2 }, 'range');
  passes(s, { x: 7.9 });
  passes(s, { x: 4.3 });
  // 7.9 read back from a Float32Array is 7.900000095...: the same value as the model receives it
  passes(s, { features: { data: new Float32Array([7.9]), dims: [1, 1], type: 'float32' } });
  counts(one({ type: 'number', min: 0, actions: { range: 'count' } }), { x: -1 }, 'range');
  rejects(one({ type: 'integer', max: 3 }), [[4]], 'range', /expected a value ≤ 3/);
  const f64 = Schema.from({ version: 1, inputs: { x: { type: 'float64' } }, features: [{ name: 'x', type: 'number', max: 7.9 }] });
  rejects(f64, { x: Math.fround(7.9) }, 'range'); // a float64 input keeps full precision
});

test('values: categories outside the list reject or count; numeric categories; booleans', () => {
  const s = one({ type: 'category', values: ['setosa', 'versicolor'] });
  rejects(s, { x: 'virginica' }, 'values', /expected one of "setosa", "versicolor" .* received string "virginica"/);
  passes(s, { x: 'setosa' });
  counts(one({ type: 'category', values: ['a'], actions: { values: 'count' } }), { x: 'b' }, 'values');
  rejects(one({ type: 'category', values: [1, 2, 3] }), { x: 4 }, 'values');
  passes(one({ type: 'category', values: [1, 2, 3] }), { x: 2 });
  rejects(one({ type: 'integer', values: [0, 1] }), { x: 2 }, 'values');
  rejects(one({ type: 'boolean', values: [true] }), { x: false }, 'values');
});

test('pattern and length (strings): reject or count', () => {
  const s = one({ type: 'string', pattern: '[A-Z]{2}\\d+', maxLength: 6 });
  rejects(s, { x: 'ab12' }, 'pattern', /expected a string matching \/\[A-Z\]\{2\}\\d\+\//);
  rejects(s, { x: 'AB12345' }, 'length', /expected a string of at most 6 characters/);
  passes(s, { x: 'AB123' });
  counts(one({ type: 'string', pattern: 'x+', actions: { pattern: 'count' } }), { x: 'y' }, 'pattern');
  counts(one({ type: 'string', maxLength: 1, actions: { length: 'count' } }), { x: 'yy' }, 'length');
});

test('unknown named features: reject (default), count, ignore, and the ignore list', () => {
  rejects(
    one({ type: 'number' }),
    { x: 1, y: 2 },
    'unknown',
    /expected one of the schema's features \(x\) for feature 'y' \(rule unknown\) in row 0, received number 2/,
  );
  counts(one({ type: 'number' }, { unknown: 'count' }), { x: 1, y: 2 }, 'unknown');
  passes(one({ type: 'number' }, { unknown: 'ignore' }), { x: 1, y: 2 });
  passes(one({ type: 'number' }, { ignore: ['label'] }), { x: 1, label: 'setosa' });
  rejects(one({ type: 'number' }, { ignore: ['label'] }), { x: 1, other: 0 }, 'unknown');
});

test('a request is checked whole: the error lists every violation, counted ones included, and names the first rejected row', () => {
  const s = Schema.from({
    version: 1,
    features: [
      { name: 'a', type: 'number', max: 1, actions: { range: 'count' } },
      { name: 'b', type: 'number', max: 1 },
    ],
  });
  const e = rejects(
    s,
    [
      { a: 5, b: 0 },
      { a: 0, b: 9 },
      { a: 7, b: 7 },
    ],
    'range',
    /feature 'b' \(rule range\) in row 1/,
  );
  assert.equal(
    e.details.violations.map((v) => [v.row, v.feature, v.action]),
    [
      [0, 'a', 'count'],
      [1, 'b', 'reject'],
      [2, 'a', 'count'],
      [2, 'b', 'reject'],
    ],
  );
});

test('the monitor counts every violation it sees, rejected or passed', () => {
  const m = new Monitor({
    model: 'm',
    schema: { version: 1, features: [{ name: 'x', type: 'number', min: 0, actions: { range: 'count' } }] },
  });
  m.validate({ x: -1 });
  m.validate([[-2], [-3], [1]]);
  assert.throws(
    () => m.validate({ x: 'no' }),
    (e) => e.code === 'ERR_INVALID_INPUT',
  );
  assert.equal(
    m.stats().violations.sort((a, b) => a.rule.localeCompare(b.rule)),
    [
      { feature: 'x', rule: 'range', action: 'count', count: 3 },
      { feature: 'x', rule: 'type', action: 'reject', count: 1 },
    ],
  );
  void m.close();
});

test('a malformed schema is ERR_INVALID_ARGUMENT naming the field', () => {
  const bad = (spec, pattern) =>
    assert.throws(
      () => Schema.from(spec),
      (e) => (e.code === 'ERR_INVALID_ARGUMENT' && pattern.test(e.message)) || assert.unreachable(e.message),
    );
  bad({ features: [] }, /"version" in the schema/);
  bad({ version: 1, features: [] }, /"features" in the schema/);
  bad({ version: 1, features: [{ name: 'x', type: 'float' }] }, /feature 'x' type in the schema/);
  bad(
    {
      version: 1,
      features: [
        { name: 'x', type: 'number' },
        { name: 'x', type: 'number' },
      ],
    },
    /a name used once/,
  );
  bad({ version: 1, features: [{ name: 'x', type: 'number', min: 3, max: 1 }] }, /feature 'x' min/);
  bad({ version: 1, features: [{ name: 'x', type: 'string', pattern: '(' }] }, /a valid regular expression/);
  bad({ version: 1, features: [{ name: 'x', type: 'number', actions: { range: 'drop' } }] }, /actions.range/);
  bad({ version: 1, features: [{ name: 'x', type: 'number', nan: 'maybe' }] }, /feature 'x' nan/);
  bad({ version: 1, features: [{ name: 'x', type: 'number', colour: 1 }] }, /features\[0\]\.colour/);
  bad(
    {
      version: 1,
      features: [
        { name: 'a', type: 'number', index: 0 },
        { name: 'b', type: 'number', index: 0 },
      ],
    },
    /a column no other feature uses/,
  );
});

test.run();
