// The benchmark suite (`npm run bench`): ortex against onnxruntime-node and the raw ONNX Runtime
// C++ ceiling, on real models. See bench/README.md.
//
//   npm run bench                          quick profile (under 3 minutes on 2 cores)
//   npm run bench -- --full                everything: more rounds, longer runs, 100,000-run soak
//   npm run bench -- --filter 'relu|rec'   only workloads whose id matches (ids: relu, ocr-cls-b1,
//                                          ocr-cls-b8, ocr-rec-b1, ocr-rec-b8, ocr-det, vad-stream,
//                                          mlp-b1, mlp-b64, sweep-mlp, sweep-cls, event-loop, soak, micro)
//   options: --provider cpu|cuda|tensorrt|webgpu  --threads N (intra-op, default 1)  --rounds N
//            --note TEXT (printed in the report)  --no-write (JSON only)
//            --write (write the committed bench/RESULTS.md and bench/results/sweep.svg)
//            --check (exit 1 when a target FAILs)  --list (print the plan and exit)
//            --render FILE (rewrite the report and the chart from a saved results JSON, no benchmarking;
//                           with --write, the committed ones)
//
// Writes bench/results/<timestamp>-<profile>.json always, and the report beside it
// (<timestamp>-<profile>.md, -sweep.svg) unless --no-write. The committed bench/RESULTS.md and
// bench/results/sweep.svg change only with --write: a quick run never overwrites quoted numbers.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { aggregateWorkload, checkTargets, summarize } from './lib/aggregate.mjs';
import { hostFacts } from './lib/host.mjs';
import { reaggregate, writeReport } from './lib/output.mjs';
import { REPO_ROOT, resolveModel } from './lib/models.mjs';
import { lastJsonLine, runContender, runProcess } from './lib/proc.mjs';
import { formatTable } from './lib/report.mjs';
import { PROVIDERS } from './lib/spec.mjs';
import { round } from './lib/stats.mjs';
import { PROFILES, SIDE_BY_SIDE_CONTENDERS, SWEEP_CONTENDERS, SWEEP_LEVELS, sweeps, workloads } from './lib/suite.mjs';
import { eventLoopSpec, eventLoopTarget, runEventLoop } from './event-loop.mjs';
import { eventLoopLine, singleCallerRows, singleCallerTarget } from './lib/single-caller.mjs';
import { reloadSeries, reloadTarget, reloadVerdict, runSoak, SOAK_NOTE, soakTable } from './soak.mjs';

