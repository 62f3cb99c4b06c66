// Feed, fetch, run-option and session-option validation: coded errors with the one message template
// "expected X for Y, received Z"; a failed validation leaves the session usable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InferenceSession, Tensor, stats } from '../dist/index.js';
import { model, rejects, closeTo } from './helpers/index.mjs';
import { ort, refRun } from './helpers/reference.mjs';

let shapes, demo;
test.before(async () => {
  shapes = await InferenceSession.create(model('shapes.onnx'));
  demo = await InferenceSession.create(model('demo.onnx'));
});
test.after(async () => {
  await shapes.release();
  await demo.release();
});

const a = (w = 3, data) => new Tensor('float32', data ?? new Float32Array(2 * w).map((_, i) => i + 0.5), [2, w]);
const b = (data = [1n, -2n, 40n]) => new Tensor('int64', new BigInt64Array(data), [3]);

async function goodRun() {
  const out = await shapes.run({ a: a(2, new Float32Array([1, 2, 3, 4])), b: b([5n, 6n, 7n]) });
  assert.equal([...out.a_doubled.data], [2, 4, 6, 8]);
  assert.equal([...out.b_plus_one.data], [6n, 7n, 8n]);
}

test('shapes.onnx metadata is what the validation tests assume', () => {
  assert.equal(shapes.inputNames, ['a', 'b']);
  assert.equal(shapes.outputNames, ['a_doubled', 'b_plus_one']);
  assert.equal(shapes.inputMetadata[0].shape, [2, 'W']);
  assert.equal(shapes.inputMetadata[1].shape, [3]);
});

test('a good run computes a+a and b+1', goodRun);

test('missing input', async () => {
  await rejects(
    shapes.run({ a: a() }),
    'ERR_INVALID_INPUT',
    "expected a value for every required input for feeds, received no value for 'b'",
  );
  await rejects(shapes.run({}), 'ERR_INVALID_INPUT', "expected a value for every required input for feeds, received no value for 'a', 'b'");
  // An input present with no value: either message names the input and what it got.
  await rejects(
    shapes.run({ a: a(), b: undefined }),
    'ERR_INVALID_INPUT',
    /^expected a value for every required input for feeds, received no value for 'b'$|^expected a int64(\[3\])? tensor for input 'b', received undefined$/,
  );
  await rejects(
    shapes.run({ a: null, b: b() }),
    'ERR_INVALID_INPUT',
    /^expected a value for every required input for feeds, received no value for 'a'$|^expected a float32(\[2,W\])? tensor for input 'a', received null$/,
  );
  await goodRun();
});

test('unknown input name', async () => {
  await rejects(
    shapes.run({ a: a(), b: b(), c: b() }),
    'ERR_INVALID_INPUT',
    "expected only the model's inputs ('a', 'b') for feeds, received unknown input 'c'",
  );
  await rejects(shapes.run({ A: a(), b: b() }), 'ERR_INVALID_INPUT', /received unknown input 'A'$/);
  await goodRun();
});

test('wrong element type', async () => {
  await rejects(
    shapes.run({ a: new Tensor('float64', new Float64Array(6), [2, 3]), b: b() }),
    'ERR_INVALID_INPUT',
    "expected a float32 tensor for input 'a', received a float64 tensor",
  );
  await rejects(
    shapes.run({ a: a(), b: new Tensor('int32', new Int32Array(3), [3]) }),
    'ERR_INVALID_INPUT',
    "expected a int64 tensor for input 'b', received a int32 tensor",
  );
  await goodRun();
});

test('wrong rank', async () => {
  await rejects(
    shapes.run({ a: new Tensor('float32', new Float32Array(6), [6]), b: b() }),
    'ERR_INVALID_INPUT',
    "expected rank 2 [2,W] for input 'a', received rank 1 [6]",
  );
  await rejects(
    shapes.run({ a: new Tensor('float32', new Float32Array(6), [1, 2, 3]), b: b() }),
    'ERR_INVALID_INPUT',
    "expected rank 2 [2,W] for input 'a', received rank 3 [1,2,3]",
  );
  await rejects(
    shapes.run({ a: a(), b: new Tensor('int64', new BigInt64Array(3), [1, 3]) }),
    'ERR_INVALID_INPUT',
    "expected rank 1 [3] for input 'b', received rank 2 [1,3]",
  );
  await goodRun();
});

