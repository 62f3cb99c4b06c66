// Compatibility: an invalid call fails with the built-in class onnxruntime-common (and
// onnxruntime-node's binding) throw for it: TypeError for a wrong type or form, RangeError for a
// value out of range, a plain Error for input that does not fit the model or a load failure.
// Each case runs on onnxruntime-node and on ortex; on ortex the error is also a coded OrtexError
// (isOrtexError, instanceof OrtexError, `code`), named like the built-in it is.
// Expected classes follow onnxruntime-common's inference-session-impl.ts / tensor-impl.ts /
// tensor-utils-impl.ts and onnxruntime-node's session_options_helper.cc / tensor_helper.cc.
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import { model } from '../helpers/index.mjs';
import { CONTENDERS, check, summary } from './contenders.mjs';

const PATH = model('identity_float32.onnx'); // x: float32 [N, 3] -> y
const BYTES = readFileSync(PATH);
/** The model's bytes at offset 16 of a larger ArrayBuffer, with 16 bytes after. */
const PADDED = (() => {
  const b = new Uint8Array(BYTES.byteLength + 32);
  b.set(BYTES, 16);
  return b.buffer;
})();
const AB = PADDED.slice(16, 16 + BYTES.byteLength);

const create = (lib, ...args) => lib.InferenceSession.create(...args);
const opts = (o) => (lib) => create(lib, PATH, o);
const sessions = new Map();
const x = (lib) => new lib.Tensor('float32', new Float32Array(6), [2, 3]);
/** run(feeds-maker, ...rest) on the contender's session. */
const run =
  (feeds, ...rest) =>
  (lib) =>
    sessions.get(lib).run(typeof feeds === 'function' ? feeds(lib) : feeds, ...rest.map((r) => (typeof r === 'function' ? r(lib) : r)));
const good = (lib) => ({ x: x(lib) });
const tensor =
  (...args) =>
  (lib) =>
    new lib.Tensor(...args);