const { values: opt } = parseArgs({
  options: {
    full: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    filter: { type: 'string' },
    provider: { type: 'string', default: 'cpu' },
    threads: { type: 'string', default: '1' },
    rounds: { type: 'string' },
    note: { type: 'string' },
    write: { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
    render: { type: 'string' },
  },
});

function die(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(2);
}

if (opt.write && opt['no-write']) die('give --write or --no-write, not both');
if (opt.render) {
  // Re-render RESULTS.md and the chart from a saved run (summaries recomputed from its raw rounds).
  const file = resolve(opt.render);
  const run = reaggregate(JSON.parse(readFileSync(file, 'utf8')));
  for (const f of writeReport(run, file, { committed: opt.write })) console.log(`wrote ${f}`);
  process.exit(0);
}
if (opt.full && opt.quick) die('give --full or --quick, not both');
if (!PROVIDERS.includes(opt.provider)) die(`--provider must be one of ${PROVIDERS.join(', ')}, got '${opt.provider}'`);
const threads = Number(opt.threads);
if (!Number.isInteger(threads) || threads < 0) die(`--threads must be an integer >= 0, got '${opt.threads}'`);
let filter = null;
try {
  if (opt.filter) filter = new RegExp(opt.filter);
} catch (e) {
  die(`--filter is not a valid regular expression: ${e.message}`);
}
const profileName = opt.full ? 'full' : 'quick';
const profile = { ...PROFILES[profileName] };
if (opt.rounds) {
  profile.rounds = Number(opt.rounds);
  profile.sweepRounds = Number(opt.rounds);
  if (!Number.isInteger(profile.rounds) || profile.rounds < 1) die('--rounds must be a positive integer');
}
const selected = (id) => !filter || filter.test(id);
const common = { threads, provider: opt.provider };

// ---------------------------------------------------------------- plan
const plan = { workloads: [], sweeps: [], eventLoop: selected('event-loop'), soak: selected('soak'), micro: selected('micro') };
const unavailable = [];
for (const w of workloads()) {
  if (!selected(w.id)) continue;
  try {
    resolveModel(w.spec.model);
  } catch (e) {
    unavailable.push(`${w.id}: ${e.message}`);
    continue;
  }
  plan.workloads.push({ ...w, spec: { ...w.spec, ...w[profileName], ...common } });
}
for (const s of sweeps()) {
  if (!selected(s.id) || (s.fullOnly && profileName !== 'full' && !filter?.test(s.id))) continue;
  try {
    resolveModel(s.spec.model);
  } catch (e) {
    unavailable.push(`${s.id}: ${e.message}`);
    continue;
  }
  plan.sweeps.push({ ...s, spec: { ...s.spec, ...(s[profileName] ?? s.full), ...common } });
}
const steps =
  plan.workloads.length * profile.rounds * SIDE_BY_SIDE_CONTENDERS.length +
  plan.sweeps.length * profile.sweepRounds * SWEEP_LEVELS.length * SWEEP_CONTENDERS.length +
  (plan.eventLoop ? 2 : 0) +
  (plan.soak ? 2 : 0) +
  (plan.micro ? 1 : 0);

if (opt.list) {
  console.log(`profile ${profileName}: ${profile.rounds} rounds, sweep ${profile.sweepRounds} round(s), ${steps} steps`);
  for (const w of plan.workloads) console.log(`  ${w.id.padEnd(12)} ${JSON.stringify(w.spec)}`);
  for (const s of plan.sweeps) console.log(`  ${s.id.padEnd(12)} callers ${SWEEP_LEVELS.join(',')} ${JSON.stringify(s.spec)}`);
  if (plan.eventLoop) console.log(`  event-loop   4 callers of PP-OCR rec batch 8, ${profile.eventLoopSeconds} s per contender`);
  if (plan.soak) console.log(`  soak         ${profile.soakRuns} runs, ${profile.soakCycles} cycles`);
  if (plan.micro) console.log(`  micro        ${profile.microTimeMs} ms per task`);
  for (const u of unavailable) console.log(`  unavailable: ${u}`);
  process.exit(0);
}
if (steps === 0)
  die(`nothing selected${opt.filter ? ` by --filter '${opt.filter}'` : ''}${unavailable.length ? ` (${unavailable.join('; ')})` : ''}`);

// ---------------------------------------------------------------- progress
const t0 = Date.now();
let step = 0;
function clock() {
  const s = Math.round((Date.now() - t0) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
function progress(msg) {
  process.stderr.write(`[${String(step).padStart(String(steps).length)}/${steps} ${clock()}] ${msg}\n`);
}
function note(msg) {
  process.stderr.write(`bench: ${msg}\n`);
}
function brief(r) {
  if (r.skipped) return `skipped (${r.skipped})`;
  if (r.error) return `ERROR ${r.error.split('\n')[0].slice(0, 200)}`;
  const us = r.p50_us;
  const lat = us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(2)} µs`;
  return `p50 ${lat}, ${r.throughput_runs_per_s.toFixed(r.throughput_runs_per_s >= 100 ? 0 : 2)} runs/s (${r.runs} runs)`;
}

// ---------------------------------------------------------------- preflight
const CEILING_BIN = process.env.ORTEX_CEILING_BIN || join(REPO_ROOT, 'bench/native/build/ceiling');
if (!existsSync(CEILING_BIN) && plan.workloads.length) {
  note(`C++ ceiling not built (${relative(REPO_ROOT, CEILING_BIN)}); building it with bench/native/build.sh ...`);
  const res = await runProcess('bash', [join(REPO_ROOT, 'bench/native/build.sh')], { timeoutMs: 600_000 });
  if (res.code !== 0)
    note(
      `could not build the C++ ceiling (the ceiling contender will report errors): ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
}
for (const u of unavailable) note(`skipping ${u}`);

// A non-CPU provider must fail clearly and early, not 60 times over.
const dropped = {};
if (opt.provider !== 'cpu') {
  note(`checking that provider '${opt.provider}' works for each contender ...`);
  const probe = { model: 'relu-project', runs: 1, warmup: 0, ...common };
  // The batching contender needs a model with a batch axis (relu's dims are all fixed).
  const batchedProbe = { ...probe, model: 'mlp' };
  for (const name of [...new Set([...SIDE_BY_SIDE_CONTENDERS, ...SWEEP_CONTENDERS])]) {
    const r = await runContender(name, name === 'ortex-batched' ? batchedProbe : probe, { timeoutMs: 120_000 });
    if (r.error) {
      dropped[name] = `provider '${opt.provider}' unavailable: ${r.error}`;
      note(`${name}: ${dropped[name]}`);
    }
  }
  const left = SIDE_BY_SIDE_CONTENDERS.filter((c) => !dropped[c]);
  if (left.length === 0 || (left.length === 1 && left[0] === 'ceiling')) {
    die(
      `--provider ${opt.provider}: no binding could create a session with it on this machine; see the errors above ` +
        '(onnxruntime-node ships CPU only on Linux unless its CUDA/TensorRT libraries were installed; ortex needs an ORT build with that provider: ORTEX_ORT_LIB).',
    );
  }
}

async function contender(name, spec) {
  if (dropped[name]) return { contender: name, error: dropped[name] };
  return runContender(name, spec);
}

const host = hostFacts();
const startedAt = new Date();
note(
  `${profileName} profile, ${steps} steps, ${threads} intra-op thread(s), provider ${opt.provider}; ` +
    `${host.cpu_model}, ${host.logical_cores} cores, load ${host.loadavg_start.join('/')}`,
);
if (host.loadavg_start[0] > host.logical_cores * 0.5)
  note(`warning: the machine is busy (load ${host.loadavg_start[0]} on ${host.logical_cores} cores): numbers will be noisy`);

// ---------------------------------------------------------------- side by side
const workloadResults = [];
for (const w of plan.workloads) {
  const raw = [];
  for (let r = 1; r <= profile.rounds; r++) {
    for (const name of SIDE_BY_SIDE_CONTENDERS) {
      step++;
      const res = await contender(name, w.spec);
      raw.push({ round: r, ...res, contender: name });
      progress(`${w.id} round ${r}/${profile.rounds} ${name}: ${brief(res)}`);
    }
  }
  workloadResults.push({
    id: w.id,
    title: w.title,
    target: w.target ?? null,
    spec: w.spec,
    raw,
    summary: aggregateWorkload(raw, SIDE_BY_SIDE_CONTENDERS),
  });
}
const targets = checkTargets(Object.fromEntries(workloadResults.map((w) => [w.id, w.summary])), plan.workloads);
const singleCaller = singleCallerRows(workloadResults);
const parity = singleCallerTarget(singleCaller);
if (parity) targets.push(parity);

// ---------------------------------------------------------------- concurrency sweep
const sweepResults = [];
for (const s of plan.sweeps) {
  const raw = [];
  const skipped = {};
  for (let r = 1; r <= profile.sweepRounds; r++) {
    for (const level of SWEEP_LEVELS) {
      for (const name of SWEEP_CONTENDERS) {
        step++;
        if (skipped[name]) {
          raw.push({ round: r, level, contender: name, skipped: skipped[name] });
          continue;
        }
        const res = await contender(name, { ...s.spec, concurrency: level });
        if (res.skipped) skipped[name] = res.skipped;
        raw.push({ round: r, level, ...res, contender: name });
        progress(`${s.id} round ${r}/${profile.sweepRounds} ${level} callers ${name}: ${brief(res)}`);
      }
    }
  }
  const summary = {};
  for (const name of SWEEP_CONTENDERS) {
    summary[name] = {};
    for (const level of SWEEP_LEVELS) {
      const mine = raw.filter((x) => x.contender === name && x.level === level);
      const ok = mine.filter((x) => !x.error && !x.skipped);
      summary[name][level] = ok.length
        ? summarize(ok)
        : mine.find((x) => x.skipped)
          ? { skipped: mine.find((x) => x.skipped).skipped }
          : { error: mine.find((x) => x.error)?.error ?? 'no result' };
    }
  }
  sweepResults.push({ id: s.id, title: s.title, spec: s.spec, levels: SWEEP_LEVELS, contenders: SWEEP_CONTENDERS, raw, summary });
}

// ---------------------------------------------------------------- event loop under load
let eventLoop = null;
if (plan.eventLoop) {
  eventLoop = await runEventLoop(
    eventLoopSpec({ seconds: profile.eventLoopSeconds, threads, provider: opt.provider }),
    ['onnxruntime-node', 'ortex'].filter((c) => !dropped[c]),
    {
      onProgress: (name) => {
        step++;
        progress(`event-loop ${name}: 4 callers of PP-OCR rec batch 8, ${profile.eventLoopSeconds} s ...`);
      },
    },
  );
  targets.push(eventLoopTarget(eventLoop));
}

// ---------------------------------------------------------------- soak
let soak = null;
if (plan.soak) {
  const bindings = ['onnxruntime-node', 'ortex'];
  const results = await runSoak({
    runs: profile.soakRuns,
    cycles: profile.soakCycles,
    bindings,
    model: 'relu-project',
    reloadModel: 'ocr-rec',
    provider: opt.provider,
    onProgress: (b, phase) => {
      if (phase === 'runs') step++;
      progress(`soak ${b}: ${phase === 'runs' ? `${profile.soakRuns} runs` : `${profile.soakCycles} reloads of PP-OCR rec`} ...`);
    },
  });
  soak = {
    runs: profile.soakRuns,
    cycles: profile.soakCycles,
    model: 'relu-project',
    reload_model: 'ocr-rec',
    results,
    reload_goal: reloadVerdict(results),
  };
  const reload = reloadTarget(soak.reload_goal);
  if (reload) targets.push(reload);
}

// ---------------------------------------------------------------- micro
let micro = null;
if (plan.micro) {
  step++;
  progress(`micro-benchmarks (tinybench, ${profile.microTimeMs} ms per task) ...`);
  const res = await runProcess(
    process.execPath,
    [
      join(REPO_ROOT, 'bench/micro.mjs'),
      '--time',
      String(profile.microTimeMs),
      '--warmup-time',
      String(Math.round(profile.microTimeMs / 3)),
      '--provider',
      opt.provider,
    ],
    { timeoutMs: 600_000 },
  );
  const json = lastJsonLine(res.stdout);
  micro =
    json && res.code === 0
      ? json
      : { error: `micro.mjs exited with ${res.signal ?? res.code}: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}` };
}

// ---------------------------------------------------------------- output
const finishedAt = new Date();
const ortVersion = workloadResults.flatMap((w) => w.raw).find((r) => r.ort_version)?.ort_version ?? null;
const run = {
  bench: 'ortex-suite',
  schema: 1,
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  profile: profileName,
  started_at: startedAt.toISOString(),
  finished_at: finishedAt.toISOString(),
  duration_s: round((finishedAt - startedAt) / 1000, 1),
  note: opt.note ?? null,
  host,
  loadavg_end: os.loadavg().map((x) => round(x, 2)),
  ort_version: ortVersion,
  settings: {
    threads,
    inter_op_threads: 1,
    execution_mode: 'sequential',
    graph_optimization: 'all',
    provider: opt.provider,
    rounds: profile.rounds,
    sweepRounds: profile.sweepRounds,
    filter: opt.filter ?? null,
    side_by_side_contenders: SIDE_BY_SIDE_CONTENDERS,
    sweep_contenders: SWEEP_CONTENDERS,
    sweep_levels: SWEEP_LEVELS,
  },
  targets,
  workloads: workloadResults,
  single_caller: singleCaller,
  event_loop: eventLoop,
  sweeps: sweepResults,
  soak,
  micro,
  unavailable,
};

const resultsDir = join(REPO_ROOT, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const stamp = startedAt.toISOString().replace(/[:]/g, '').replace(/\..*/, '').replace('T', '-');
const jsonFile = join(resultsDir, `${stamp}-${profileName}${opt.filter ? '-filtered' : ''}.json`);
writeFileSync(jsonFile, `${JSON.stringify(run, null, 1)}\n`);

// Console report.
const fmtLat = (us) => (us == null ? null : us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(2)} µs`);
if (workloadResults.length) {
  console.log(
    `\nside by side (${profileName}: ${profile.rounds} rounds, medians; ${threads} intra-op thread(s), provider ${opt.provider})`,
  );
  const rows = [];
  for (const w of workloadResults)
    for (const [name, s] of Object.entries(w.summary))
      rows.push(
        s.error || s.skipped
          ? [w.id, name, s.skipped ? 'skipped' : 'error', null, null, null, null, null, null, null, null]
          : [
              w.id,
              name,
              fmtLat(s.p50_us),
              fmtLat(s.p99_us),
              fmtLat(s.us_per_run),
              s.throughput_runs_per_s,
              fmtLat(s.cpu_us_per_run),
              s.peak_rss_mb,
              s.eld_p99_ms,
              s.eld_max_ms,
              s.ratio_us_per_run_paired ?? s.x_ceiling_us_per_run,
            ],
      );
  console.log(
    formatTable(['workload', 'contender', 'p50', 'p99', 'per run', 'runs/s', 'CPU/run', 'RSS MB', 'ELD p99', 'ELD max', 'x ceil'], rows),
  );
  for (const w of workloadResults)
    for (const [name, s] of Object.entries(w.summary)) if (s.error) console.log(`${w.id} ${name}: ${s.error}`);
}
if (singleCaller.some((r) => r.ratio !== null) || eventLoop) {
  console.log('\nsingle caller: ortex against onnxruntime-node (µs/run, paired by round), and the event loop under load');
  console.log(
    formatTable(
      ['workload', 'onnxruntime-node', 'ortex', 'ratio', 'parity', 'ELD p99 ms'],
      singleCaller.map((r) => [
        r.id,
        fmtLat(r.onnxruntime_node_us),
        fmtLat(r.ortex_us),
        r.ratio,
        r.pass === null ? null : r.pass ? 'yes' : 'NO',
        r.ortex_eld_p99_ms,
      ]),
    ),
  );
  const line = eventLoopLine(eventLoop);
  if (line) console.log(line);
}
if (sweepResults.length) {
  for (const s of sweepResults) {
    console.log(`\nconcurrency sweep ${s.id}: ${s.title}`);
    const rows = [];
    for (const name of s.contenders)
      for (const level of s.levels) {
        const x = s.summary[name][level];
        if (x.skipped) {
          if (level === s.levels[0]) rows.push([name, null, 'skipped', null, null, null, null]);
          continue;
        }
        rows.push(
          x.error
            ? [name, level, 'error', null, null, null, null]
            : [name, level, x.throughput_runs_per_s, fmtLat(x.p50_us), fmtLat(x.p99_us), x.eld_p99_ms, x.eld_max_ms],
        );
      }
    console.log(formatTable(['contender', 'callers', 'req/s', 'p50', 'p99', 'ELD p99', 'ELD max'], rows));
    for (const name of s.contenders) {
      const x = s.summary[name][s.levels[0]];
      if (x.skipped) console.log(`${name}: ${x.skipped}`);
    }
  }
}
if (soak) {
  console.log(
    `\nmemory soak (${soak.runs} runs, ${soak.cycles} create → run → release cycles of PP-OCR rec${profileName === 'quick' ? '; quick profile: the full profile does 100,000 and 100' : ''})`,
  );
  console.log(soakTable(soak.results));
  console.log(reloadSeries(soak.results));
  console.log(SOAK_NOTE);
  for (const r of soak.results) for (const p of ['runs', 'reload']) if (r[p]?.error) console.log(`${r.binding} ${p}: ${r[p].error}`);
  if (soak.reload_goal) console.log(soak.reload_goal.text);
}
if (micro) {
  if (micro.error) console.log(`\nmicro-benchmarks: ${micro.error}`);
  else {
    console.log(`\nmicro-benchmarks (tinybench, ${micro.time_ms} ms per task; speedup = onnxruntime-node p50 / ortex p50)`);
    const tasks = [...new Set(micro.results.map((r) => r.task))];
    console.log(
      formatTable(
        ['task', 'ortex p50', 'ort-node p50', 'speedup'],
        tasks.map((t) => {
          const a = micro.results.find((r) => r.task === t && r.binding === 'ortex');
          const b = micro.results.find((r) => r.task === t && r.binding === 'onnxruntime-node');
          return [t, fmtLat(a?.p50_us), fmtLat(b?.p50_us), a?.p50_us && b?.p50_us ? round(b.p50_us / a.p50_us, 2) : null];
        }),
      ),
    );
  }
}
if (targets.length) {
  console.log('\ntargets (issues 4 and 11)');
  for (const t of targets) console.log(t.line);
}

console.log(`\nwrote ${relative(REPO_ROOT, jsonFile)}`);
if (opt['no-write']) console.log('report not written (--no-write)');
else {
  for (const f of writeReport(run, jsonFile, { committed: opt.write })) console.log(`wrote ${f}`);
  if (!opt.write) console.log('bench/RESULTS.md and bench/results/sweep.svg unchanged (add --write to replace them with this run)');
}
console.log(`total ${clock()}`);
if (opt.check && targets.some((t) => t.pass === false)) process.exitCode = 1;