test('wrong static dim', async () => {
  await rejects(
    shapes.run({ a: new Tensor('float32', new Float32Array(6), [3, 2]), b: b() }),
    'ERR_INVALID_INPUT',
    "expected dims [2,W] for input 'a', received [3,2] (dimension 0 is 3, the model requires 2)",
  );
  await rejects(
    shapes.run({ a: a(), b: new Tensor('int64', new BigInt64Array(4), [4]) }),
    'ERR_INVALID_INPUT',
    "expected dims [3] for input 'b', received [4] (dimension 0 is 4, the model requires 3)",
  );
  await goodRun();
});

test('symbolic dims accept any size, including 0', async () => {
  for (const w of [0, 1, 2, 7, 33]) {
    const data = new Float32Array(2 * w).map((_, i) => i * 0.25 - 1);
    const out = await shapes.run({ a: a(w, data), b: b() });
    assert.equal([...out.a_doubled.dims], [2, w]);
    assert.equal(
      [...out.a_doubled.data],
      [...data].map((v) => v * 2),
    );
    assert.equal([...out.b_plus_one.data], [2n, -1n, 41n]);
  }
});

test('feeds must be an object of name → value', async () => {
  const cases = [
    [null, 'null'],
    [undefined, 'undefined'],
    [42, 'number 42'],
    ['a', 'string "a"'],
    [[a(), b()], 'array of length 2'],
    [a(), 'Tensor object'],
  ];
  for (const [feeds, received] of cases) {
    await rejects(shapes.run(feeds), 'ERR_INVALID_INPUT', `expected an object of input name → value for feeds, received ${received}`);
  }
  await goodRun();
});

test('feed values must be tensors', async () => {
  // "a float32 tensor" or, with the declared shape, "a float32[2,W] tensor".
  const A = "^expected a float32(\\[2,W\\])? tensor for input 'a', received ";
  await rejects(shapes.run({ a: new Float32Array(6), b: b() }), 'ERR_INVALID_INPUT', new RegExp(`${A}Float32Array of length 6$`));
  await rejects(shapes.run({ a: 5, b: b() }), 'ERR_INVALID_INPUT', new RegExp(`${A}number 5$`));
  await rejects(shapes.run({ a: [1, 2, 3, 4], b: b() }), 'ERR_INVALID_INPUT', new RegExp(`${A}array of length 4$`));
  await rejects(shapes.run({ a: { type: 'float32', dims: [2, 2] }, b: b() }), 'ERR_INVALID_INPUT', new RegExp(`${A}object$`));
  await rejects(shapes.run({ a: 'x', b: b() }), 'ERR_INVALID_INPUT', new RegExp(`${A}string "x"$`));
  await rejects(shapes.run({ a: a(), b: 1n }), 'ERR_INVALID_INPUT', /^expected a int64(\[3\])? tensor for input 'b', received bigint 1$/);
  await goodRun();
});

test('a disposed tensor as a feed is refused with a coded error', async () => {
  const t = a();
  t.dispose();
  await rejects(shapes.run({ a: t, b: b() }), 'ERR_INVALID_ARGUMENT', /disposed/);
  await goodRun();
});

test('bad fetches: unknown output name, empty array, non-tensor values', async () => {
  const feeds = { a: a(), b: b() };
  await rejects(
    shapes.run(feeds, ['nope']),
    'ERR_INVALID_INPUT',
    `expected names of the model's outputs ('a_doubled', 'b_plus_one') for fetches, received string "nope"`,
  );
  await rejects(shapes.run(feeds, ['a_doubled', 'nope']), 'ERR_INVALID_INPUT', /for fetches, received string "nope"$/);
  await rejects(shapes.run(feeds, [3]), 'ERR_INVALID_INPUT', /for fetches, received number 3$/);
  await rejects(shapes.run(feeds, []), 'ERR_INVALID_INPUT', 'expected at least one output name for fetches, received an empty array');
  await rejects(
    shapes.run(feeds, { a_doubled: 'yes' }),
    'ERR_INVALID_INPUT',
    `expected null or a CPU ortex Tensor for a tensor output for fetches.a_doubled, received string "yes"`,
  );
  await goodRun();
});

