// Seeded random cases against the real test models: feeds (names, value kinds, dtypes, dims,
// data of every shape and state — detached, shared, resizable, proxies, getters), fetches, run
// options, session options and call orders (concurrent runs, release and dispose mid-flight,
// abort). Every case must resolve with well-formed outputs (and the right values where an
// oracle exists) or reject with an OrtexError of a code in the error table. Anything else —
// another exception, a malformed result — is a finding; a crash is found by the parent.
// argv: seed, seconds. Prints one JSON line: { seed, cases, resolved, rejected, codes, findings }.
import { ERROR_CODES, InferenceSession, isOrtexError, TENSOR_TYPES, Tensor } from '../../../dist/index.js';
import { elementTypeByName } from '../../../dist/tensor/element-types.js';
import { createSeededRandom } from '../../../tools/seeded-random.mjs';

const seed = Number(process.argv[2] ?? 1);
const seconds = Number(process.argv[3] ?? 20);
const random = createSeededRandom(seed);
const models = new URL('../../models/', import.meta.url);
const MODELS = [
  'identity_float32',
  'identity_int64',
  'identity_uint8',
  'identity_bool',
  'identity_string',
  'identity_float16',
  'identity_int4',
  'mlp_256_512_512_10',
  'demo',
  'shapes',
  'seq',
  'seq_out',
  'optional',
  'zipmap',
  'row_gather',
  'bad_runtime',
  'relu',
];
const TYPES = [...TENSOR_TYPES];
// The TypedArray each type is stored in (float16 and bfloat16 as Uint16Array, 4-bit types packed
// in Uint8Array), from the library's own table; undefined for string.
const ARRAYS = Object.fromEntries(TYPES.map((t) => [t, elementTypeByName(t).array]));
const ORACLE = new Set(MODELS.filter((m) => m.startsWith('identity_')));

const int = (n) => Math.floor(random() * n);
const chance = (p) => random() < p;
const pick = (xs) => xs[int(xs.length)];

const stats = { cases: 0, resolved: 0, rejected: 0, codes: {}, findings: [] };
// Outputs of earlier runs (ORT memory), fed again as inputs or fetch targets.
const recent = [];
const outputs = new WeakSet();
const finding = (what, detail) => {
  if (stats.findings.length < 20) stats.findings.push({ case: stats.cases, what, detail: String(detail).slice(0, 400) });
};

/** A dim: mostly small, sometimes symbolic-sized, sometimes hostile. */
function dim(spec) {
  if (typeof spec === 'number' && chance(0.85)) return spec;
  if (chance(0.9)) return int(5);
  return pick([-1, 1.5, NaN, Infinity, 2 ** 40, 2 ** 53, 65, '3', null, undefined, 0]);
}

/** Data for `count` elements of `type`, in some (possibly wrong) form. */
function data(type, count) {
  const n = chance(0.9) ? count : pick([0, count + 1, Math.max(0, count - 1), count * 2]);
  const Ctor = ARRAYS[type];
  const storage = type === 'int4' || type === 'uint4' ? Math.ceil(n / 2) : n;
  switch (int(9)) {
    case 0:
      return Array.from({ length: n }, () => (type === 'string' ? `s${int(100)}` : int(7) - 3));
    case 1:
      return type === 'string' ? Array.from({ length: n }, () => pick(['', 'a', 'é', '\u0000x', 'long'.repeat(20)])) : new Float32Array(n);
    case 2: {
      if (!Ctor) return pick([null, 42, {}, 'text']);
      const shared = new Ctor(new SharedArrayBuffer(storage * Ctor.BYTES_PER_ELEMENT));
      return shared;
    }
    case 3: {
      if (!Ctor) return [];
      const buffer = new ArrayBuffer(storage * Ctor.BYTES_PER_ELEMENT, { maxByteLength: (storage + 8) * Ctor.BYTES_PER_ELEMENT });
      return new Ctor(buffer);
    }
    case 4: {
      if (!Ctor) return ['a'];
      const a = new Ctor(storage);
      if (chance(0.5)) structuredClone(a.buffer, { transfer: [a.buffer] }); // detached
      return a;
    }
    case 5:
      return pick([null, undefined, 7, 'x', {}, [], [[1]], new DataView(new ArrayBuffer(8))]);
    default: {
      if (!Ctor) return Array.from({ length: n }, () => 'z');
      const a = new Ctor(storage);
      if (Ctor === BigInt64Array || Ctor === BigUint64Array) a.fill(BigInt(int(5)));
      else if (type === 'bool') a.fill(int(2));
      else a.fill(int(5));
      return a;
    }
  }
}

