// Writing a suite run's report (Markdown and the sweep chart) from the run's JSON: new files beside
// the JSON by default, the committed bench/RESULTS.md and bench/results/sweep.svg only when asked.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { eventLoopTarget } from '../event-loop.mjs';
import { reloadTarget, reloadVerdict } from '../soak.mjs';
import { aggregateWorkload, checkTargets } from './aggregate.mjs';
import { resultsMarkdown } from './markdown.mjs';
import { REPO_ROOT } from './models.mjs';
import { SERVE_PLACEHOLDER, serveSectionOf, withServeSection } from './serve-section.mjs';
import { singleCallerRows, singleCallerTarget } from './single-caller.mjs';
import { sweepSvg } from './svg.mjs';

/** Recomputes summaries and targets from the raw rounds (so a re-render uses the current rules). */
export function reaggregate(run) {
  for (const w of run.workloads ?? []) w.summary = aggregateWorkload(w.raw, run.settings.side_by_side_contenders);
  run.targets = checkTargets(Object.fromEntries((run.workloads ?? []).map((w) => [w.id, w.summary])), run.workloads ?? []);
  run.single_caller = singleCallerRows(run.workloads ?? []);
  const parity = singleCallerTarget(run.single_caller);
  if (parity) run.targets.push(parity);
  if (run.event_loop) run.targets.push(eventLoopTarget(run.event_loop));
  if (run.soak) {
    run.soak.reload_goal = reloadVerdict(run.soak.results);
    const reload = reloadTarget(run.soak.reload_goal);
    if (reload) run.targets.push(reload);
  }
  return run;
}

/**
 * Writes the report of `run` (its raw data in `jsonFile`). `committed`: the committed
 * bench/RESULTS.md and bench/results/sweep.svg (only when asked, with --write); otherwise new
 * files beside the JSON, named after it (<stamp>-<profile>.md and -sweep.svg), so a quick or
 * filtered run never overwrites the numbers the docs quote. RESULTS.md's model-server section
 * belongs to bench:serve: the committed file keeps the one it has (a line saying how to make it
 * where it has none), a report beside the JSON gets that line. `root`: the repository.
 */
export function writeReport(run, jsonFile, { committed = false, root = REPO_ROOT } = {}) {
  const written = [];
  const resultsDir = join(root, 'bench/results');
  const h = run.host;
  const panels = (run.sweeps ?? []).map((s) => ({
    title: s.title,
    subtitle: `${s.id} · ${s.levels.join(', ')} concurrent callers (point labels) · ${run.settings.threads} intra-op thread(s) · ${h.cpu_model}, ${h.logical_cores} cores`,
    series: s.contenders
      .map((name) => ({
        name,
        points: s.levels
          .map((level) => ({ level, x: s.summary[name]?.[level] }))
          .filter(({ x }) => x && !x.error && !x.skipped)
          .map(({ level, x }) => ({ concurrency: level, throughput: x.throughput_runs_per_s, p99_ms: x.p99_us / 1000 })),
      }))
      .filter((x) => x.points.length),
  }));
  if (panels.length) {
    const svgFile = committed ? join(resultsDir, 'sweep.svg') : jsonFile.replace(/\.json$/, '-sweep.svg');
    writeFileSync(
      svgFile,
      sweepSvg(
        panels,
        `ortex bench · ${run.profile} profile · ${run.started_at.slice(0, 10)} · ${h.git_commit?.slice(0, 10) ?? '?'} · ` +
          `node ${h.node} · ORT ${run.ort_version ?? '?'}${run.note ? ' · see the note in RESULTS.md' : ''}`,
      ),
    );
    written.push(svgFile);
  }
  const mdFile = committed ? join(root, 'bench/RESULTS.md') : jsonFile.replace(/\.json$/, '.md');
  const from = dirname(mdFile);
  const svgPath = committed ? 'results/sweep.svg' : basename(jsonFile).replace(/\.json$/, '-sweep.svg');
  const serveSection = (committed && existsSync(mdFile) && serveSectionOf(readFileSync(mdFile, 'utf8'))) || SERVE_PLACEHOLDER;
  writeFileSync(mdFile, withServeSection(resultsMarkdown(run, { jsonPath: relative(from, jsonFile), svgPath }), serveSection));
  written.push(mdFile);
  return written.map((f) => relative(root, f));
}
