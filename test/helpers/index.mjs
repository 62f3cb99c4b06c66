// Shared test helpers: model paths, seeded random data, numeric comparison, coded-error assertions,
// float16/bfloat16 bit conversions and child-process runners.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as assert from 'uvu/assert';
import { isOrtexError, OrtexError, stats } from '../../dist/index.js';

export const TEST_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = join(TEST_DIR, '..');
export const MODELS = join(TEST_DIR, 'models');
/** URL of the built package entry, for child processes and workers. */
export const DIST_URL = pathToFileURL(join(ROOT, 'dist', 'index.js')).href;

/** Path of a project test model, e.g. model('demo.onnx'). */
export const model = (name) => join(MODELS, name);

const OCR = join(ROOT, 'node_modules', '@gutenye', 'ocr-models', 'assets');
export const REAL = Object.freeze({
  det: join(OCR, 'ch_PP-OCRv4_det_infer.onnx'),
  rec: join(OCR, 'ch_PP-OCRv4_rec_infer.onnx'),
  cls: join(OCR, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
  vad: join(ROOT, 'node_modules', '@ricky0123', 'vad-web', 'dist', 'silero_vad_v5.onnx'),
});

/** mulberry32: deterministic uniform floats in [0, 1) (the generator tools/ builds test weights with). */
import { createSeededRandom as seeded } from '../../tools/seeded-random.mjs';
export { seeded };

/** Float32Array of `n` values uniform in [lo, hi) from `seed`. */
export function randomFloat32(seed, n, lo = -1, hi = 1) {
  const next = seeded(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/**
 * Asserts two numeric arrays have the same length and agree element-wise within
 * |a - e| <= atol + rtol * max(|a|, |e|). NaN must match NaN.
 */
export function closeTo(actual, expected, { rtol = 1e-5, atol = 0, what = 'values' } = {}) {
  assert.is(actual.length, expected.length, `${what}: length ${actual.length} ≠ ${expected.length}`);
  let worst = -1,
    worstErr = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]),
      e = Number(expected[i]);
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) {
        worst = i;
        worstErr = Infinity;
        break;
      }
      continue;
    }
    if (a === e) continue;
    const err = Math.abs(a - e) - (atol + rtol * Math.max(Math.abs(a), Math.abs(e)));
    if (err > 0 && err > worstErr) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) {
    assert.unreachable(`${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

/** Asserts byte-for-byte equality of two TypedArrays' contents (bit patterns, NaN payloads, -0). */
export function sameBytes(actual, expected, what = 'data') {
  assert.ok(ArrayBuffer.isView(actual), `${what}: expected a TypedArray, got ${Object.prototype.toString.call(actual)}`);
  assert.is(actual.constructor.name, expected.constructor.name, `${what}: array type`);
  assert.is(actual.byteLength, expected.byteLength, `${what}: byteLength`);
  const a = new Uint8Array(actual.buffer, actual.byteOffset, actual.byteLength);
  const e = new Uint8Array(expected.buffer, expected.byteOffset, expected.byteLength);
  for (let i = 0; i < e.length; i++) {
    if (a[i] !== e[i]) assert.unreachable(`${what}: byte ${i} is ${a[i]}, expected ${e[i]}`);
  }
}

function checkError(e, code, message) {
  if (!(e instanceof OrtexError) || !isOrtexError(e)) {
    assert.unreachable(`expected an OrtexError ${code}, got ${e?.constructor?.name}: ${e?.code ?? ''} ${e?.message ?? e}`);
  }
  // Validation errors are ortex's TypeError / RangeError subclasses (onnxruntime-common's classes).
  assert.ok(['OrtexError', 'TypeError', 'RangeError'].includes(e.name), `error name ${e.name}`);
  assert.is(e.code, code, `expected code ${code}, got ${e.code}: ${e.message}`);
  if (message !== undefined) {
    const ok = message instanceof RegExp ? message.test(e.message) : e.message === message;
    assert.ok(ok, `message ${JSON.stringify(e.message)} does not match ${message}`);
  }
  return e;
}

/**
 * Awaits a promise (or calls an async function) that must reject with an OrtexError of `code`
 * whose message matches `message` (RegExp, or exact string). Returns the error.
 */
export async function rejects(promiseOrFn, code, message) {
  let p;
  try {
    p = typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn;
  } catch (e) {
    assert.unreachable(`expected a rejected promise, but the call threw synchronously: ${e?.code} ${e?.message}`);
  }
  assert.ok(p && typeof p.then === 'function', 'expected a promise');
  try {
    await p;
  } catch (e) {
    return checkError(e, code, message);
  }
  assert.unreachable(`expected a rejection with ${code}, but it resolved`);
}

/** Calls `fn`, which must throw an OrtexError of `code` synchronously. Returns the error. */
export function throws(fn, code, message) {
  try {
    fn();
  } catch (e) {
    return checkError(e, code, message);
  }
  assert.unreachable(`expected ${code} to be thrown`);
}

/** Escapes a literal for use in a RegExp. */
export const re = (s) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

/**
 * Collects (under --expose-gc) until garbage of earlier tests has been finalized: their output
 * buffers and sessions stop changing stats() counters while a test measures. Returns stats().
 */
export async function settledStats() {
  if (typeof globalThis.gc !== 'function') return stats();
  let last = '';
  for (let round = 0; round < 20; round++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
    const { outputBuffersLive, sessionsReleased } = stats();
    const now = `${outputBuffersLive}/${sessionsReleased}`;
    if (now === last) break;
    last = now;
  }
  return stats();
}

/** Runs `fn` and returns [result, difference of stats() counters], counted from a settled heap. */
export async function statsDelta(fn) {
  const before = await settledStats();
  const result = await fn();
  const after = stats();
  const delta = {};
  for (const k of Object.keys(after)) delta[k] = after[k] - before[k];
  return [result, delta];
}

/** float32 → bfloat16 bits, round to nearest even (NaN stays NaN). */
export function toBfloat16Bits(x) {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  if (Number.isNaN(x)) return ((u >>> 16) | 0x40) & 0xffff;
  return ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bfloat16 bits → number. */
export function fromBfloat16Bits(b) {
  return new Float32Array(new Uint32Array([(b & 0xffff) << 16]).buffer)[0];
}

/** Collects Promise.allSettled outcomes into { values, errors }. */
export async function settle(promises) {
  const r = await Promise.allSettled(promises);
  return {
    values: r.filter((x) => x.status === 'fulfilled').map((x) => x.value),
    errors: r.filter((x) => x.status === 'rejected').map((x) => x.reason),
    all: r,
  };
}

/**
 * Runs `node --input-type=module -e <code>` in a child process (cwd: repo root).
 * Resolves to { code, signal, stdout, stderr }. The code can import DIST_URL.
 */
export function runNode(code, { env = {}, timeoutMs = 60_000, args = [] } = {}) {
  return spawnNode([...args, '--input-type=module', '-e', code], { env, timeoutMs });
}

/**
 * Runs the script `file` (a child script beside its test) with `args` in a child process (cwd: repo
 * root). Resolves to { code, signal, stdout, stderr }; killed after `timeoutMs`.
 */
export function runScript(file, args = [], { env = {}, timeoutMs = 60_000, nodeArgs = [] } = {}) {
  return spawnNode([...nodeArgs, file, ...args], { env, timeoutMs });
}

function spawnNode(argv, { env, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '',
      stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Runs a child script (a real file, with --expose-gc) to completion and returns its stdout as
 * parsed JSON lines. A crash (a signal) or a non-zero exit fails the calling test.
 */
export function childJsonLines(script, args = [], { timeoutMs = 120_000 } = {}) {
  const r = spawnSync(process.execPath, ['--expose-gc', script, ...args.map(String)], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 << 20,
  });
  const what = [script.split('/').pop(), ...args].join(' ');
  assert.is(r.signal, null, `${what}: the child died with ${r.signal}: ${r.stderr.slice(-1500)}`);
  assert.is(r.status, 0, `${what}: exit ${r.status}: ${r.stderr.slice(-1500)}`);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** The last line of a child's stdout parsed as JSON. */
export function lastJson(stdout) {
  const lines = stdout.trim().split('\n').filter(Boolean);
  assert.ok(lines.length > 0, 'child printed nothing');
  return JSON.parse(lines[lines.length - 1]);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns truthy (or throws after `ms`). */
export async function waitFor(fn, ms = 10_000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
