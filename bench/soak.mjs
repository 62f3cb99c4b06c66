// Memory soak: does RSS stay flat over many runs and many session create/release cycles?
// Each binding runs in its own child process (node --expose-gc):
//   1. runs: one session on the near-empty model, N sequential `await run()` calls whose outputs
//      are dropped without dispose() (what most code does: the GC must reclaim them);
//      RSS after a forced GC at 10 %, 50 % and 100 % of N.
//   2. cycles: C times create a PP-OCR cls session, run it once, release it; RSS after a forced GC
//      after the first 10 % of cycles, halfway through the rest, and at the end.
// Growth is measured from the 10 % mark (allocator and JIT warm) to the end. RSS after a GC still
// holds what allocators cache (glibc arenas, ORT's and V8's pools), which settles over the first
// cycles: a leak shows as growth that stays steady from the early half of the cycles to the late
// half (and, for ortex, as sessions or output buffers still live at the end); warm-up shrinks.
//
//   node bench/soak.mjs [--runs 100000] [--cycles 50] [--bindings ortex,onnxruntime-node]
//                       [--model relu|PATH] [--cycle-model ocr-cls|PATH] [--provider cpu]
//   node --expose-gc bench/soak.mjs --child BINDING ...   (one binding, prints one JSON line)
import { parseArgs } from 'node:util';
import { modelAvailable, resolveModel } from './lib/models.mjs';
import { loadOrtex } from './lib/ortex.mjs';
import { lastJsonLine, runProcess } from './lib/proc.mjs';
import { formatTable } from './lib/report.mjs';
import { round } from './lib/stats.mjs';
import { describeInputs, makeFeeds } from './lib/shapes.mjs';
import { normalizeSpec } from './lib/spec.mjs';
import { normalizeApi, ortVersion, sessionOptions } from './lib/workload.mjs';

const isMain = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
const opt = !isMain
  ? {}
  : parseArgs({
      options: {
        runs: { type: 'string', default: '100000' },
        cycles: { type: 'string', default: '50' },
        bindings: { type: 'string', default: 'onnxruntime-node,ortex' },
        model: { type: 'string', default: modelAvailable('relu') ? 'relu' : 'relu-project' },
        'cycle-model': { type: 'string', default: 'ocr-cls' },
        provider: { type: 'string', default: 'cpu' },
        child: { type: 'string' },
      },
    }).values;

const mb = (bytes) => round(bytes / 2 ** 20, 1);

async function settle() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setImmediate(r)); // let finalizers of external buffers run
  }
  return process.memoryUsage();
}

async function loadBinding(name) {
  if (name === 'ortex') return loadOrtex();
  if (name === 'onnxruntime-node') return normalizeApi(await import('onnxruntime-node'));
  throw new Error(`unknown binding ${name}`);
}

async function child(name) {
  if (typeof globalThis.gc !== 'function') throw new Error('run the child with node --expose-gc');
  const api = await loadBinding(name);
  const runs = Number(opt.runs);
  const cycles = Number(opt.cycles);
  const spec = normalizeSpec({ model: opt.model, provider: opt.provider, runs: 1 });
  const options = sessionOptions({ provider: opt.provider, threads: 1 });

  // 1. runs
  const session = await api.InferenceSession.create(spec.model, options);
  const feeds = makeFeeds(api.Tensor, describeInputs(session, spec));
  for (let i = 0; i < 1000; i++) await session.run(feeds);
  const base = await settle();
  const marks = {};
  const at = new Set([Math.round(runs * 0.1), Math.round(runs * 0.5), runs]);
  const t0 = performance.now();
  let sink = 0;
  for (let i = 1; i <= runs; i++) {
    const out = await session.run(feeds);
    sink += out[session.outputNames[0]].dims.length;
    if (at.has(i)) marks[i] = (await settle()).rss;
  }
  const runSeconds = (performance.now() - t0) / 1000;
  await session.release?.();
  const afterRuns = await settle();

  // 2. create/release cycles
  const cycleSpec = normalizeSpec({ model: opt['cycle-model'], provider: opt.provider, runs: 1 });
  const warmCycles = Math.max(1, Math.round(cycles * 0.1));
  const midCycles = warmCycles + Math.max(1, Math.round((cycles - warmCycles) / 2));
  let rssWarmCycles = null;
  let rssMidCycles = null;
  const c0 = performance.now();
  for (let i = 1; i <= cycles; i++) {
    const s = await api.InferenceSession.create(cycleSpec.model, options);
    const out = await s.run(makeFeeds(api.Tensor, describeInputs(s, cycleSpec)));
    sink += Object.keys(out).length;
    await s.release?.();
    if (i === warmCycles) rssWarmCycles = (await settle()).rss;
    if (i === midCycles) rssMidCycles = (await settle()).rss;
  }
  const cycleSeconds = (performance.now() - c0) / 1000;
  const end = await settle();
  const runMarks = Object.entries(marks)
    .map(([k, v]) => [Number(k), v])
    .sort((a, b) => a[0] - b[0]);
  const first = runMarks[0][1];
  const last = runMarks[runMarks.length - 1][1];
  let ortexStats;
  if (typeof api.stats === 'function') {
    const s = api.stats();
    ortexStats = { sessions_live: s.sessionsCreated - s.sessionsReleased, output_buffers_live: s.outputBuffersLive };
  }
  return {
    binding: name,
    ort_version: ortVersion(api),
    model: spec.model,
    cycle_model: cycleSpec.model,
    runs,
    cycles,
    run_seconds: round(runSeconds, 3),
    cycle_seconds: round(cycleSeconds, 3),
    rss_start_mb: mb(base.rss),
    rss_runs_mb: Object.fromEntries(runMarks.map(([k, v]) => [k, mb(v)])),
    rss_after_runs_mb: mb(last),
    run_growth_mb: mb(last - first),
    run_growth_bytes_per_1k_runs: round(((last - first) / Math.max(1, runs - runMarks[0][0])) * 1000, 1),
    rss_after_release_mb: mb(afterRuns.rss),
    rss_after_warm_cycles_mb: mb(rssWarmCycles),
    rss_after_cycles_mb: mb(end.rss),
    cycle_growth_mb: mb(end.rss - rssWarmCycles),
    cycle_growth_kb_per_cycle: round((end.rss - rssWarmCycles) / 1024 / Math.max(1, cycles - warmCycles), 1),
    // The same growth split into the early and the late half of the measured cycles (a leak keeps its rate).
    cycle_growth_kb_per_cycle_early:
      rssMidCycles === null ? null : round((rssMidCycles - rssWarmCycles) / 1024 / (midCycles - warmCycles), 1),
    cycle_growth_kb_per_cycle_late:
      rssMidCycles === null || cycles <= midCycles ? null : round((end.rss - rssMidCycles) / 1024 / (cycles - midCycles), 1),
    heap_used_end_mb: mb(end.heapUsed),
    external_end_mb: mb(end.external),
    peak_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
    ...(ortexStats ?? {}),
    sink: sink > 0,
  };
}

