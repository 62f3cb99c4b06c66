#!/usr/bin/env node
// The chart of one bench:serve result: req/s per contender (horizontal bars, in the table's
// order; the reference each goal compares with drawn as a dashed line across its workload's
// bars) and p99 latency beside it (log scale: the Python servers' p99 is hundreds of times the
// Node servers'), one row of panels per workload; the host line and the goals with their measured
// values (per-round ratios where the result has them) in the subtitle. A Vega-Lite spec rendered
// to SVG by Vega in Node (no browser, no canvas).
//
//   node bench/serve/chart.mjs bench/results/<stamp>-serve.json [out.svg]   (default: beside the JSON)
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { contendersOf, WORKLOADS } from './lineup.mjs';

const COLORS = { ortex: '#1971c2', reference: '#868e96', alternative: '#d9480f' };
const ROLE_TITLES = { ortex: 'ortex', reference: 'reference (ceiling)', alternative: 'alternatives' };
const BAR_ROW_PX = 26;

/** `2026-12-01-21-58-08` → `2026-12-01 21:58:08 UTC`. */
export function stampText(stamp) {
  const m = /^(\d{4}-\d{2}-\d{2})-(\d{2})-(\d{2})-(\d{2})$/.exec(stamp ?? '');
  return m ? `${m[1]} ${m[2]}:${m[3]}:${m[4]} UTC` : (stamp ?? 'unknown date');
}

/** The stamp of a result: its own field, else the `<stamp>-serve.json` file name. */
export function stampOf(result, file) {
  return result.stamp ?? /(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})-serve\.json$/.exec(file ?? '')?.[1];
}

/** The host lines: CPUs, Node, connections, duration × rounds; pinning. */
export function hostLines(host) {
  return [
    `${host.cpus} × ${host.cpu}, Node ${host.node}; ${host.connections} connections; ${host.seconds} s × ${host.rounds} rounds ` +
      `after ${host.warmup} s of warm-up, medians over rounds`,
    host.pinned ? `Pinned: ${host.pinned}` : 'Not pinned',
  ];
}

const reqs = (rps) => Math.round(rps).toLocaleString('en-US');

/** One row per measured contender, in table order. */
export function chartRows(result) {
  return contendersOf(result).map((c, order) => {
    const r = result.results[c.name];
    return {
      order,
      name: c.name,
      label: c.label,
      workload: c.workload,
      role: c.role,
      rps: r.rps,
      p99: r.p99,
      errors: r.errors,
      rpsText: `${reqs(r.rps)}${r.errors ? ` (${r.errors.toLocaleString('en-US')} errors)` : ''}`,
      p99Text: `${r.p99} ms`,
    };
  });
}

