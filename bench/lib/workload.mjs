// The JS contender workload: identical for every onnxruntime-common-compatible API
// (onnxruntime-node, ortex). C async callers share one session, each looping
// `await session.run(feeds)` on its own pre-built feeds, for spec.seconds or spec.runs.
// Streaming workloads (spec.carry) feed a run's output into the same caller's next run.
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
    info?.ortVersion ??
    info?.onnxruntimeVersion ??
    info?.ort ??
    info?.version ??
    api.env?.versions?.node ??
    api.env?.versions?.common ??
    null
  );
}

/** Session options every JS contender uses: the spec's provider and threads, sequential, all optimizations. */
export function sessionOptions(spec) {
  return {
    executionProviders: [spec.provider ?? 'cpu'],
    intraOpNumThreads: spec.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
}

function disposeOutputs(out, keep) {
  for (const [name, v] of Object.entries(out)) if (!keep?.has(name)) v?.dispose?.();
}

/**
 * One measured phase; resolves { runs, seconds, hist }. `run(feeds)` is the runner's call;
 * `carry` ([[output, input]]) is applied after each run, per caller.
 */
async function phase(run, feedsPerCaller, { runs, seconds }, carry) {
  const hist = latencyHistogram();
  let issued = 0;
  let done = 0;
  const keep = carry.length ? new Set(carry.map(([o]) => o)) : undefined;
  const carried = new WeakSet(); // outputs now serving as inputs
  const start = performance.now();
  const deadline = start + (seconds ?? 0) * 1000;
  const caller = async (feeds) => {
    for (;;) {
      if (runs) {
        if (issued++ >= runs) return;
      } else if (performance.now() >= deadline) return;
      const t0 = performance.now();
      const out = await run(feeds);
      recordMs(hist, performance.now() - t0);
      done++;
      for (const [o, i] of carry) {
        const prev = feeds[i];
        feeds[i] = out[o];
        if (carried.has(prev)) prev.dispose?.(); // an earlier run's output; the initial state is left alone
        carried.add(out[o]);
      }
      disposeOutputs(out, keep);
    }
  };
  await Promise.all(feedsPerCaller.map(caller));
  return { runs: done, seconds: (performance.now() - start) / 1000, hist };
}

function ortexCounters(api) {
  if (typeof api.stats !== 'function') return null;
  try {
    const s = api.stats();
    return { inline: s.runsInline, async: s.runsAsync };
  } catch {
    return null;
  }
}

/**
 * Run the workload on `api`; resolves the result object printed by contenders.
 * `makeRunner(session, api, spec)` (optional) resolves { run(feeds), close(), info() } to run
 * through something other than session.run (the Batcher contender).
 */
export async function runWorkload(api, spec, { makeRunner } = {}) {
  const c0 = performance.now();
  const session = await api.InferenceSession.create(spec.model, sessionOptions(spec));
  const createMs = performance.now() - c0;
  let runner;
  try {
    if (makeRunner) runner = await makeRunner(session, api, spec);
    else if (spec.runMode) {
      const options = { mode: spec.runMode };
      runner = { run: (feeds) => session.run(feeds, options) };
    } else runner = { run: (feeds) => session.run(feeds) };
    const run = runner.run;
    const inputs = describeInputs(session, spec);
    for (const i of inputs) process.stderr.write(`input ${i.name} ${i.type} [${i.dims}]${i.fill !== undefined ? ` = ${i.fill}` : ''}\n`);
    const feedsPerCaller = Array.from({ length: spec.concurrency }, () => makeFeeds(api.Tensor, inputs));
    const carry = Object.entries(spec.carry ?? {});

    let firstRunMs = null;
    if (spec.warmup > 0) {
      const f = await phase(run, feedsPerCaller, { runs: 1 }, carry); // cold: the first run after create
      firstRunMs = f.seconds * 1000;
      if (spec.warmup > 1) await phase(run, feedsPerCaller, { runs: spec.warmup - 1 }, carry);
    }

    const counters0 = ortexCounters(api);
    const cpu0 = process.cpuUsage();
    const r = await phase(run, feedsPerCaller, { runs: spec.runs, seconds: spec.seconds }, carry);
    const cpu = process.cpuUsage(cpu0);
    const counters1 = ortexCounters(api);
    // Event-loop delay in a pass of its own: the monitor's 1 ms timer wakes the JS thread 1,000
    // times a second, which on 2-vCPU machines slows a run on the other vCPU by ~10%. It would
    // tax only the bindings that leave the loop free (a blocked loop never fires the timer).
    const eld = monitorEventLoopDelay({ resolution: spec.eldResolutionMs });
    eld.enable();
    await phase(
      run,
      feedsPerCaller,
      spec.runs ? { runs: Math.max(3, Math.ceil(spec.runs / 4)) } : { seconds: Math.max(0.5, spec.seconds / 4) },
      carry,
    );
    eld.disable();

    const throughput = r.seconds > 0 ? r.runs / r.seconds : 0;
    const result = {
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
      provider: spec.provider ?? 'cpu',
      create_ms: round(createMs, 3),
      first_run_ms: round(firstRunMs, 3),
      ...eventLoopSummary(eld),
    };
    if (counters0 && counters1) {
      // ortex's per-call decision: how many measured runs stayed on the JS thread.
      result.runs_inline = counters1.inline - counters0.inline;
      result.runs_async = counters1.async - counters0.async;
    }
    if (typeof session.scheduling === 'function') {
      const s = session.scheduling();
      result.average_run_us = round(s.averageRunUs, 3);
      result.inline_threshold_us = s.inlineThresholdUs;
    }
    if (runner.info) Object.assign(result, runner.info());
    return result;
  } finally {
    await runner?.close?.();
    await session.release?.();
  }
}