/** Runs the soak for each binding in its own process; resolves [{ binding, ... } | { binding, error }]. */
export async function runSoak({ runs, cycles, bindings, model, cycleModel, provider, onProgress } = {}) {
  const results = [];
  for (const name of bindings) {
    onProgress?.(name);
    const args = [
      '--expose-gc',
      new URL(import.meta.url).pathname,
      '--child',
      name,
      '--runs',
      String(runs),
      '--cycles',
      String(cycles),
      '--model',
      model,
      '--cycle-model',
      cycleModel,
      '--provider',
      provider,
    ];
    const res = await runProcess(process.execPath, args, { timeoutMs: 900_000 });
    const json = lastJsonLine(res.stdout);
    if (json && !json.error && res.code === 0) results.push(json);
    else
      results.push({
        binding: name,
        error: json?.error ?? `exited with ${res.signal ?? res.code}: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`,
      });
  }
  return results;
}

/** What the soak table's cycle columns measure, printed under it (RSS after GC is not live memory). */
export const SOAK_NOTE =
  'RSS change per cycle, early and late half of the measured cycles: RSS after a forced GC still holds allocator caches, ' +
  'which settle over the first cycles, so warm-up shows as early growth that shrinks; a leak keeps its rate in both halves ' +
  "and leaves sessions or output buffers live (ortex's own counters, 0 when nothing is retained).";

export function soakTable(results) {
  return formatTable(
    [
      'binding',
      'runs',
      'RSS start MB',
      'after runs',
      'growth MB',
      'B/1k runs',
      'cycles',
      'after cycles',
      'KB/cycle early',
      'late',
      'live',
      'µs/run',
    ],
    results.map((r) =>
      r.error
        ? [r.binding, null, null, null, null, null, null, null, null, null, null, 'error']
        : [
            r.binding,
            r.runs,
            r.rss_start_mb,
            r.rss_after_runs_mb,
            r.run_growth_mb,
            r.run_growth_bytes_per_1k_runs,
            r.cycles,
            r.rss_after_cycles_mb,
            r.cycle_growth_kb_per_cycle_early,
            r.cycle_growth_kb_per_cycle_late,
            r.sessions_live === undefined ? null : `${r.sessions_live}/${r.output_buffers_live}`,
            round((r.run_seconds * 1e6) / r.runs, 2),
          ],
    ),
  );
}

if (isMain) {
  if (opt.child) {
    try {
      console.log(JSON.stringify(await child(opt.child)));
    } catch (err) {
      console.log(JSON.stringify({ binding: opt.child, error: err?.message ?? String(err) }));
      process.exitCode = 1;
    }
  } else {
    resolveModel(opt.model);
    resolveModel(opt['cycle-model']);
    const results = await runSoak({
      runs: Number(opt.runs),
      cycles: Number(opt.cycles),
      bindings: opt.bindings.split(','),
      model: opt.model,
      cycleModel: opt['cycle-model'],
      provider: opt.provider,
      onProgress: (b) => process.stderr.write(`soak: ${b} (${opt.runs} runs, ${opt.cycles} create/release cycles)...\n`),
    });
    console.log(
      `memory soak: ${opt.runs} runs of ${opt.model}, ${opt.cycles} create/run/release cycles of ${opt['cycle-model']} (RSS after forced GC)`,
    );
    console.log(soakTable(results));
    console.log(SOAK_NOTE);
    for (const r of results.filter((x) => x.error)) console.log(`${r.binding}: ${r.error}`);
    console.log(JSON.stringify({ bench: 'soak', results }));
  }
}
