// The JS contender workload: identical for every onnxruntime-common-compatible API
// (onnxruntime-node, ortex). C async callers share one session, each looping
// `await session.run(feeds)` on its own pre-built feeds, for spec.seconds or spec.runs.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { describeInputs, makeFeeds } from './shapes.mjs';
import { eventLoopSummary, latencyHistogram, latencySummary, recordMs, round } from './stats.mjs';

/** Accept both an ESM namespace and a CJS-interop default export. */
export function normalizeApi(mod) {
  const api = mod?.InferenceSession ? mod : mod?.default;
  if (!api?.InferenceSession || !api?.Tensor) throw new Error('module does not export InferenceSession and Tensor');
  return api;
}

/** Best-effort ONNX Runtime version reported by the API module. */
export function ortVersion(api) {
  let info = api.runtimeInfo;
  try {
    if (typeof info === 'function') info = info();
  } catch {
    info = undefined;
  }
  return (
    info?.ortVersion ?? info?.onnxruntimeVersion ?? info?.ort ?? info?.version ??
    api.env?.versions?.node ?? api.env?.versions?.common ?? null
  );
}

function disposeOutputs(out) {
  for (const v of Object.values(out)) v?.dispose?.();
}

/** One measured phase; resolves { runs, seconds, hist }. */
async function phase(session, feedsPerCaller, { runs, seconds }) {
  const hist = latencyHistogram();
  let issued = 0;
  let done = 0;
  const start = performance.now();
  const deadline = start + (seconds ?? 0) * 1000;
  const caller = async (feeds) => {
    for (;;) {
      if (runs) {
        if (issued++ >= runs) return;
      } else if (performance.now() >= deadline) return;
      const t0 = performance.now();
      const out = await session.run(feeds);
      recordMs(hist, performance.now() - t0);
      done++;
      disposeOutputs(out);
    }
  };
  await Promise.all(feedsPerCaller.map(caller));
  return { runs: done, seconds: (performance.now() - start) / 1000, hist };
}

/** Run the workload on `api`; resolves the result object printed by contenders. */
export async function runWorkload(api, spec) {
  const session = await api.InferenceSession.create(spec.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: spec.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  try {
    const inputs = describeInputs(session, spec);
    for (const i of inputs) process.stderr.write(`input ${i.name} ${i.type} [${i.dims}]\n`);
    const feedsPerCaller = Array.from({ length: spec.concurrency }, () => makeFeeds(api.Tensor, inputs));

    if (spec.warmup > 0) await phase(session, feedsPerCaller, { runs: spec.warmup });

    const eld = monitorEventLoopDelay({ resolution: spec.eldResolutionMs });
    const cpu0 = process.cpuUsage();
    eld.enable();
    const r = await phase(session, feedsPerCaller, { runs: spec.runs, seconds: spec.seconds });
    eld.disable();
    const cpu = process.cpuUsage(cpu0);

    const throughput = r.seconds > 0 ? r.runs / r.seconds : 0;
    return {
      runs: r.runs,
      seconds: round(r.seconds, 6),
      throughput_runs_per_s: round(throughput, 3),
      samples_per_s: round(throughput * spec.batch, 3),
      ...latencySummary(r.hist),
      cpu_user_s: round(cpu.user / 1e6, 3),
      cpu_sys_s: round(cpu.system / 1e6, 3),
      peak_rss_kb: process.resourceUsage().maxRSS,
      ort_version: ortVersion(api),
      batch: spec.batch,
      threads: spec.threads,
      concurrency: spec.concurrency,
      ...eventLoopSummary(eld),
    };
  } finally {
    await session.release?.();
  }
}
