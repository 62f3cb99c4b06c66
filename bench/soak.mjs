// Memory soak: does RSS stay flat over many runs and over many model reloads?
// Each binding runs each phase in a fresh child process (node --expose-gc):
//   runs:   one session on the near-empty model, N sequential `await run()` calls whose outputs
//           are dropped without dispose() (what most code does: the GC must reclaim them); RSS
//           after a forced GC at 10 %, 50 % and 100 % of N.
//   reload: C times create a PP-OCRv4 rec session, run it once, release it (what a model server's
//           hot reload does all day); RSS after a forced GC every 5 cycles. The reload growth is
//           the median of the last three samples minus the median of the first three (single
//           samples move by a few MiB with allocator caches). Goal (issue 11): over 100 cycles,
//           ortex's growth is at most onnxruntime-node's + 8 MiB.
// "RSS after a forced GC" for ortex also waits for its lifecycle thread to be idle: sessions let
// go of on the JS thread (their last output collected) are freed there a moment later, and its
// trim hands the freed heap back; onnxruntime-node frees them inside the GC itself.
//
//   node bench/soak.mjs [--runs 100000] [--cycles 100] [--bindings onnxruntime-node,ortex]
//                       [--phases runs,reload] [--model relu|PATH] [--reload-model ocr-rec|PATH]
//                       [--sample-every 5] [--provider cpu] [--check]
//   node --expose-gc bench/soak.mjs --child BINDING --phase runs|reload ...   (prints one JSON line)
import { parseArgs } from 'node:util';
import { modelAvailable, resolveModel } from './lib/models.mjs';
import { loadOrtex } from './lib/ortex.mjs';
import { lastJsonLine, runProcess } from './lib/proc.mjs';
import { formatTable } from './lib/report.mjs';
import { describeInputs, makeFeeds } from './lib/shapes.mjs';
import { normalizeSpec } from './lib/spec.mjs';
import { round } from './lib/stats.mjs';
import { normalizeApi, ortVersion, sessionOptions } from './lib/workload.mjs';

/** The issue 11 goal: ortex's reload growth at most onnxruntime-node's plus this many MiB. */
export const RELOAD_GOAL_MARGIN_MB = 8;
export const PHASES = ['runs', 'reload'];

const isMain = process.argv[1] && new URL(import.meta.url).pathname === process.argv[1];
const opt = !isMain
  ? {}
  : parseArgs({
      options: {
        runs: { type: 'string', default: '100000' },
        cycles: { type: 'string', default: '100' },
        bindings: { type: 'string', default: 'onnxruntime-node,ortex' },
        phases: { type: 'string', default: PHASES.join(',') },
        model: { type: 'string', default: modelAvailable('relu') ? 'relu' : 'relu-project' },
        'reload-model': { type: 'string', default: 'ocr-rec' },
        'sample-every': { type: 'string', default: '5' },
        provider: { type: 'string', default: 'cpu' },
        child: { type: 'string' },
        phase: { type: 'string' },
        check: { type: 'boolean', default: false },
      },
    }).values;

const mb = (bytes) => round(bytes / 2 ** 20, 1);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Growth of a series of samples: median of the last three minus median of the first three. */
export function seriesGrowth(samples) {
  if (samples.length < 2) return null;
  const k = Math.min(3, Math.floor(samples.length / 2));
  return median(samples.slice(-k)) - median(samples.slice(0, k));
}

async function loadBinding(name) {
  if (name === 'ortex') {
    const api = await loadOrtex();
    const { binding } = await import(new URL('../dist/native/runtime.js', import.meta.url).href);
    return { api, idle: () => binding().lifecycleIdle() };
  }
  if (name === 'onnxruntime-node') return { api: normalizeApi(await import('onnxruntime-node')), idle: async () => {} };
  throw new Error(`unknown binding ${name}`);
}

/** RSS after forced GCs, with finalizers of external buffers run and (ortex) its lifecycle thread idle. */
async function settle(idle) {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setImmediate(r));
  }
  await idle();
  return process.memoryUsage();
}

function liveCounters(api) {
  if (typeof api.stats !== 'function') return {};
  const s = api.stats();
  return { sessions_live: s.sessionsCreated - s.sessionsReleased, output_buffers_live: s.outputBuffersLive };
}