test('fetches select a subset of outputs', async () => {
  const out = await shapes.run({ a: a(1, new Float32Array([3, 4])), b: b() }, ['b_plus_one']);
  assert.equal(Object.keys(out), ['b_plus_one']);
  assert.equal([...out.b_plus_one.data], [2n, -1n, 41n]);
  const both = await shapes.run({ a: a(1, new Float32Array([3, 4])), b: b() }, ['b_plus_one', 'a_doubled']);
  assert.equal(Object.keys(both).sort(), ['a_doubled', 'b_plus_one']);
  assert.equal([...both.a_doubled.data], [6, 8]);
});

test('bad run options: unknown key, bad mode, bad signal, bad tag, bad log level', async () => {
  const feeds = { a: a(), b: b() };
  await rejects(
    shapes.run(feeds, { foo: 1 }),
    'ERR_INVALID_ARGUMENT',
    /^expected fetches \(output names\) or run options \(signal, tag, .*mode.*\) for the second argument of run\(\), received key 'foo'$/,
  );
  await rejects(
    shapes.run(feeds, { mode: 'fast' }),
    'ERR_INVALID_ARGUMENT',
    `expected one of 'auto', 'async', 'inline' for run options mode, received string "fast"`,
  );
  await rejects(shapes.run(feeds, { mode: 1 }), 'ERR_INVALID_ARGUMENT', /for run options mode, received number 1$/);
  await rejects(
    shapes.run(feeds, { signal: {} }),
    'ERR_INVALID_ARGUMENT',
    'expected an AbortSignal for run options signal, received object',
  );
  await rejects(
    shapes.run(feeds, { signal: new AbortController() }),
    'ERR_INVALID_ARGUMENT',
    'expected an AbortSignal for run options signal, received AbortController object',
  );
  await rejects(shapes.run(feeds, { tag: 5 }), 'ERR_INVALID_ARGUMENT', 'expected a string for run options tag, received number 5');
  await rejects(
    shapes.run(feeds, { logSeverityLevel: 9 }),
    'ERR_INVALID_ARGUMENT',
    'expected an integer from 0 to 4 for run options logSeverityLevel, received number 9',
  );
  // The same checks when options come third (after fetches).
  await rejects(
    shapes.run(feeds, ['a_doubled'], { mode: 'fast' }),
    'ERR_INVALID_ARGUMENT',
    /for run options mode, received string "fast"$/,
  );
  await rejects(shapes.run(feeds, undefined, { signal: 'x' }), 'ERR_INVALID_ARGUMENT', /for run options signal, received string "x"$/);
  await rejects(shapes.run(feeds, ['a_doubled'], 'inline'), 'ERR_INVALID_ARGUMENT', /for run options, received string "inline"$/);
  await goodRun();
});

test('unknown run option keys are refused when options come third, as when they come second', async () => {
  await rejects(shapes.run({ a: a(), b: b() }, ['a_doubled'], { mdoe: 'inline' }), 'ERR_INVALID_ARGUMENT', /mdoe/);
});

test('valid run options are accepted (mode, tag, log level, configEntries)', async () => {
  for (const mode of ['auto', 'async', 'inline']) {
    const out = await shapes.run({ a: a(1, new Float32Array([1, -1])), b: b() }, { mode, tag: `t-${mode}`, logSeverityLevel: 3 });
    assert.equal([...out.a_doubled.data], [2, -2]);
  }
  const out = await shapes.run({ a: a(1, new Float32Array([5, 6])), b: b() }, ['a_doubled'], {
    configEntries: { 'memory.enable_memory_arena_shrinkage': 'cpu:0' },
  });
  assert.equal([...out.a_doubled.data], [10, 12]);
});

test('mode inline runs on the JS thread, mode async off it (stats)', async () => {
  const feeds = { a: a(1, new Float32Array([1, 2])), b: b() };
  let before = stats();
  await shapes.run(feeds, { mode: 'inline' });
  let after = stats();
  assert.is(after.runsInline - before.runsInline, 1);
  assert.is(after.runsAsync - before.runsAsync, 0);
  before = stats();
  await shapes.run(feeds, { mode: 'async' });
  after = stats();
  assert.is(after.runsAsync - before.runsAsync, 1);
  assert.is(after.runsInline - before.runsInline, 0);
});

