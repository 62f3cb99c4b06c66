// Writing a suite run's report: bench/RESULTS.md and bench/results/sweep.svg, from the run's JSON.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { aggregateWorkload, checkTargets } from './aggregate.mjs';
import { resultsMarkdown } from './markdown.mjs';
import { REPO_ROOT } from './models.mjs';
import { sweepSvg } from './svg.mjs';

/** Recomputes summaries and targets from the raw rounds (so a re-render uses the current rules). */
export function reaggregate(run) {
  for (const w of run.workloads ?? []) w.summary = aggregateWorkload(w.raw, run.settings.side_by_side_contenders);
  run.targets = checkTargets(Object.fromEntries((run.workloads ?? []).map((w) => [w.id, w.summary])), run.workloads ?? []);
  return run;
}

/** Writes RESULTS.md (and sweep.svg when the run has sweeps); returns the paths written. */
export function writeReport(run, jsonFile) {
  const written = [];
  const resultsDir = join(REPO_ROOT, 'bench/results');
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
    const svgFile = join(resultsDir, 'sweep.svg');
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
  const mdFile = join(REPO_ROOT, 'bench/RESULTS.md');
  writeFileSync(mdFile, resultsMarkdown(run, { jsonPath: relative(join(REPO_ROOT, 'bench'), jsonFile), svgPath: 'results/sweep.svg' }));
  written.push(mdFile);
  return written.map((f) => relative(REPO_ROOT, f));
}
