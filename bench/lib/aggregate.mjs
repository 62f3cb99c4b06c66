// Turning per-round contender results into one summary per contender, ratios to the C++
// ceiling, and the pass/fail checks.
//
// Per round, each contender reports p50/p99 latency, throughput, CPU time, peak RSS, event-loop
// delay. Over rounds: medians of p50, p99, µs/run, throughput and CPU/run; the max of peak RSS
// and of the event-loop max; the median of event-loop p99.
import { median, round } from './stats.mjs';

/** Wall time per run in µs for one round: elapsed × callers / runs (= mean latency at concurrency 1). */
export function usPerRun(r) {
  return r.runs > 0 ? (r.seconds * 1e6) / r.runs : null;
}

function med(rounds, f) {
  const v = rounds.map(f).filter((x) => x != null && Number.isFinite(x));
  return v.length ? median(v) : null;
}

function max(rounds, f) {
  const v = rounds.map(f).filter((x) => x != null && Number.isFinite(x));
  return v.length ? Math.max(...v) : null;
}

/** Summary of one contender's rounds (results without error/skipped). */
export function summarize(rounds) {
  return {
    rounds: rounds.length,
    runs: rounds.reduce((a, r) => a + r.runs, 0),
    p50_us: round(
      med(rounds, (r) => r.p50_us),
      3,
    ),
    p99_us: round(
      med(rounds, (r) => r.p99_us),
      3,
    ),
    us_per_run: round(med(rounds, usPerRun), 3),
    throughput_runs_per_s: round(
      med(rounds, (r) => r.throughput_runs_per_s),
      3,
    ),
    samples_per_s: round(
      med(rounds, (r) => r.samples_per_s),
      3,
    ),
    cpu_us_per_run: round(
      med(rounds, (r) => ((r.cpu_user_s + r.cpu_sys_s) * 1e6) / r.runs),
      3,
    ),
    peak_rss_mb: round(
      max(rounds, (r) => r.peak_rss_kb / 1024),
      1,
    ),
    eld_p99_ms: round(
      med(rounds, (r) => r.eld_p99_ms),
      3,
    ),
    eld_max_ms: round(
      max(rounds, (r) => r.eld_max_ms),
      3,
    ),
    create_ms: round(
      med(rounds, (r) => r.create_ms),
      3,
    ),
    first_run_ms: round(
      med(rounds, (r) => r.first_run_ms),
      3,
    ),
    runs_inline: rounds.some((r) => r.runs_inline != null) ? rounds.reduce((a, r) => a + (r.runs_inline ?? 0), 0) : null,
    runs_async: rounds.some((r) => r.runs_async != null) ? rounds.reduce((a, r) => a + (r.runs_async ?? 0), 0) : null,
    ort_version: rounds[0]?.ort_version ?? null,
  };
}

/**
 * One workload's results: { contenders: { name: summary | { error } | { skipped } }, rounds: raw }.
 * `raw` is [{ round, contender, ...result }]. Adds x_ceiling_p50 / x_ceiling_throughput and the
 * per-round overhead over the ceiling (µs/run, paired within a round).
 */