/** A value for an input of `meta`: usually plausible, sometimes not. */
function value(meta, depth = 0) {
  if (chance(0.05)) return pick([null, undefined, 1, 'x', [], {}, new Float32Array(3)]);
  if (recent.length && chance(0.15)) {
    const earlier = pick(recent);
    if (!meta?.type || earlier.type === meta.type) return earlier;
  }
  if (meta?.kind === 'sequence' && chance(0.8) && depth < 2) {
    return Array.from({ length: int(4) }, () => value(meta.element ?? { kind: 'tensor', type: 'float32', shape: [1, 3] }, depth + 1));
  }
  if (meta?.kind === 'optional' && chance(0.3)) return chance(0.5) ? null : undefined;
  const inner = meta?.kind === 'optional' ? meta.element : meta;
  const type = inner?.type && chance(0.85) ? inner.type : pick(TYPES);
  const shape = inner?.shape ?? [int(4)];
  const rank = chance(0.9) ? shape.length : int(4);
  const dims = Array.from({ length: rank }, (_, i) => dim(shape[i] ?? 2));
  const count = dims.reduce((a, d) => a * (Number.isInteger(d) && d >= 0 && d < 1e6 ? d : 1), 1);
  const d = data(type, count);
  let t;
  try {
    t = chance(0.1) ? { type, data: d, dims } : new Tensor(type, d, dims);
  } catch (e) {
    if (!isOrtexError(e)) finding('new Tensor threw a non-OrtexError', `${e?.constructor?.name}: ${e?.message}`);
    return d; // feed the raw data instead
  }
  if (t instanceof Tensor && chance(0.05)) {
    // Hostile: a dims array with a getter (replacing dims may be refused: fine).
    const hostile = [...dims];
    Object.defineProperty(hostile, 0, {
      get: () => {
        globalThis.gc?.();
        return dims[0];
      },
      enumerable: true,
    });
    try {
      Object.defineProperty(t, 'dims', { value: hostile });
    } catch {
      /* immutable tensors */
    }
  }
  return t;
}

function feedsFor(session) {
  const feeds = chance(0.05) ? Object.create({ inherited: new Tensor('float32', [1], [1]) }) : {};
  session.inputMetadata.forEach((m) => {
    if (chance(0.93)) feeds[m.name] = value(m);
  });
  if (chance(0.05)) feeds[pick(['extra', '__proto__', 'constructor', ''])] = value(undefined);
  return chance(0.03) ? pick([null, [], new Tensor('float32', [1], [1]), 'feeds']) : feeds;
}

function fetchesFor(session) {
  if (chance(0.7)) return undefined;
  if (chance(0.4)) return session.outputNames.filter(() => chance(0.6)).concat(chance(0.1) ? ['nope'] : []);
  const f = {};
  session.outputMetadata.forEach((m) => {
    if (chance(0.6)) f[m.name] = chance(0.4) ? null : value(m);
  });
  return f;
}

