// Single-caller parity (issue 11): one caller making sequential `await run()` calls, ortex's µs/run
// against onnxruntime-node's on every side-by-side workload, paired by round (the two run minutes
// apart, not hours), median over rounds. onnxruntime-node blocks the event loop for each run;
// ortex must match it without doing so, so the table carries the event-loop figure beside it:
// event-loop delay p99 under 4 callers of PP-OCR rec batch 8 (bench/event-loop.mjs).
import { usPerRun } from './aggregate.mjs';
import { median, round } from './stats.mjs';

/** ortex at most this much slower still counts as parity (run-to-run noise of a quiet machine). */
export const PARITY_TOLERANCE = 0.02;

/** One row per workload: { id, title, ortex_us, onnxruntime_node_us, ratio, pass } (null fields when missing). */
export function singleCallerRows(workloadResults) {
  const rows = [];
  for (const w of workloadResults) {
    if ((w.spec?.concurrency ?? 1) !== 1) continue;
    const o = w.summary?.ortex;
    const n = w.summary?.['onnxruntime-node'];
    const row = { id: w.id, title: w.title, ortex_us: null, onnxruntime_node_us: null, ratio: null, pass: null };
    if (o && !o.error && !o.skipped && n && !n.error && !n.skipped) {
      const ratios = [];
      for (const r of w.raw.filter((x) => x.contender === 'ortex' && !x.error && !x.skipped)) {
        const b = w.raw.find((x) => x.contender === 'onnxruntime-node' && x.round === r.round && !x.error && !x.skipped);
        if (b) ratios.push(usPerRun(r) / usPerRun(b));
      }
      row.ortex_us = o.us_per_run;
      row.onnxruntime_node_us = n.us_per_run;
      row.ratio = ratios.length ? round(median(ratios), 3) : null;
      row.pass = row.ratio === null ? null : row.ratio <= 1 + PARITY_TOLERANCE;
      row.ortex_eld_p99_ms = o.eld_p99_ms;
      row.onnxruntime_node_eld_p99_ms = n.eld_p99_ms;
    }
    rows.push(row);
  }
  return rows;
}

/** The parity target for the targets list, or null when no workload compared both. */
export function singleCallerTarget(rows) {
  const judged = rows.filter((r) => r.pass !== null);
  if (!judged.length) return null;
  const behind = judged.filter((r) => !r.pass);
  const pass = behind.length === 0;
  const worst = judged.reduce((a, b) => (b.ratio > a.ratio ? b : a));
  return {
    id: 'single-caller',
    pass,
    worst_workload: worst.id,
    worst_ratio: worst.ratio,
    limit: 1 + PARITY_TOLERANCE,
    line:
      `${pass ? 'PASS' : 'FAIL'} single caller at parity with onnxruntime-node on ${judged.length} workloads ` +
      `(ortex µs/run ÷ onnxruntime-node's, paired by round, ≤ ${1 + PARITY_TOLERANCE}): worst ${worst.id} ×${worst.ratio}` +
      (behind.length ? `; behind: ${behind.map((r) => `${r.id} ×${r.ratio}`).join(', ')}` : ''),
  };
}

/** The event-loop figure beside the table, one line. */
export function eventLoopLine(eventLoop) {
  if (!eventLoop) return null;
  const o = eventLoop.results.find((r) => r.contender === 'ortex');
  const n = eventLoop.results.find((r) => r.contender === 'onnxruntime-node');
  if (!o || o.error) return `event loop under 4 callers of PP-OCR rec batch 8: ortex ${o?.error ?? 'did not run'}`;
  return (
    `event-loop delay p99 under 4 callers of PP-OCR rec batch 8 (${eventLoop.spec.seconds} s, 1 ms sampling): ` +
    `ortex ${o.eld_p99_ms} ms${n && !n.error ? `, onnxruntime-node ${n.eld_p99_ms} ms` : ''} (target ortex < ${eventLoop.target_eld_p99_ms} ms)`
  );
}
