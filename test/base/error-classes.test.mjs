// lib/base/errors.ts: validation errors are TypeError/RangeError subclasses that still belong to
// the OrtexError family (code, isOrtexError, instanceof OrtexError), and the server's error
// table still maps them by code.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ERROR_CODES, isOrtexError, OrtexError, OrtexRangeError, OrtexTypeError } from '../../dist/index.js';
import { errorCodeInfo } from '../../dist/base/error-codes.js';
import { invalid } from '../../dist/base/errors.js';

test('invalid(): the kind picks the class; the default follows the code', () => {
  const cases = [
    [invalid('ERR_INVALID_ARGUMENT', 'n', 'a number', 'string "x"'), OrtexTypeError, 'TypeError'],
    [invalid('ERR_INVALID_ARGUMENT', 'n', 'a positive integer', 'number -1', 'range'), OrtexRangeError, 'RangeError'],
    [invalid('ERR_INVALID_INPUT', "input 'x'", 'a float32 tensor', 'a int32 tensor'), OrtexError, 'OrtexError'],
    [invalid('ERR_INVALID_INPUT', 'feeds', 'an object', 'null', 'type'), OrtexTypeError, 'TypeError'],
  ];
  for (const [e, cls, name] of cases) {
    assert.instance(e, cls);
    assert.instance(e, OrtexError);
    assert.instance(e, Error);
    assert.ok(isOrtexError(e));
    assert.is(e.name, name);
    assert.is(Object.keys(e).includes('name'), false, 'name is not an own enumerable key');
    assert.match(e.message, /^expected .+ for .+, received .+$/);
    assert.is(errorCodeInfo(e.code).httpStatus, ERROR_CODES[e.code].httpStatus, 'the table maps it by code');
  }
  assert.not.instance(cases[0][0], RangeError);
  assert.not.instance(cases[1][0], TypeError);
  assert.ok(isOrtexError(cases[1][0], 'ERR_INVALID_ARGUMENT'));
  assert.not.ok(isOrtexError(cases[1][0], 'ERR_RUNTIME'));
});

test('built-in errors and look-alikes are not ortex errors; a subclass of OrtexError keeps ordinary instanceof', () => {
  const plain = new TypeError('x');
  plain.code = 'ERR_INVALID_ARGUMENT';
  assert.not.ok(isOrtexError(plain), 'a TypeError with a code is not one of ours');
  assert.not.instance(plain, OrtexError);
  class Mine extends OrtexError {}
  assert.not.instance(new OrtexTypeError('ERR_INVALID_ARGUMENT', 'x'), Mine);
  assert.instance(new Mine('ERR_RUNTIME', 'x'), Mine);
  assert.instance(new Mine('ERR_RUNTIME', 'x'), OrtexError);
});

test('fields and cause are kept on every class', () => {
  const cause = new Error('root');
  for (const C of [OrtexError, OrtexTypeError, OrtexRangeError]) {
    const e = new C('ERR_RUNTIME', 'm', { cause, ortCode: 2, ortCodeName: 'ORT_INVALID_ARGUMENT', details: { a: 1 } });
    assert.equal([e.code, e.ortCode, e.ortCodeName, e.details, e.cause], ['ERR_RUNTIME', 2, 'ORT_INVALID_ARGUMENT', { a: 1 }, cause]);
  }
});

test.run();