function runOptions() {
  if (chance(0.5)) return undefined;
  const o = {};
  if (chance(0.5)) o.mode = pick(['auto', 'async', 'inline', 'inline', 'fast', 1]);
  if (chance(0.2)) o.tag = pick(['t', 5, '']);
  if (chance(0.2)) o.logSeverityLevel = pick([0, 3, 4, 9, -1, '3']);
  if (chance(0.1)) o.configEntries = pick([{ a: 'b' }, null, 5, { 'memory.enable_memory_arena_shrinkage': 'cpu:0' }]);
  if (chance(0.15)) {
    const ac = new AbortController();
    if (chance(0.5)) ac.abort();
    else setTimeout(() => ac.abort(), int(3));
    o.signal = ac.signal;
  }
  if (chance(0.05)) o.outputLocation = pick(['gpu', 'cpu', 'disk']);
  if (chance(0.05)) o[pick(['terminate', 'extra', 'bogus'])] = true;
  return o;
}

function sessionOptions() {
  if (chance(0.7)) return undefined;
  const o = {};
  if (chance(0.3)) o.intraOpNumThreads = pick([1, 2, 0, -1, 1.5, 2000]);
  if (chance(0.2)) o.graphOptimizationLevel = pick(['all', 'basic', 'none', 3]);
  if (chance(0.2)) o.logSeverityLevel = pick([3, 4, 7]);
  if (chance(0.2)) o.inlineThresholdUs = pick([0, 1e9, -5]);
  if (chance(0.2)) o.copyOutputsBelowBytes = pick([0, 1 << 20, -1, 0.5]);
  if (chance(0.1)) o.freeDimensionOverrides = pick([{ N: 2 }, { N: -1 }, { unknown: 1 }, 5]);
  if (chance(0.1)) o.executionProviders = pick([['cpu'], ['nope'], [{ name: 'cpu', useArena: false }], 'cpu']);
  if (chance(0.05)) o.externalDataDirectory = pick(['/', '', '/no/such/dir', 7]);
  if (chance(0.05)) o.bogus = 1;
  return o;
}

// The fetch targets of the current run: the caller's own tensors, which it may have meddled with.
let targets = new Set();

/**
 * What the caller does while a run is in flight: take back, overwrite or free what it gave.
 * Returns true when it wrote into an output of an earlier run: ortex's own memory is read in
 * place even off the JS thread, so such a run may see the writes (a race of the caller's, like
 * writing into any buffer while it is being read), and its values are not checked.
 */
function meddle(feeds, fetches) {
  let racy = false;
  const tensors = [...Object.values(feeds ?? {}), ...Object.values(fetches && !Array.isArray(fetches) ? fetches : {})].filter(
    (v) => v instanceof Tensor && !v.disposed && v.location === 'cpu',
  );
  for (const t of tensors) {
    const action = int(4);
    const view = ArrayBuffer.isView(t.data) && t.data.byteLength > 0 ? t.data : undefined;
    if (action === 0) {
      t.dispose(); // frees an output's memory early; a no-op for other tensors
    } else if (action === 1 && view && !(view.buffer instanceof SharedArrayBuffer)) {
      // Taken back (transferred) and overwritten by its new owner; ortex's own memory is copied
      // by structuredClone instead (not transferable).
      new Uint8Array(structuredClone(view.buffer, { transfer: [view.buffer] })).fill(0xee);
    } else if (action === 2 && view) {
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength).fill(0xdd); // overwritten in place
      racy ||= outputs.has(t) || recent.some((o) => !o.disposed && o.data.buffer === view.buffer);
    }
  }
  globalThis.gc?.();
  return racy;
}

/** Checks a resolved result: every fetched output a well-formed value. */
function checkResult(session, result, modelName, sent) {
  if (result === null || typeof result !== 'object') return finding('run resolved to a non-object', typeof result);
  for (const [name, v] of Object.entries(result)) {
    if (!session.outputNames.includes(name)) finding('unknown output in the result', name);
    if (targets.has(v)) continue;
    if (v instanceof Tensor && !v.disposed && v.location === 'cpu') {
      const size = v.dims.reduce((a, b) => a * b, 1);
      const length = v.type === 'int4' || v.type === 'uint4' ? Math.ceil(size / 2) : size;
      if (v.size !== size || v.data.length !== length)
        finding('output data does not match its dims', `${name} ${v.type} [${v.dims}] ${v.data.length}`);
      if (ORACLE.has(modelName) && name === 'y' && sent && sent.length === v.data.length) {
        const same = Array.from(v.data).every((e, i) => Object.is(e, sent[i]) || (Number.isNaN(e) && Number.isNaN(sent[i])));
        if (!same) finding('identity returned other values than it was given', `${modelName} [${v.dims}]`);
      }
      outputs.add(v);
      if (recent.length < 16) recent.push(v);
      else recent[int(recent.length)] = v;
    }
  }
}

