// Compare an actual output (already normalised to the plain forms of load-pb.mjs)
// with the expected value from output_K.pb. Returns null when they match, else a
// short description of the first difference.
//
// Rules (as ONNX's backend runner, onnx/backend/test/runner):
//   - tensors: same element type, same dims;
//   - float32/float64/float16/bfloat16/complex: |actual - expected| <= atol + rtol*|expected|
//     (numpy.testing.assert_allclose), NaN == NaN, +-Inf must match exactly;
//   - ints, bool (as truthiness) and strings: exact;
//   - sequences element-wise, maps by key, optional: null must be null.

const FLOAT_TYPES = new Set(['float32', 'float64', 'float16', 'bfloat16', 'complex64', 'complex128']);

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function bfloat16ToNumber(bits) {
  u32[0] = bits << 16;
  return f32[0];
}

export function float16ToNumber(bits) {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

function floatView(t) {
  if (t.type === 'float16') return (i) => float16ToNumber(t.data[i]);
  if (t.type === 'bfloat16') return (i) => bfloat16ToNumber(t.data[i]);
  return (i) => Number(t.data[i]);
}

export function closeEnough(e, a, rtol, atol) {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  if (!Number.isFinite(a)) return false;
  return Math.abs(a - e) <= atol + rtol * Math.abs(e);
}

const fmt = (v) => (typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v));

export const isTensorLike = (v) =>
  v != null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Map) && 'type' in v && 'data' in v && 'dims' in v;

function describe(v) {
  if (v === null) return 'none (null)';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `sequence[${v.length}]`;
  if (v instanceof Map) return `map{${v.size}}`;
  if (isTensorLike(v)) return `tensor(${v.type})[${v.dims}]`;
  return typeof v;
}

function compareTensor(e, a, where, tol) {
  if (a.type !== e.type) return `${where}: type: expected ${e.type}, got ${a.type}`;
  const ad = Array.from(a.dims, Number);
  if (ad.length !== e.dims.length || ad.some((d, i) => d !== e.dims[i])) return `${where}: dims: expected [${e.dims}], got [${ad}]`;
  if (!a.data || a.data.length !== e.data.length) return `${where}: expected ${e.data.length} elements, got ${a.data?.length}`;
  const n = e.data.length;
  let bad = 0;
  let first = -1;
  let maxAbs = 0;
  if (FLOAT_TYPES.has(e.type)) {
    const ev = floatView(e);
    const av = floatView(a);
    for (let i = 0; i < n; i++) {
      const x = ev(i);
      const y = av(i);
      if (!closeEnough(x, y, tol.rtol, tol.atol)) {
        bad++;
        if (first < 0) first = i;
        const d = Math.abs(y - x);
        if (Number.isFinite(d) && d > maxAbs) maxAbs = d;
      }
    }
    if (bad)
      return `${where}: ${bad}/${n} elements differ beyond rtol=${tol.rtol} atol=${tol.atol}; first at [${first}]: expected ${ev(first)}, got ${av(first)}; max abs diff ${maxAbs.toPrecision(4)}`;
    return null;
  }
  const eq = e.type === 'bool' ? (x, y) => !x === !y : (x, y) => x === y;
  for (let i = 0; i < n; i++) {
    if (!eq(e.data[i], a.data[i])) {
      bad++;
      if (first < 0) first = i;
    }
  }
  if (bad) return `${where}: ${bad}/${n} elements differ; first at [${first}]: expected ${fmt(e.data[first])}, got ${fmt(a.data[first])}`;
  return null;
}

const keyOf = (k) => (typeof k === 'bigint' || typeof k === 'number' ? `#${k}` : `s:${k}`);

function compareScalar(e, a, where, tol) {
  if (typeof e === 'number' && typeof a === 'number')
    return closeEnough(e, a, tol.rtol, tol.atol) ? null : `${where}: expected ${e}, got ${a}`;
  if (typeof e === 'bigint' && (typeof a === 'bigint' || typeof a === 'number'))
    return BigInt(a) === e ? null : `${where}: expected ${e}, got ${a}`;
  return e === a ? null : `${where}: expected ${fmt(e)} (${typeof e}), got ${fmt(a)} (${typeof a})`;
}

export function compareValue(expected, actual, where, tol) {
  if (expected === null) return actual === null ? null : `${where}: expected none (null), got ${describe(actual)}`;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${where}: expected sequence[${expected.length}], got ${describe(actual)}`;
    if (actual.length !== expected.length) return `${where}: expected sequence of ${expected.length}, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = compareValue(expected[i], actual[i], `${where}[${i}]`, tol);
      if (d) return d;
    }
    return null;
  }
  if (expected instanceof Map) {
    if (!(actual instanceof Map)) return `${where}: expected map{${expected.size}}, got ${describe(actual)}`;
    if (actual.size !== expected.size) return `${where}: expected ${expected.size} map entries, got ${actual.size}`;
    const am = new Map([...actual].map(([k, v]) => [keyOf(k), v]));
    for (const [k, v] of expected) {
      if (!am.has(keyOf(k))) return `${where}: key ${fmt(k)} missing`;
      const av = am.get(keyOf(k));
      const d = typeof v === 'object' ? compareValue(v, av, `${where}{${k}}`, tol) : compareScalar(v, av, `${where}{${k}}`, tol);
      if (d) return d;
    }
    return null;
  }
  if (isTensorLike(expected)) {
    if (!isTensorLike(actual)) return `${where}: expected ${describe(expected)}, got ${describe(actual)}`;
    return compareTensor(expected, actual, where, tol);
  }
  return compareScalar(expected, actual, where, tol);
}
