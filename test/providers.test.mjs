// Execution providers on a machine without a usable GPU: typed option validation, the failure
// policy (error vs fallback), diagnosed errors naming the missing library, the child-process probe,
// and the GPU self-test's clean skip. Where this machine does have a usable GPU provider, the
// assertions that presume its absence are skipped (the probe decides).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { InferenceSession, Tensor, probeProviders, runtimeInfo } from '../dist/index.js';
import { providerOptionPairs } from '../dist/providers/options.js';
import { ROOT, model, rejects, re } from './helpers/index.mjs';

const DEMO = model('demo.onnx');
const probes = await probeProviders({ providers: ['cpu', 'cuda', 'webgpu'], timeoutMs: 60_000 });
const usable = (name) => probes.find((p) => p.name === name)?.usable === true;

test('typed provider options map to ONNX Runtime keys', () => {
  assert.equal(
    providerOptionPairs(
      'cuda',
      {
        name: 'cuda',
        deviceId: 1,
        gpuMemLimit: 2 ** 30,
        arenaExtendStrategy: 'sameAsRequested',
        cudnnConvAlgoSearch: 'heuristic',
        doCopyInDefaultStream: false,
        enableCudaGraph: true,
        useTf32: false,
      },
      'ep',
    ),
    [
      ['device_id', '1'],
      ['gpu_mem_limit', '1073741824'],
      ['arena_extend_strategy', 'kSameAsRequested'],
      ['cudnn_conv_algo_search', 'HEURISTIC'],
      ['do_copy_in_default_stream', '0'],
      ['enable_cuda_graph', '1'],
      ['use_tf32', '0'],
    ],
  );
  assert.equal(
    providerOptionPairs('tensorrt', { name: 'tensorrt', fp16: true, engineCachePath: '/tmp/trt', maxWorkspaceSize: 1024 }, 'ep'),
    [
      ['trt_fp16_enable', '1'],
      ['trt_engine_cache_path', '/tmp/trt'],
      ['trt_engine_cache_enable', '1'],
      ['trt_max_workspace_size', '1024'],
    ],
  );
  assert.equal(
    providerOptionPairs(
      'webgpu',
      {
        name: 'webgpu',
        powerPreference: 'high-performance',
        storageBufferCacheMode: 'bucket',
        preferredLayout: 'NHWC',
        enableGraphCapture: false,
      },
      'ep',
    ),
    [
      ['powerPreference', 'HighPerformance'],
      ['storageBufferCacheMode', 'bucket'],
      ['preferredLayout', 'NHWC'],
      ['enableGraphCapture', '0'],
    ],
  );
});

test('bad provider options are refused before anything loads', async () => {
  const create = (ep) => InferenceSession.create(DEMO, { executionProviders: [ep] });
  await rejects(
    create({ name: 'cuda', gpuMemLimit: -1 }),
    'ERR_INVALID_ARGUMENT',
    re('expected a positive integer for executionProviders[0].gpuMemLimit, received number -1'),
  );
  // 4 << 30 is 0 in JavaScript (32-bit shift): a zero-byte arena is refused, not passed on.
  await rejects(
    create({ name: 'cuda', gpuMemLimit: 4 << 30 }),
    'ERR_INVALID_ARGUMENT',
    re('expected a positive integer for executionProviders[0].gpuMemLimit, received number 0'),
  );
  await rejects(
    create({ name: 'tensorrt', maxWorkspaceSize: 0 }),
    'ERR_INVALID_ARGUMENT',
    /positive integer for executionProviders\[0\]\.maxWorkspaceSize/,
  );
  await rejects(
    create({ name: 'cuda', cudnnConvAlgoSearch: 'fast' }),
    'ERR_INVALID_ARGUMENT',
    re("expected one of 'exhaustive', 'heuristic', 'default' for executionProviders[0].cudnnConvAlgoSearch, received string \"fast\""),
  );
  await rejects(
    create({ name: 'cuda', fp16: true }),
    'ERR_INVALID_ARGUMENT',
    /^expected only known keys \(name, onFailure, options, deviceId, gpuMemLimit, .*\) for executionProviders\[0\] \(cuda\), received unknown key "fp16"$/,
  );
  await rejects(create({ name: 'webgpu', powerPreference: 'max' }), 'ERR_INVALID_ARGUMENT', /powerPreference/);
  await rejects(
    create({ name: 'tensorrt', int8: 'yes' }),
    'ERR_INVALID_ARGUMENT',
    re('expected a boolean for executionProviders[0].int8, received string "yes"'),
  );
  await rejects(
    create({ name: 'cuda', onFailure: 'ignore' }),
    'ERR_INVALID_ARGUMENT',
    re("expected 'error' or 'fallback' for executionProviders[0].onFailure"),
  );
  await rejects(create({ name: 'cuda', options: { gpu_mem_limit: {} } }), 'ERR_INVALID_ARGUMENT', /options\.gpu_mem_limit/);
  await rejects(create('npu'), 'ERR_INVALID_ARGUMENT', /expected one of 'cpu', 'cuda', 'tensorrt', 'webgpu'/);
});