const CASES = [
  // InferenceSession.create() arguments
  ['create(): no argument', 'TypeError', (lib) => create(lib)],
  ['create(number)', 'TypeError', (lib) => create(lib, 42)],
  ['create(path, "cpu"): options not an object', 'TypeError', (lib) => create(lib, PATH, 'cpu')],
  ['create(Uint8Array, "cpu")', 'TypeError', (lib) => create(lib, new Uint8Array(BYTES), 'cpu')],
  ['create(buffer, -1): byteOffset negative', 'RangeError', (lib) => create(lib, AB, -1)],
  ['create(buffer, 1e8): byteOffset past the end', 'RangeError', (lib) => create(lib, AB, 1e8)],
  ['create(buffer, 1.5): byteOffset not an integer', 'RangeError', (lib) => create(lib, AB, 1.5)],
  ['create(buffer, 0, -1): byteLength negative', 'RangeError', (lib) => create(lib, AB, 0, -1)],
  ['create(buffer, 0, 1e8): byteLength past the end', 'RangeError', (lib) => create(lib, AB, 0, 1e8)],
  ['create(buffer, 0, "x"): byteLength not a number', 'TypeError', (lib) => create(lib, AB, 0, 'x')],
  ['create(buffer, offset, length, "cpu")', 'TypeError', (lib) => create(lib, PADDED, 16, BYTES.byteLength, 'cpu')],
  ['create(missing file)', 'Error', (lib) => create(lib, '/this/is/not/a/model.onnx')],
  ['create(empty Uint8Array)', 'Error', (lib) => create(lib, new Uint8Array(0))],
  // session options
  ['intraOpNumThreads: "x"', 'TypeError', opts({ intraOpNumThreads: 'x' })],
  ['intraOpNumThreads: 1.5', 'RangeError', opts({ intraOpNumThreads: 1.5 })],
  ['intraOpNumThreads: -1', 'RangeError', opts({ intraOpNumThreads: -1 })],
  ['interOpNumThreads: "x"', 'TypeError', opts({ interOpNumThreads: 'x' })],
  ['interOpNumThreads: 1.5', 'RangeError', opts({ interOpNumThreads: 1.5 })],
  ['interOpNumThreads: -1', 'RangeError', opts({ interOpNumThreads: -1 })],
  ['graphOptimizationLevel: 0', 'TypeError', opts({ graphOptimizationLevel: 0 })],
  ['graphOptimizationLevel: "fast"', 'TypeError', opts({ graphOptimizationLevel: 'fast' })],
  ['enableCpuMemArena: 0', 'TypeError', opts({ enableCpuMemArena: 0 })],
  ['enableMemPattern: 0', 'TypeError', opts({ enableMemPattern: 0 })],
  ['executionMode: 0', 'TypeError', opts({ executionMode: 0 })],
  ['executionMode: "fast"', 'TypeError', opts({ executionMode: 'fast' })],
  ['logSeverityLevel: "error"', 'TypeError', opts({ logSeverityLevel: 'error' })],
  ['logSeverityLevel: 8', 'RangeError', opts({ logSeverityLevel: 8 })],
  ['logSeverityLevel: 1.5', 'RangeError', opts({ logSeverityLevel: 1.5 })],
  ['logId: 1', 'TypeError', opts({ logId: 1 })],
  ['optimizedModelFilePath: 1', 'TypeError', opts({ optimizedModelFilePath: 1 })],
  ['enableProfiling: "yes"', 'TypeError', opts({ enableProfiling: 'yes' })],
  ['executionProviders: "cpu" (not an array)', 'TypeError', opts({ executionProviders: 'cpu' })],
  ['extra: "x"', 'TypeError', opts({ extra: 'x' })],
  // run(): feeds
  ['run(null)', 'TypeError', run(null)],
  ['run(1)', 'TypeError', run(1)],
  ['run(tensor)', 'TypeError', run(x)],
  ['run([tensor])', 'TypeError', run((lib) => [x(lib)])],
  ['run({}): input missing', 'Error', run({})],
  ['run({ x: 1 }): a feed that is not a tensor', 'TypeError', run({ x: 1 })],
  [
    'run({ x: float64 tensor }): wrong element type',
    'Error',
    run((lib) => ({ x: new lib.Tensor('float64', new Float64Array(6), [2, 3]) })),
  ],
  ['run({ x: [2, 4] tensor }): wrong dimension', 'Error', run((lib) => ({ x: new lib.Tensor('float32', new Float32Array(8), [2, 4]) }))],
  ['run({ x: rank 1 }): wrong rank', 'Error', run((lib) => ({ x: new lib.Tensor('float32', new Float32Array(3), [3]) }))],
  // run(): fetches and options
  ['run(feeds, null)', 'TypeError', run(good, null)],
  ['run(feeds, 1)', 'TypeError', run(good, 1)],
  ['run(feeds, tensor) as fetches', 'TypeError', run(good, x)],
  ['run(feeds, []): empty fetches', 'TypeError', run(good, [])],
  ['run(feeds, [1, 2]): fetches not strings', 'TypeError', run(good, [1, 2])],
  ['run(feeds, ["nope"]): unknown output name', 'RangeError', run(good, ['nope'])],
  ['run(feeds, ["y"], 1): options not an object', 'TypeError', run(good, ['y'], 1)],
  ['run(feeds, { y: null }, 1)', 'TypeError', run(good, { y: null }, 1)],
  ['run option logSeverityLevel: "error"', 'TypeError', run(good, { logSeverityLevel: 'error' })],
  ['run option logSeverityLevel: 8', 'RangeError', run(good, { logSeverityLevel: 8 })],
  // new Tensor()
  ["new Tensor('a', [1])", 'TypeError', tensor('a', [1, 2, 3, 4], [2, 2])],
  ['new Tensor([]): nothing to infer from', 'TypeError', tensor([])],
  ['new Tensor([{}])', 'TypeError', tensor([{}])],
  ['new Tensor(DataView)', 'TypeError', tensor(new DataView(new ArrayBuffer(4)))],
  ["new Tensor('string', 'abc')", 'TypeError', tensor('string', 'abc')],
  ["new Tensor('int32', Float32Array)", 'TypeError', tensor('int32', new Float32Array(4))],
  ["new Tensor('bool', Uint8ClampedArray)", 'TypeError', tensor('bool', new Uint8ClampedArray(2))],
  ["new Tensor('uint4', numbers)", 'TypeError', tensor('uint4', [1, 2])],
  ["new Tensor('int4', numbers)", 'TypeError', tensor('int4', [1, 2])],
  ['dims {}', 'TypeError', tensor(new Float32Array(4), {})],
  ["dims [1, 2, '']", 'TypeError', tensor(new Float32Array(4), [1, 2, ''])],
  ['dims [1, 2, 1.5]', 'TypeError', tensor(new Float32Array(4), [1, 2, 1.5])],
  ['dims [1, 2, -1]', 'RangeError', tensor(new Float32Array(4), [1, 2, -1])],
  ['dims [10, 8] for 4 elements', 'Error', tensor(new Float32Array(4), [10, 8])],
];
for (const type of ['float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float16', 'bool']) {
  CASES.push([`new Tensor('${type}', {}, [2, 2])`, 'TypeError', tensor(type, {}, [2, 2])]);
  CASES.push([`new Tensor('${type}', ArrayBuffer, [2, 2])`, 'TypeError', tensor(type, new ArrayBuffer(16), [2, 2])]);
}

test.before(async () => {
  for (const c of CONTENDERS) sessions.set(c.lib, await c.lib.InferenceSession.create(PATH));
});
test.after(async () => {
  for (const s of sessions.values()) await s.release();
  summary('error-classes');
});

for (const [what, expected, call] of CASES) {
  for (const c of CONTENDERS) test(`${c.name}: ${what} -> ${expected}`, () => check(c, what, expected, call).then(() => undefined));
}

test.run();