function classify(outcome) {
  if (outcome.status === 'fulfilled') {
    stats.resolved++;
    return;
  }
  stats.rejected++;
  const e = outcome.reason;
  if (!isOrtexError(e) || !Object.hasOwn(ERROR_CODES, e.code)) {
    finding(
      'rejected with something other than a coded OrtexError',
      `${e?.constructor?.name} ${e?.code}: ${e?.message}\n${e?.stack?.split('\n').slice(1, 4).join(' | ')}`,
    );
    return;
  }
  stats.codes[e.code] = (stats.codes[e.code] ?? 0) + 1;
}

/** Calls `fn`, which may throw synchronously or return a promise; returns a settled outcome. */
async function outcome(fn) {
  try {
    return { status: 'fulfilled', value: await fn() };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
}

const deadline = Date.now() + seconds * 1000;
const pool = new Map();
async function session(name) {
  if (!pool.has(name) || pool.get(name).released) {
    pool.set(name, await InferenceSession.create(new URL(`${name}.onnx`, models).pathname, { logSeverityLevel: 4 }));
  }
  return pool.get(name);
}

while (Date.now() < deadline) {
  stats.cases++;
  const name = pick(MODELS);
  const op = int(10);
  if (op === 0) {
    // create() with random options
    const r = await outcome(() => InferenceSession.create(new URL(`${name}.onnx`, models).pathname, sessionOptions()));
    classify(r);
    if (r.status === 'fulfilled') await r.value.release();
    continue;
  }
  const s = await session(name);
  if (op <= 6) {
    // one run
    const feeds = feedsFor(s);
    const fetches = fetchesFor(s);
    const options = runOptions();
    // What the run was given, as the caller saw it when calling (the oracle for identities).
    const x = feeds?.x;
    const sent = x instanceof Tensor && !x.disposed && x.location === 'cpu' && x.data?.length ? Array.from(x.data) : undefined;
    targets = new Set(fetches && !Array.isArray(fetches) ? Object.values(fetches) : []);
    const running = outcome(() => (fetches === undefined ? s.run(feeds, options) : s.run(feeds, fetches, options)));
    // Meddling after an inline run returned changes nothing; after an async one, it must not either.
    const racy = chance(0.3) && meddle(feeds, fetches);
    const r = await running;
    classify(r);
    if (r.status === 'fulfilled') {
      checkResult(s, r.value, name, racy ? undefined : sent);
      for (const v of Object.values(r.value)) if (v instanceof Tensor && chance(0.3)) v.dispose();
    }
  } else if (op <= 8) {
    // several runs at once, with dispose or release in the middle
    const feeds = Array.from({ length: 1 + int(6) }, () => feedsFor(s));
    const runs = feeds.map((f) => outcome(() => s.run(f, runOptions())));
    const middle = int(3);
    if (middle === 0) s.release();
    if (middle === 1) for (const f of feeds) for (const v of Object.values(f ?? {})) if (v instanceof Tensor && chance(0.3)) v.dispose();
    for (const r of await Promise.all(runs)) {
      classify(r);
      stats.cases++;
    }
  } else {
    // release, then use
    await s.release();
    classify(await outcome(() => s.run(feedsFor(s))));
  }
}
for (const s of pool.values()) await s.release();
console.log(JSON.stringify({ seed, seconds, ...stats }));
