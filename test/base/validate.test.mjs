// lib/base/validate.ts: one meaning per checker name, one message template
// ("expected X for Y, received Z"), ERR_INVALID_ARGUMENT unless told ERR_INVALID_INPUT.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as v from '../../dist/base/validate.js';
import { throws } from '../helpers/index.mjs';

test('integer: safe integers in [min, max]; the range reads the same everywhere', () => {
  assert.is(v.integer(3, 'n', 1, 5), 3);
  throws(() => v.integer(6, 'n', 1, 5), 'ERR_INVALID_ARGUMENT', 'expected an integer from 1 to 5 for n, received number 6');
  throws(() => v.integer(1.5, 'n', 0), 'ERR_INVALID_ARGUMENT', 'expected a non-negative integer for n, received number 1.5');
  throws(() => v.integer(0, 'n', 1), 'ERR_INVALID_ARGUMENT', 'expected a positive integer for n, received number 0');
  throws(() => v.integer(2 ** 53, 'n', 0), 'ERR_INVALID_ARGUMENT', /received number 9007199254740992$/);
  throws(() => v.integer('3', 'n', 0), 'ERR_INVALID_ARGUMENT', 'expected a non-negative integer for n, received string "3"');
  throws(
    () => v.integer(NaN, 'n', 0, 9, 'ERR_INVALID_INPUT'),
    'ERR_INVALID_INPUT',
    'expected an integer from 0 to 9 for n, received number NaN',
  );
});

test("string allows ''; nonEmptyString is the variant that forbids it", () => {
  assert.is(v.string('', 's'), '');
  throws(() => v.string(1, 's'), 'ERR_INVALID_ARGUMENT', 'expected a string for s, received number 1');
  throws(() => v.nonEmptyString('', 's'), 'ERR_INVALID_ARGUMENT', 'expected a non-empty string for s, received string ""');
  assert.is(v.nonEmptyString('a', 's'), 'a');
});

test('boolean, nonNegativeNumber, abortSignal, object', () => {
  throws(() => v.boolean(1, 'b'), 'ERR_INVALID_ARGUMENT', 'expected a boolean for b, received number 1');
  throws(
    () => v.nonNegativeNumber(Infinity, 'x'),
    'ERR_INVALID_ARGUMENT',
    'expected a non-negative number for x, received number Infinity',
  );
  throws(() => v.nonNegativeNumber(-1, 'x'), 'ERR_INVALID_ARGUMENT', 'expected a non-negative number for x, received number -1');
  assert.is(v.nonNegativeNumber(0, 'x'), 0);
  throws(() => v.abortSignal({}, 'signal'), 'ERR_INVALID_ARGUMENT', 'expected an AbortSignal for signal, received object');
  throws(() => v.object([], 'o'), 'ERR_INVALID_ARGUMENT', 'expected an object for o, received array of length 0');
  throws(() => v.object(null, 'o'), 'ERR_INVALID_ARGUMENT', 'expected an object for o, received null');
});

test('nonNegativeMs: bounded and finite with a max (a delay), Infinity allowed without (a timeout)', () => {
  assert.is(v.nonNegativeMs(Infinity, 't'), Infinity);
  throws(
    () => v.nonNegativeMs(-1, 't'),
    'ERR_INVALID_ARGUMENT',
    'expected a non-negative number of milliseconds for t, received number -1',
  );
  throws(
    () => v.nonNegativeMs(Infinity, 'd', 60000),
    'ERR_INVALID_ARGUMENT',
    'expected a number of milliseconds from 0 to 60000 for d, received number Infinity',
  );
  throws(() => v.nonNegativeMs(1e10, 'd', 60000), 'ERR_INVALID_ARGUMENT', /from 0 to 60000 for d, received number 10000000000$/);
  assert.is(v.nonNegativeMs(60000, 'd', 60000), 60000);
});

test("oneOf: two choices read \"'a' or 'b'\", more \"one of 'a', 'b', 'c'\"", () => {
  assert.is(v.oneOf('b', 'x', ['a', 'b']), 'b');
  throws(() => v.oneOf('c', 'x', ['a', 'b']), 'ERR_INVALID_ARGUMENT', `expected 'a' or 'b' for x, received string "c"`);
  throws(() => v.oneOf(1, 'x', ['a', 'b', 'c']), 'ERR_INVALID_ARGUMENT', `expected one of 'a', 'b', 'c' for x, received number 1`);
});

test('knownKeys: own enumerable keys only, one wording', () => {
  v.knownKeys({ a: 1 }, 'opts', ['a', 'b']);
  throws(
    () => v.knownKeys({ a: 1, c: 2 }, 'opts', ['a', 'b']),
    'ERR_INVALID_ARGUMENT',
    'expected only known keys (a, b) for opts, received unknown key "c"',
  );
  // Inherited keys are neither read nor refused.
  const o = Object.create({ inherited: 1 });
  o.a = 1;
  v.knownKeys(o, 'opts', new Set(['a']));
});

test.run();
