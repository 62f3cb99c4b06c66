// Hazard (issue 10): Tensor construction from JS arrays stored other values silently
// (float16 [1.5, 65504] became the bit pattern 1; bool [0, 2, -1] → [0, 2, 255]; uint8 [300, -1]
// → [44, 255]; int32 [1.9, 2**40] → [1, 0]). Now every element converts exactly (floats round to
// the nearest value, ties to even, as Float32Array and onnxruntime-common's Float16Array do) or
// the constructor throws ERR_INVALID_ARGUMENT naming the element.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor } from '../../dist/index.js';
import { model, throws } from '../helpers/index.mjs';

/** Exact value of a float with e exponent and m mantissa bits (IEEE layout). */
function decode(bits, e, m) {
  const bias = 2 ** (e - 1) - 1;
  const sign = bits >> (e + m) ? -1 : 1;
  const exp = (bits >> m) & (2 ** e - 1);
  const frac = bits & (2 ** m - 1);
  if (exp === 2 ** e - 1) return frac ? NaN : sign * Infinity;
  if (exp === 0) return sign * frac * 2 ** (1 - bias - m);
  return sign * (1 + frac / 2 ** m) * 2 ** (exp - bias);
}

const KINDS = [
  ['float16', 5, 10],
  ['bfloat16', 8, 7],
];

for (const [type, e, m] of KINDS) {
  test(`${type}: every finite bit pattern round-trips, midpoints round to even, beyond the largest finite is refused`, () => {
    const values = [];
    const bits = [];
    for (let b = 0; b < 2 ** (e + m + 1); b++) {
      const v = decode(b, e, m);
      if (!Number.isFinite(v)) continue;
      values.push(v);
      bits.push(b);
    }
    const t = new Tensor(type, values);
    assert.instance(t.data, Uint16Array);
    for (let i = 0; i < values.length; i++)
      if (t.data[i] !== bits[i]) assert.unreachable(`${values[i]} gave bits ${t.data[i]}, expected ${bits[i]}`);
    // Midpoints between neighbours (positive range): the even pattern wins; just off the midpoint, the nearer.
    const mids = [];
    const expect = [];
    for (let b = 1; b < 2 ** (e + m) - 2 ** m - 1; b += 7) {
      const lo = decode(b, e, m);
      const hi = decode(b + 1, e, m);
      const mid = (lo + hi) / 2;
      mids.push(mid, lo + (hi - lo) * 0.49, lo + (hi - lo) * 0.51);
      expect.push(b % 2 === 0 ? b : b + 1, b, b + 1);
    }
    const r = new Tensor(type, mids);
    for (let i = 0; i < mids.length; i++)
      if (r.data[i] !== expect[i]) assert.unreachable(`${mids[i]} gave bits ${r.data[i]}, expected ${expect[i]}`);
    // Non-finite values keep their meaning.
    const special = new Tensor(type, [Infinity, -Infinity, NaN, -0]);
    assert.equal([decode(special.data[0], e, m), decode(special.data[1], e, m)], [Infinity, -Infinity]);
    assert.ok(Number.isNaN(decode(special.data[2], e, m)));
    assert.ok(Object.is(decode(special.data[3], e, m), -0));
    // The largest finite value plus half an ulp rounds to Infinity: refused.
    const max = decode(2 ** (e + m) - 2 ** m - 1, e, m);
    const ulp = max - decode(2 ** (e + m) - 2 ** m - 2, e, m);
    throws(
      () => new Tensor(type, [1, max + ulp / 2]),
      'ERR_INVALID_ARGUMENT',
      new RegExp(`^expected a number within ${type}'s range \\(±.*\\) for data\\[1\\] of a ${type} tensor, received number`),
    );
    throws(() => new Tensor(type, [-(max + ulp)]), 'ERR_INVALID_ARGUMENT', /for data\[0\]/);
    assert.is(new Tensor(type, [max + ulp / 2.1]).data[0], 2 ** (e + m) - 2 ** m - 1);
  });
}

test('float16 [1.5, 65504] holds 1.5 and 65504, and ORT sees them (identity model)', async () => {
  const t = new Tensor('float16', [1.5, 65504, -2, 0.1], [1, 4]);
  assert.equal([...t.data], [0x3e00, 0x7bff, 0xc000, 0x2e66]);
  const s = await InferenceSession.create(model('identity_float16.onnx'));
  try {
    const out = await s.run({ x: new Tensor('float16', [1.5, 65504, -2], [1, 3]) });
    assert.equal([...out.y.data], [0x3e00, 0x7bff, 0xc000]);
  } finally {
    await s.release();
  }
  throws(
    () => new Tensor('float16', [70000]),
    'ERR_INVALID_ARGUMENT',
    "expected a number within float16's range (±65504) for data[0] of a float16 tensor, received number 70000",
  );
  throws(
    () => new Tensor('float16', [1, '2']),
    'ERR_INVALID_ARGUMENT',
    'expected a number for data[1] of a float16 tensor, received string "2"',
  );
});

