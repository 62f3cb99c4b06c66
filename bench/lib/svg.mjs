// Hand-written SVG chart for the concurrency sweep: throughput (x) against p99 latency (y, log
// scale), one line per contender, each point labelled with its number of concurrent callers.
// One panel per sweep, side by side. No dependencies.

const COLORS = { 'onnxruntime-node': '#d9480f', ortex: '#1971c2', 'ortex-batched': '#2f9e44', ceiling: '#868e96' };
const FALLBACK = ['#ae3ec9', '#f08c00', '#0c8599'];
const PANEL_W = 640;
const PANEL_H = 400;
const M = { left: 64, right: 24, top: 70, bottom: 52 };

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceStep(range, target) {
  const raw = range / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

function fmtNum(v) {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(v < 1 ? 2 : v < 10 ? 1 : 0)}`;
}

function fmtMs(ms) {
  if (ms < 1) return `${+(ms * 1000).toFixed(0)} µs`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(1)} s`;
  return `${+ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

/** Log ticks 1-2-5 between lo and hi. */
function logTicks(lo, hi) {
  const ticks = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) ticks.push(v);
    }
  return ticks;
}

/**
 * One panel. `series`: [{ name, points: [{ concurrency, throughput, p99_ms }] }].
 * Returns SVG elements (strings) translated by (x0, 0).
 */
function panel(x0, title, subtitle, series) {
  const pts = series.flatMap((s) => s.points);
  const plotW = PANEL_W - M.left - M.right;
  const plotH = PANEL_H - M.top - M.bottom;
  const out = [`<g transform="translate(${x0},0)">`];
  out.push(`<text x="${M.left}" y="20" class="title">${esc(title)}</text>`);
  out.push(`<text x="${M.left}" y="36" class="sub">${esc(subtitle)}</text>`);
  if (!pts.length) {
    out.push(`<text x="${M.left + plotW / 2}" y="${M.top + plotH / 2}" text-anchor="middle" class="sub">no data</text></g>`);
    return out;
  }
  const xMax = Math.max(...pts.map((p) => p.throughput)) * 1.08;
  const xStep = niceStep(xMax, 5);
  const xTop = Math.ceil(xMax / xStep) * xStep;
  const yLo = 10 ** Math.floor(Math.log10(Math.min(...pts.map((p) => p.p99_ms))));
  const yHi = 10 ** Math.ceil(Math.log10(Math.max(...pts.map((p) => p.p99_ms)) * 1.05));
  const sx = (v) => M.left + (v / xTop) * plotW;
  const sy = (v) => M.top + plotH - ((Math.log10(v) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * plotH;

  // grid and axes
  for (let v = 0; v <= xTop + 1e-9; v += xStep) {
    out.push(`<line x1="${sx(v).toFixed(1)}" y1="${M.top}" x2="${sx(v).toFixed(1)}" y2="${M.top + plotH}" class="grid"/>`);
    out.push(`<text x="${sx(v).toFixed(1)}" y="${M.top + plotH + 16}" text-anchor="middle" class="tick">${fmtNum(v)}</text>`);
  }
  for (const v of logTicks(yLo, yHi)) {
    out.push(`<line x1="${M.left}" y1="${sy(v).toFixed(1)}" x2="${M.left + plotW}" y2="${sy(v).toFixed(1)}" class="grid"/>`);
    out.push(`<text x="${M.left - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end" class="tick">${fmtMs(v)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}" class="frame"/>`);
  out.push(`<text x="${M.left + plotW / 2}" y="${PANEL_H - 12}" text-anchor="middle" class="axis">throughput (requests/s) →</text>`);
  out.push(`<text transform="translate(16,${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" class="axis">p99 latency (log) ↑</text>`);

  // series
  series.forEach((s, i) => {
    const color = COLORS[s.name] ?? FALLBACK[i % FALLBACK.length];
    const p = [...s.points].sort((a, b) => a.concurrency - b.concurrency);
    if (!p.length) return;
    const d = p.map((q, k) => `${k ? 'L' : 'M'}${sx(q.throughput).toFixed(1)},${sy(q.p99_ms).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const q of p) {
      out.push(
        `<circle cx="${sx(q.throughput).toFixed(1)}" cy="${sy(q.p99_ms).toFixed(1)}" r="3.5" fill="${color}">` +
          `<title>${esc(`${s.name}, ${q.concurrency} callers: ${fmtNum(q.throughput)} req/s, p99 ${fmtMs(q.p99_ms)}`)}</title></circle>`,
      );
      out.push(
        `<text x="${(sx(q.throughput) + 5).toFixed(1)}" y="${(sy(q.p99_ms) - 5).toFixed(1)}" class="pt" fill="${color}">${q.concurrency}</text>`,
      );
    }
    // legend: one row above the plot
    const lx = M.left + i * 150;
    const ly = M.top - 12;
    out.push(`<line x1="${lx}" y1="${ly}" x2="${lx + 18}" y2="${ly}" stroke="${color}" stroke-width="2.5"/>`);
    out.push(`<circle cx="${lx + 9}" cy="${ly}" r="3.5" fill="${color}"/>`);
    out.push(`<text x="${lx + 24}" y="${ly + 4}" class="legend">${esc(s.name)}</text>`);
  });
  out.push('</g>');
  return out;
}

/**
 * The sweep chart. `panels`: [{ title, subtitle, series }]; `footer`: one line of provenance.
 */
export function sweepSvg(panels, footer) {
  const n = Math.max(1, panels.length);
  const width = PANEL_W * n;
  const height = PANEL_H + 24;
  const body = panels.flatMap((p, i) => panel(i * PANEL_W, p.title, p.subtitle, p.series));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">`,
    '<style>.title{font-size:13px;font-weight:600;fill:#212529}.sub{font-size:11px;fill:#495057}.tick{font-size:10px;fill:#495057}' +
      '.axis{font-size:11px;fill:#343a40}.legend{font-size:11px;fill:#212529}.pt{font-size:9px}' +
      '.grid{stroke:#e9ecef;stroke-width:1}.frame{fill:none;stroke:#adb5bd;stroke-width:1}.foot{font-size:9.5px;fill:#868e96}</style>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...body,
    `<text x="8" y="${height - 6}" class="foot">${esc(footer)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