async function runsPhase(api, idle) {
  const runs = Number(opt.runs);
  const spec = normalizeSpec({ model: opt.model, provider: opt.provider, runs: 1 });
  const session = await api.InferenceSession.create(spec.model, sessionOptions({ provider: opt.provider, threads: 1 }));
  const feeds = makeFeeds(api.Tensor, describeInputs(session, spec));
  for (let i = 0; i < 1000; i++) await session.run(feeds);
  const base = await settle(idle);
  const marks = [];
  const at = new Set([Math.round(runs * 0.1), Math.round(runs * 0.5), runs]);
  const t0 = performance.now();
  let sink = 0;
  for (let i = 1; i <= runs; i++) {
    const out = await session.run(feeds);
    sink += out[session.outputNames[0]].dims.length;
    if (at.has(i)) marks.push([i, (await settle(idle)).rss]);
  }
  const seconds = (performance.now() - t0) / 1000;
  await session.release?.();
  await settle(idle);
  const [firstAt, first] = marks[0];
  const last = marks[marks.length - 1][1];
  return {
    model: spec.model,
    runs,
    run_seconds: round(seconds, 3),
    rss_start_mb: mb(base.rss),
    rss_runs_mb: Object.fromEntries(marks.map(([k, v]) => [k, mb(v)])),
    rss_after_runs_mb: mb(last),
    run_growth_mb: mb(last - first),
    run_growth_bytes_per_1k_runs: round(((last - first) / Math.max(1, runs - firstAt)) * 1000, 1),
    ...liveCounters(api),
    sink: sink > 0,
  };
}

async function reloadPhase(api, idle) {
  const cycles = Number(opt.cycles);
  const every = Math.max(1, Number(opt['sample-every']));
  const spec = normalizeSpec({ model: opt['reload-model'], provider: opt.provider, runs: 1 });
  const options = sessionOptions({ provider: opt.provider, threads: 1 });
  // One cycle in a function of its own: nothing of it is reachable when the sample is taken.
  const cycle = async () => {
    const s = await api.InferenceSession.create(spec.model, options);
    const out = await s.run(makeFeeds(api.Tensor, describeInputs(s, spec)));
    await s.release?.();
    return Object.keys(out).length;
  };
  const start = await settle(idle);
  const samples = [];
  let sink = 0;
  const t0 = performance.now();
  for (let i = 1; i <= cycles; i++) {
    sink += await cycle();
    if (i % every === 0 || i === cycles) samples.push((await settle(idle)).rss);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    reload_model: spec.model,
    cycles,
    sample_every: every,
    cycle_ms: round((seconds * 1000) / cycles, 1),
    rss_before_mb: mb(start.rss),
    rss_samples_mb: samples.map(mb),
    rss_after_cycles_mb: mb(samples[samples.length - 1]),
    reload_growth_mb: mb(seriesGrowth(samples)),
    heap_used_end_mb: mb(process.memoryUsage().heapUsed),
    ...liveCounters(api),
    ...(typeof api.stats === 'function' ? { heap_trims: api.stats().heapTrims } : {}),
    sink: sink > 0,
  };
}

async function child(name, phase) {
  if (typeof globalThis.gc !== 'function') throw new Error('run the child with node --expose-gc');
  const { api, idle } = await loadBinding(name);
  const result = phase === 'runs' ? await runsPhase(api, idle) : await reloadPhase(api, idle);
  return {
    binding: name,
    phase,
    ort_version: ortVersion(api),
    peak_rss_mb: mb(process.resourceUsage().maxRSS * 1024),
    ...result,
  };
}

/**
 * Runs each phase for each binding, each in its own process; resolves one entry per binding:
 * { binding, runs: {...} | { error }, reload: {...} | { error } } (a phase not asked for is absent).
 */
export async function runSoak({
  runs,
  cycles,
  bindings,
  phases = PHASES,
  model,
  reloadModel = 'ocr-rec',
  sampleEvery = 5,
  provider = 'cpu',
  onProgress,
} = {}) {
  const results = [];
  for (const name of bindings) {
    const entry = { binding: name };
    for (const phase of phases) {
      onProgress?.(name, phase);
      const args = [
        '--expose-gc',
        new URL(import.meta.url).pathname,
        ...['--child', name, '--phase', phase, '--runs', String(runs), '--cycles', String(cycles)],
        ...['--model', model, '--reload-model', reloadModel, '--sample-every', String(sampleEvery), '--provider', provider],
      ];
      const res = await runProcess(process.execPath, args, { timeoutMs: 900_000 });
      const json = lastJsonLine(res.stdout);
      entry[phase] =
        json && !json.error && res.code === 0
          ? json
          : { error: json?.error ?? `exited with ${res.signal ?? res.code}: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}` };
    }
    results.push(entry);
  }
  return results;
}

/** The reload goal, judged from runSoak's results: { pass, ortex, baseline, limit, text } or null. */
export function reloadVerdict(results) {
  const get = (b) => results.find((r) => r.binding === b)?.reload;
  const o = get('ortex');
  const n = get('onnxruntime-node');
  if (!o || !n || o.error || n.error) return null;
  const limit = round(n.reload_growth_mb + RELOAD_GOAL_MARGIN_MB, 1);
  const pass = o.reload_growth_mb <= limit;
  return {
    pass,
    ortex: o.reload_growth_mb,
    baseline: n.reload_growth_mb,
    limit,
    text:
      `${pass ? 'PASS' : 'FAIL'} reload growth over ${o.cycles} cycles: ortex ${o.reload_growth_mb} MiB, ` +
      `onnxruntime-node ${n.reload_growth_mb} MiB (goal: ortex ≤ onnxruntime-node + ${RELOAD_GOAL_MARGIN_MB} = ${limit} MiB)`,
  };
}