test('bfloat16 rounds from the double directly (no double rounding through float32)', () => {
  // 1 + 2^-8 + 2^-30: through float32 it would first become 1 + 2^-8 (a tie) and round to even 1;
  // straight from the double it is above the midpoint and rounds up to 1 + 2^-7.
  const t = new Tensor('bfloat16', [1 + 2 ** -8 + 2 ** -30]);
  assert.is(t.data[0], 0x3f81);
});

test('integers must be integers within range: no truncation, no wrap-around', () => {
  throws(
    () => new Tensor('int32', [1.9, 2 ** 40]),
    'ERR_INVALID_ARGUMENT',
    'expected an integer from -2147483648 to 2147483647 for data[0] of a int32 tensor, received number 1.9',
  );
  throws(
    () => new Tensor('int32', [1, 2 ** 40]),
    'ERR_INVALID_ARGUMENT',
    /for data\[1\] of a int32 tensor, received number 1099511627776$/,
  );
  throws(
    () => new Tensor('uint8', [300, -1]),
    'ERR_INVALID_ARGUMENT',
    'expected an integer from 0 to 255 for data[0] of a uint8 tensor, received number 300',
  );
  throws(() => new Tensor('uint8', [3, -1]), 'ERR_INVALID_ARGUMENT', /data\[1\] of a uint8 tensor, received number -1$/);
  throws(() => new Tensor('int8', [128]), 'ERR_INVALID_ARGUMENT', /from -128 to 127/);
  throws(() => new Tensor('uint16', [NaN]), 'ERR_INVALID_ARGUMENT', /received number NaN$/);
  throws(() => new Tensor('uint32', [2 ** 32]), 'ERR_INVALID_ARGUMENT', /from 0 to 4294967295/);
  throws(
    () => new Tensor('uint64', [-1n]),
    'ERR_INVALID_ARGUMENT',
    /^expected an integer from 0 to 18446744073709551615 .* for data\[0\] of a uint64 tensor, received bigint -1$/,
  );
  throws(
    () => new Tensor('int64', [2n ** 63n]),
    'ERR_INVALID_ARGUMENT',
    /data\[0\] of a int64 tensor, received bigint 9223372036854775808$/,
  );
  throws(() => new Tensor('uint64', [2 ** 64]), 'ERR_INVALID_ARGUMENT', /received number 18446744073709552000$/);
  assert.equal([...new Tensor('int32', [-(2 ** 31), 2 ** 31 - 1]).data], [-(2 ** 31), 2 ** 31 - 1]);
  assert.equal([...new Tensor('uint8', [0, 255]).data], [0, 255]);
  assert.equal([...new Tensor('int64', [2 ** 60, -5, 7n]).data], [2n ** 60n, -5n, 7n]);
  assert.equal([...new Tensor('uint64', [2n ** 64n - 1n]).data], [2n ** 64n - 1n]);
});

test('bool: true/false or 0/1, nothing else', () => {
  throws(
    () => new Tensor('bool', [0, 2, -1]),
    'ERR_INVALID_ARGUMENT',
    'expected a boolean (or 0 or 1) for data[1] of a bool tensor, received number 2',
  );
  throws(() => new Tensor('bool', [true, 'yes']), 'ERR_INVALID_ARGUMENT', /data\[1\] of a bool tensor, received string "yes"$/);
  assert.equal([...new Tensor('bool', [0, 1, true, false]).data], [0, 1, 1, 0]);
});

test('float32: rounds like Float32Array; a finite number beyond float32 is refused, Infinity and NaN are kept', () => {
  assert.equal([...new Tensor('float32', [0.1, 1e-50]).data], [Math.fround(0.1), 0]);
  throws(
    () => new Tensor('float32', [1e39]),
    'ERR_INVALID_ARGUMENT',
    /^expected a number within float32's range .* for data\[0\] of a float32 tensor, received number 1e\+39$/,
  );
  const t = new Tensor('float32', [Infinity, NaN]);
  assert.is(t.data[0], Infinity);
  assert.ok(Number.isNaN(t.data[1]));
  assert.is(new Tensor('float64', [1e300]).data[0], 1e300);
});

test('4-bit and float8 types take their packed Uint8Array only', () => {
  throws(
    () => new Tensor('uint4', [1, 2]),
    'ERR_INVALID_ARGUMENT',
    'expected a Uint8Array (two 4-bit values per byte) for data of a uint4 tensor, received array of length 2',
  );
  throws(() => new Tensor('float8e5m2', [1]), 'ERR_INVALID_ARGUMENT', /a Uint8Array \(float8e5m2 bit patterns\)/);
  assert.is(new Tensor('uint4', new Uint8Array([0x21]), [2]).size, 2);
});

test.run();