function workloadPanel(workload, rows, roles) {
  const labels = rows.map((r) => r.label);
  const height = rows.length * BAR_ROW_PX;
  const y = { field: 'label', type: 'nominal', sort: labels, title: null };
  const color = {
    field: 'role',
    type: 'nominal',
    scale: { domain: Object.keys(COLORS), range: Object.values(COLORS) },
    legend: { title: null, orient: 'bottom', values: roles, labelLimit: 300, labelExpr: `${JSON.stringify(ROLE_TITLES)}[datum.label]` },
  };
  const maxRps = Math.max(...rows.map((r) => r.rps));
  const p99s = rows.map((r) => r.p99).filter((v) => v > 0);
  if (!p99s.length) p99s.push(1); // all below autocannon's 1 ms resolution
  // Log-scale bars start at the domain's low end (a power of ten below the smallest p99).
  const p99Low = 10 ** Math.floor(Math.log10(Math.min(...p99s)) - 0.3);
  const p99High = Math.max(...p99s) * 8;
  const decades = [];
  for (let v = p99Low; v <= p99High; v *= 10) decades.push(v);
  const reference = rows.filter((r) => r.role === 'reference');
  const throughput = {
    width: 420,
    height,
    layer: [
      {
        mark: { type: 'bar', height: BAR_ROW_PX - 8 },
        encoding: {
          y: { ...y, axis: { labelLimit: 360, labelFontSize: 12 } },
          x: {
            field: 'rps',
            type: 'quantitative',
            title: 'requests per second (median over rounds)',
            scale: { domain: [0, maxRps * 1.22], nice: false },
            axis: { tickCount: 5, labelExpr: "datum.value >= 1000 ? format(datum.value / 1000, '~g') + 'k' : datum.label" },
          },
          color,
          description: { field: 'description' },
        },
        transform: [{ calculate: "datum.label + ': ' + datum.rps + ' req/s'", as: 'description' }],
      },
      ...(reference.length
        ? [
            {
              data: { values: reference },
              mark: { type: 'rule', strokeDash: [4, 3], color: COLORS.reference, strokeWidth: 1.5 },
              encoding: { x: { field: 'rps', type: 'quantitative' }, description: { field: 'description' } },
              transform: [{ calculate: "'ceiling, ' + datum.label + ': ' + datum.rps + ' req/s'", as: 'description' }],
            },
          ]
        : []),
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, aria: false },
        encoding: { y, x: { field: 'rps', type: 'quantitative' }, text: { field: 'rpsText' } },
      },
    ],
  };
  const latency = {
    width: 220,
    height,
    layer: [
      {
        mark: { type: 'bar', height: BAR_ROW_PX - 8, opacity: 0.75 },
        encoding: {
          y: { ...y, axis: null },
          x: {
            field: 'p99',
            type: 'quantitative',
            title: 'p99 latency, ms (log scale)',
            scale: { type: 'log', domain: [p99Low, p99High], nice: false },
            axis: { values: decades, format: '~g' },
          },
          x2: { datum: p99Low },
          color,
          description: { field: 'description' },
        },
        transform: [{ filter: 'datum.p99 > 0' }, { calculate: "datum.label + ': p99 ' + datum.p99 + ' ms'", as: 'description' }],
      },
      {
        transform: [{ filter: 'datum.p99 > 0' }],
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 11, aria: false },
        encoding: { y, x: { field: 'p99', type: 'quantitative' }, text: { field: 'p99Text' } },
      },
    ],
  };
  return {
    title: { text: WORKLOADS[workload] ?? 'other contenders', anchor: 'start', fontSize: 13 },
    data: { values: rows },
    hconcat: [throughput, latency],
    spacing: 16,
  };
}

/** The Vega-Lite spec of a bench:serve result (`stamp`: its UTC timestamp, for the title). */
export function chartSpec(result, { stamp } = {}) {
  const rows = chartRows(result);
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const roles = Object.keys(COLORS).filter((role) => rows.some((r) => r.role === role));
  const goals = (result.goals ?? []).map((g) => `${g.goal}: ${g.value}, ${g.met ? 'met' : 'not met'}`);
  // Since the goals became medians of per-round ratios, each carries its rounds' ratios.
  const goalsTitle = result.goals?.some((g) => g.ratios) ? 'Goals (a ratio: the median of its per-round ratios):' : 'Goals:';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `npm run bench:serve · ${stampText(stamp)}`,
      subtitle: [...hostLines(result.host), ...(goals.length ? [goalsTitle, ...goals] : []), ...(result.skipped ?? [])],
      anchor: 'start',
      fontSize: 15,
      subtitleFontSize: 11,
      subtitlePadding: 6,
      offset: 14,
    },
    vconcat: workloads.map((w) =>
      workloadPanel(
        w,
        rows.filter((r) => r.workload === w),
        roles,
      ),
    ),
    spacing: 28,
    resolve: { scale: { color: 'shared' } },
    config: {
      font: 'Helvetica, Arial, sans-serif',
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#e9ecef' },
      axisY: { ticks: false, domain: false },
      legend: { labelFontSize: 11 },
    },
  };
}

/** The chart of a bench:serve result as an SVG string. */
export async function serveChartSvg(result, options) {
  const view = new vega.View(vega.parse(compile(chartSpec(result, options)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [file, out] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/serve/chart.mjs bench/results/<stamp>-serve.json [out.svg]\n');
    process.exit(2);
  }
  const result = JSON.parse(readFileSync(file, 'utf8'));
  const target = out ?? file.replace(/\.json$/, '.svg');
  writeFileSync(target, await serveChartSvg(result, { stamp: stampOf(result, file) }));
  console.log(`wrote ${target}`);
}