/** The reload goal as an entry of `npm run bench`'s targets, or null. */
export function reloadTarget(verdict) {
  if (!verdict) return null;
  const { pass, ortex, baseline, limit, text } = verdict;
  return {
    id: 'reload-memory',
    workload: 'soak',
    pass,
    ortex_growth_mb: ortex,
    onnxruntime_node_growth_mb: baseline,
    limit_mb: limit,
    line: text,
  };
}

/** What the soak tables measure, printed under them. */
export const SOAK_NOTE =
  'RSS after forced GCs (ortex: and its lifecycle thread idle). Reload growth: median of the last three samples minus ' +
  'median of the first three; a leak keeps growing across the samples and leaves sessions or output buffers live ' +
  "(ortex's own counters, sessions/buffers, 0/0 when nothing is retained).";

const live = (r) => (r.sessions_live === undefined ? null : `${r.sessions_live}/${r.output_buffers_live}`);

export function soakTable(results) {
  const runRows = results
    .filter((r) => r.runs)
    .map(({ binding, runs: r }) =>
      r.error
        ? [binding, null, null, null, null, null, null, `error: ${r.error}`]
        : [
            binding,
            r.runs,
            r.rss_start_mb,
            r.rss_after_runs_mb,
            r.run_growth_mb,
            r.run_growth_bytes_per_1k_runs,
            live(r),
            round((r.run_seconds * 1e6) / r.runs, 2),
          ],
    );
  const reloadRows = results
    .filter((r) => r.reload)
    .map(({ binding, reload: r }) =>
      r.error
        ? [binding, null, null, null, null, null, null, `error: ${r.error}`]
        : [
            binding,
            r.cycles,
            r.rss_samples_mb[0],
            r.rss_after_cycles_mb,
            r.reload_growth_mb,
            Math.max(...r.rss_samples_mb),
            live(r),
            r.cycle_ms,
          ],
    );
  const parts = [];
  if (runRows.length)
    parts.push(formatTable(['binding', 'runs', 'RSS start MB', 'after runs', 'growth MB', 'B/1k runs', 'live', 'µs/run'], runRows));
  if (reloadRows.length)
    parts.push(
      formatTable(
        [
          'binding',
          'reloads',
          `RSS @${results.find((r) => r.reload?.sample_every)?.reload.sample_every ?? 5} MB`,
          'at end',
          'growth MB',
          'max',
          'live',
          'ms/cycle',
        ],
        reloadRows,
      ),
    );
  return parts.join('\n\n');
}

/** The RSS series of each binding's reload phase, one line each. */
export function reloadSeries(results) {
  return results
    .filter((r) => r.reload && !r.reload.error)
    .map(({ binding, reload: r }) => `${binding.padEnd(17)} ${r.rss_samples_mb.map((v) => Math.round(v)).join(' ')} MiB`)
    .join('\n');
}

if (isMain) {
  if (opt.child) {
    try {
      if (!PHASES.includes(opt.phase)) throw new Error(`--phase must be one of ${PHASES.join(', ')}`);
      console.log(JSON.stringify(await child(opt.child, opt.phase)));
    } catch (err) {
      console.log(JSON.stringify({ binding: opt.child, phase: opt.phase, error: err?.message ?? String(err) }));
      process.exitCode = 1;
    }
  } else {
    const phases = opt.phases.split(',');
    for (const p of phases) if (!PHASES.includes(p)) throw new Error(`--phases: unknown phase ${p} (${PHASES.join(', ')})`);
    if (phases.includes('runs')) resolveModel(opt.model);
    if (phases.includes('reload')) resolveModel(opt['reload-model']);
    const results = await runSoak({
      runs: Number(opt.runs),
      cycles: Number(opt.cycles),
      bindings: opt.bindings.split(','),
      phases,
      model: opt.model,
      reloadModel: opt['reload-model'],
      sampleEvery: Number(opt['sample-every']),
      provider: opt.provider,
      onProgress: (b, p) =>
        process.stderr.write(
          `soak: ${b} ${p === 'runs' ? `${opt.runs} runs of ${opt.model}` : `${opt.cycles} reloads of ${opt['reload-model']}`}...\n`,
        ),
    });
    console.log(
      `memory soak: ${phases.includes('runs') ? `${opt.runs} runs of ${opt.model}; ` : ''}` +
        `${phases.includes('reload') ? `${opt.cycles} create → run → release cycles of ${opt['reload-model']}, ` : ''}RSS after forced GC`,
    );
    console.log(soakTable(results));
    const series = reloadSeries(results);
    if (series) console.log(`\nRSS every ${opt['sample-every']} reloads:\n${series}`);
    console.log(SOAK_NOTE);
    for (const r of results) for (const p of phases) if (r[p]?.error) console.log(`${r.binding} ${p}: ${r[p].error}`);
    const verdict = reloadVerdict(results);
    if (verdict) console.log(verdict.text);
    console.log(JSON.stringify({ bench: 'soak', results, reload_goal: verdict }));
    if (opt.check && !verdict?.pass) process.exitCode = 1;
  }
}