export function aggregateWorkload(raw, contenders) {
  const out = {};
  for (const name of contenders) {
    const mine = raw.filter((r) => r.contender === name);
    const ok = mine.filter((r) => !r.error && !r.skipped);
    if (ok.length) out[name] = summarize(ok);
    else if (mine.find((r) => r.skipped)) out[name] = { skipped: mine.find((r) => r.skipped).skipped };
    else if (mine.length) out[name] = { error: mine.find((r) => r.error)?.error ?? 'no result' };
  }
  const ceiling = out.ceiling;
  if (ceiling && !ceiling.error) {
    for (const [name, s] of Object.entries(out)) {
      if (s.error || s.skipped) continue;
      s.x_ceiling_p50 = round(s.p50_us / ceiling.p50_us, 3);
      s.x_ceiling_us_per_run = round(s.us_per_run / ceiling.us_per_run, 3);
      s.x_ceiling_throughput = round(s.throughput_runs_per_s / ceiling.throughput_runs_per_s, 3);
      // Overhead over the ceiling, paired by round (both measured minutes apart, not hours).
      const perRound = [];
      for (const r of raw.filter((x) => x.contender === name && !x.error)) {
        const c = raw.find((x) => x.contender === 'ceiling' && x.round === r.round && !x.error);
        if (c) perRound.push({ overhead: usPerRun(r) - usPerRun(c), ratio: usPerRun(r) / usPerRun(c) });
      }
      s.overhead_us_per_run = round(
        med(perRound, (p) => p.overhead),
        3,
      );
      s.ratio_us_per_run_paired = round(
        med(perRound, (p) => p.ratio),
        4,
      );
    }
  }
  return out;
}

/**
 * The checks, from aggregated workloads keyed by id:
 *  - overhead: ortex's per-call overhead over the ceiling ≤ half of onnxruntime-node's (near-empty model)
 *  - rec-b8: ortex within 5 % of the ceiling on PP-OCR rec batch 8 (µs/run, paired by round)
 */
export function checkTargets(byId, workloadDefs) {
  const checks = [];
  for (const def of workloadDefs) {
    if (!def.target) continue;
    const agg = byId[def.id];
    if (!agg) continue;
    const o = agg.ortex;
    const n = agg['onnxruntime-node'];
    const c = agg.ceiling;
    if (def.target === 'overhead') {
      const missing = [o, n, c].some((s) => !s || s.error || s.skipped);
      if (missing) {
        checks.push({
          id: 'overhead',
          workload: def.id,
          pass: null,
          line: `SKIP overhead (${def.id}): needs ortex, onnxruntime-node and ceiling results`,
        });
        continue;
      }
      const ratio = o.overhead_us_per_run / n.overhead_us_per_run;
      const pass = ratio <= 0.5;
      checks.push({
        id: 'overhead',
        workload: def.id,
        pass,
        ratio: round(ratio, 3),
        limit: 0.5,
        ortex_overhead_us: o.overhead_us_per_run,
        onnxruntime_node_overhead_us: n.overhead_us_per_run,
        ceiling_us: c.us_per_run,
        line:
          `${pass ? 'PASS' : 'FAIL'} per-call overhead over the C++ ceiling (${def.id}): ortex +${fmt(o.overhead_us_per_run)} µs, ` +
          `onnxruntime-node +${fmt(n.overhead_us_per_run)} µs, ceiling ${fmt(c.us_per_run)} µs/call → ratio ${fmt(ratio)} (target ≤ 0.5)`,
      });
    } else if (def.target === 'rec-b8') {
      if (!o || o.error || o.skipped || !c || c.error) {
        checks.push({
          id: 'rec-b8',
          workload: def.id,
          pass: null,
          line: `SKIP within 5 % of the ceiling (${def.id}): needs ortex and ceiling results`,
        });
        continue;
      }
      const ratio = o.ratio_us_per_run_paired;
      const pass = ratio <= 1.05;
      checks.push({
        id: 'rec-b8',
        workload: def.id,
        pass,
        ratio,
        limit: 1.05,
        line:
          `${pass ? 'PASS' : 'FAIL'} within 5 % of the C++ ceiling (${def.id}): ortex ${fmt(o.us_per_run / 1000)} ms/run, ` +
          `ceiling ${fmt(c.us_per_run / 1000)} ms/run → ×${fmt(ratio)} (target ≤ ×1.05)`,
      });
    }
  }
  return checks;
}

function fmt(x) {
  if (x == null || !Number.isFinite(x)) return '-';
  return Math.abs(x) >= 100 ? x.toFixed(1) : Math.abs(x) >= 10 ? x.toFixed(2) : x.toFixed(3);
}