const sessionOptionCases = [
  [{ foo: 1 }, /^expected only known keys \(executionProviders, .*\) for session options, received unknown key "foo"$/],
  [{ intraOpNumThreads: -1 }, 'expected an integer from 0 to 1024 for intraOpNumThreads, received number -1'],
  [{ intraOpNumThreads: 1.5 }, 'expected an integer from 0 to 1024 for intraOpNumThreads, received number 1.5'],
  [{ interOpNumThreads: '2' }, 'expected an integer from 0 to 1024 for interOpNumThreads, received string "2"'],
  [{ intraOpNumThreads: 5000 }, 'expected an integer from 0 to 1024 for intraOpNumThreads, received number 5000'],
  [
    { graphOptimizationLevel: 'max' },
    `expected one of 'disabled', 'basic', 'extended', 'layout', 'all' for graphOptimizationLevel, received string "max"`,
  ],
  [
    { graphOptimizationLevel: 99 },
    `expected one of 'disabled', 'basic', 'extended', 'layout', 'all' for graphOptimizationLevel, received number 99`,
  ],
  [{ executionMode: 'serial' }, `expected 'sequential' or 'parallel' for executionMode, received string "serial"`],
  [{ executionProviders: ['gpu'] }, /^expected one of 'cpu', 'cuda', .* for executionProviders\[0\]\.name, received string "gpu"$/],
  [
    { executionProviders: 'cpu' },
    'expected an array of provider names or { name, ... } objects for executionProviders, received string "cpu"',
  ],
  [{ executionProviders: [42] }, 'expected a provider name or { name, ... } for executionProviders[0], received number 42'],
  [
    { executionProviders: [{ name: 'cpu', onFailure: 'ignore' }] },
    `expected 'error' or 'fallback' for executionProviders[0].onFailure, received string "ignore"`,
  ],
  [
    { executionProviders: ['cpu', { name: 'cuda', deviceId: -1 }] },
    'expected a non-negative integer for executionProviders[1].deviceId, received number -1',
  ],
  [{ enableCpuMemArena: 'yes' }, 'expected a boolean for enableCpuMemArena, received string "yes"'],
  [{ logSeverityLevel: 5 }, 'expected an integer from 0 to 4 for logSeverityLevel, received number 5'],
  [{ freeDimensionOverrides: { batch: -1 } }, 'expected a non-negative integer for freeDimensionOverrides.batch, received number -1'],
  [{ freeDimensionOverrides: [1] }, 'expected an object of dimension name → size for freeDimensionOverrides, received array of length 1'],
  [{ inlineThresholdUs: -5 }, 'expected a non-negative number for inlineThresholdUs, received number -5'],
  [{ extra: { session: { x: null } } }, 'expected a string, number or boolean for config entry session.x, received null'],
  ['fast', 'expected an object for session options, received string "fast"'],
  [null, 'expected an object for session options, received null'],
];
for (const [options, message] of sessionOptionCases) {
  test(`bad session options ${JSON.stringify(options)}`, async () => {
    await rejects(InferenceSession.create(model('demo.onnx'), options), 'ERR_INVALID_ARGUMENT', message);
  });
}

test('an unavailable provider: ERR_PROVIDER_UNAVAILABLE, or a CPU fallback with onFailure: fallback', async () => {
  const e = await rejects(
    InferenceSession.create(model('demo.onnx'), { executionProviders: ['coreml'] }),
    'ERR_PROVIDER_UNAVAILABLE',
    /CoreML/,
  );
  assert.match(e.message, /demo\.onnx/);
  const s = await InferenceSession.create(model('demo.onnx'), { executionProviders: [{ name: 'coreml', onFailure: 'fallback' }] });
  assert.equal(s.providers, ['cpu']);
  assert.is(s.providerFailures.length, 1);
  assert.is(s.providerFailures[0].name, 'coreml');
  assert.match(s.providerFailures[0].message, /CoreML/);
  await s.release();
});

test('valid session options are accepted and the model runs', async () => {
  const s = await InferenceSession.create(model('demo.onnx'), {
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'basic',
    executionMode: 'sequential',
    enableCpuMemArena: false,
    enableMemPattern: false,
    logSeverityLevel: 3,
    freeDimensionOverrides: { batch: 2 },
    extra: { session: { use_ort_model_bytes_directly: '1' } },
  });
  assert.equal(s.providers, ['cpu']);
  const x = new Float32Array([0.1, 0.2, 0.3, 0.4, -1, 2, -3, 4]);
  const out = await s.run({ features: new Tensor('float32', x, [2, 4]) });
  const ref = await refRun(model('demo.onnx'), { features: { type: 'float32', data: x, dims: [2, 4] } });
  closeTo(out.probabilities.data, ref.probabilities.data, { rtol: 1e-6, atol: 1e-7 });
  await s.release();
});