test('CUDA without its libraries: ERR_PROVIDER_UNAVAILABLE names the missing library and the fix', async () => {
  if (usable('cuda')) return; // a CUDA-capable runtime is loaded here
  const err = await rejects(
    InferenceSession.create(DEMO, { executionProviders: [{ name: 'cuda', deviceId: 0 }] }),
    'ERR_PROVIDER_UNAVAILABLE',
    /execution provider 'cuda' is unavailable/,
  );
  assert.match(err.details.missingLibrary, /libonnxruntime_providers_(shared|cuda)/);
  assert.match(err.message, /Fix: .*ORTEX_ORT_LIB/);
  assert.ok(err.details.searchPaths.includes(join(runtimeInfo().libraryPath, '..')), `searched ${err.details.searchPaths}`);
});

test("onFailure: 'fallback' skips an unavailable provider, reports why, and runs on the CPU", async () => {
  if (usable('cuda')) return;
  const s = await InferenceSession.create(DEMO, { executionProviders: [{ name: 'cuda', onFailure: 'fallback', useTf32: false }, 'cpu'] });
  assert.equal(s.providers, ['cpu']);
  assert.is(s.providerFailures.length, 1);
  assert.is(s.providerFailures[0].name, 'cuda');
  assert.match(s.providerFailures[0].missingLibrary, /libonnxruntime_providers/);
  assert.match(s.providerFailures[0].fix, /ORTEX_ORT_LIB/);
  const out = await s.run({ features: new Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) });
  const sum = out.probabilities.data.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(sum - 1) < 1e-5, `softmax sums to ${sum}`);
  await s.release();
});

test('WebGPU without an adapter fails clearly, or falls back', async () => {
  if (usable('webgpu')) return;
  await rejects(
    InferenceSession.create(DEMO, { executionProviders: ['webgpu'] }),
    'ERR_PROVIDER_UNAVAILABLE',
    /execution provider 'webgpu' is unavailable[\s\S]*Fix: WebGPU/,
  );
  const s = await InferenceSession.create(DEMO, { executionProviders: [{ name: 'webgpu', onFailure: 'fallback' }] });
  assert.equal(s.providers, ['cpu']);
  assert.is(s.providerFailures[0].name, 'webgpu');
  await s.release();
});

test('a provider the runtime was built without says so', async () => {
  if (runtimeInfo().ortProviders.includes('XnnpackExecutionProvider')) return;
  await rejects(
    InferenceSession.create(DEMO, { executionProviders: ['xnnpack'] }),
    'ERR_PROVIDER_UNAVAILABLE',
    /built without the xnnpack provider/,
  );
});

test('probeProviders: compiled in vs usable, each probed in a child process', () => {
  const cpu = probes.find((p) => p.name === 'cpu');
  assert.ok(cpu.usable, JSON.stringify(cpu));
  assert.ok(cpu.compiledIn);
  const cuda = probes.find((p) => p.name === 'cuda');
  assert.is(cuda.compiledIn, runtimeInfo().providers.includes('cuda'));
  if (!cuda.usable) {
    assert.type(cuda.error, 'string');
    assert.match(cuda.fix, /cuda/);
  }
  assert.ok(probes.every((p) => typeof p.ms === 'number' && p.ms >= 0));
});

test('outputs kept on a GPU need a session with a GPU provider', async () => {
  const s = await InferenceSession.create(DEMO);
  await rejects(
    s.run({ features: new Tensor('float32', new Float32Array(4), [1, 4]) }, { outputLocation: 'gpu' }),
    'ERR_INVALID_ARGUMENT',
    /a session with a GPU provider/,
  );
  await rejects(
    s.run({ features: new Tensor('float32', new Float32Array(4), [1, 4]) }, { outputLocation: 'device' }),
    'ERR_INVALID_ARGUMENT',
    re("expected 'cpu' or 'gpu' for run options outputLocation"),
  );
  const cpuTensor = new Tensor('float32', new Float32Array(4), [1, 4]);
  assert.is(cpuTensor.location, 'cpu');
  assert.is(await cpuTensor.download(), cpuTensor);
  await s.release();
});

test('pinned host buffers need a CUDA session', async () => {
  const s = await InferenceSession.create(DEMO);
  assert.throws(
    () => s.allocatePinned('float32', [1, 4]),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /cuda or tensorrt provider/.test(e.message),
  );
  assert.throws(
    () => s.allocatePinned('string', [1, 4]),
    (e) => e.code === 'ERR_INVALID_ARGUMENT' && /expected a numeric tensor type/.test(e.message),
  );
  assert.throws(
    () => s.allocatePinned('float32', [-1]),
    (e) => e.code === 'ERR_INVALID_ARGUMENT',
  );
  await s.release();
});

test('npm run test:gpu skips cleanly without a usable GPU provider', () => {
  if (usable('cuda') || usable('webgpu')) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'test', 'gpu', 'selftest.mjs')], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ORTEX_GPU_PROVIDERS: 'cuda,webgpu' },
  });
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines.at(-1), /^gpu: 0 passed, 0 failed, \d+ skipped$/);
  assert.match(r.stdout, /skip cuda: .*unavailable/);
  assert.match(r.stdout, /no usable GPU provider here/);
});

test.run();