test('demo.onnx: validation errors name the input, then a good run matches onnxruntime-node', async () => {
  await rejects(
    demo.run({ features: new Tensor('float32', new Float32Array(6), [2, 3]) }),
    'ERR_INVALID_INPUT',
    "expected dims [batch,4] for input 'features', received [2,3] (dimension 1 is 3, the model requires 4)",
  );
  await rejects(
    demo.run({ feature: new Tensor('float32', new Float32Array(4), [1, 4]) }),
    'ERR_INVALID_INPUT',
    "expected only the model's inputs ('features') for feeds, received unknown input 'feature'",
  );
  await rejects(
    demo.run({ features: new Tensor('int32', new Int32Array(4), [1, 4]) }),
    'ERR_INVALID_INPUT',
    "expected a float32 tensor for input 'features', received a int32 tensor",
  );
  const x = new Float32Array([1, 2, 3, 4, 0, 0, 0, 0, -5, 0.5, 2, -1]);
  const out = await demo.run({ features: new Tensor('float32', x, [3, 4]) });
  const ref = await refRun(model('demo.onnx'), { features: { type: 'float32', data: x, dims: [3, 4] } });
  assert.equal([...out.probabilities.dims], [3, 3]);
  closeTo(out.probabilities.data, ref.probabilities.data, { rtol: 1e-6, atol: 1e-7 });
  for (let r = 0; r < 3; r++) {
    const row = out.probabilities.data.slice(r * 3, r * 3 + 3);
    assert.ok(Math.abs(row[0] + row[1] + row[2] - 1) < 1e-6, 'softmax rows sum to 1');
  }
});

test('onnxruntime-common tensors (onnxruntime-node Tensor) are accepted as feeds', async () => {
  const xa = new Float32Array([1, 2, 3, 4, 5, 6]);
  const out = await shapes.run({
    a: new ort.Tensor('float32', xa, [2, 3]),
    b: new ort.Tensor('int64', new BigInt64Array([0n, 9n, -9n]), [3]),
  });
  assert.equal([...out.a_doubled.data], [2, 4, 6, 8, 10, 12]);
  assert.equal([...out.b_plus_one.data], [1n, 10n, -8n]);
  // Plain { type, data, dims } objects too, and they are still validated.
  const plain = await shapes.run({ a: { type: 'float32', data: new Float32Array([7, 8]), dims: [2, 1] }, b: b() });
  assert.equal([...plain.a_doubled.data], [14, 16]);
  await rejects(
    shapes.run({ a: new ort.Tensor('float32', new Float32Array(6), [3, 2]), b: b() }),
    'ERR_INVALID_INPUT',
    "expected dims [2,W] for input 'a', received [3,2] (dimension 0 is 3, the model requires 2)",
  );
  await rejects(
    shapes.run({ a: new ort.Tensor('int32', new Int32Array(6), [2, 3]), b: b() }),
    'ERR_INVALID_INPUT',
    "expected a float32 tensor for input 'a', received a int32 tensor",
  );
  const demoOut = await demo.run({ features: new ort.Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) });
  const ref = await refRun(model('demo.onnx'), { features: { type: 'float32', data: new Float32Array([1, 2, 3, 4]), dims: [1, 4] } });
  closeTo(demoOut.probabilities.data, ref.probabilities.data, { rtol: 1e-6 });
});

test('after many failed validations the session still runs correctly', async () => {
  const bad = [
    shapes.run({ a: a() }),
    shapes.run(null),
    shapes.run({ a: a(), b: b() }, ['x']),
    shapes.run({ a: a(), b: b() }, { mode: 'x' }),
    shapes.run({ a: new Tensor('float32', new Float32Array(3), [3]), b: b() }),
  ];
  const settled = await Promise.allSettled(bad);
  assert.ok(settled.every((r) => r.status === 'rejected'));
  assert.is(shapes.pendingRuns, 0);
  assert.is(shapes.released, false);
  await goodRun();
});

test.run();
