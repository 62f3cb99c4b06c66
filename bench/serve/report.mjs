// What a bench:serve result becomes: the table and goals run.mjs prints, the chart beside the
// JSON (<stamp>-serve.svg, every run), and with --write the committed bench/results/serve.svg,
// bench/results/serve.md and bench/RESULTS.md's model-server section. `run.mjs --from <json>`
// redoes only this writing, from a saved result.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVE_BEGIN, SERVE_END, withServeSection } from '../lib/serve-section.mjs';
import { hostLines, serveChartSvg, stampOf, stampText } from './chart.mjs';
import { contendersOf } from './lineup.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The contenders' table and the goals' table (Markdown lines). */
export function serveTables(result) {
  const dash = (v) => v ?? '—';
  return [
    '| contender | req/s | p50 ms | p99 ms | errors | server event-loop p99 ms | server CPU µs/request | load generator CPU µs/request |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...contendersOf(result).map(({ name, label }) => {
      const r = result.results[name];
      const eld = r.eventLoopP99 === undefined || r.eventLoopP99 === null ? '—' : r.eventLoopP99.toFixed(1);
      return `| ${label} | ${Math.round(r.rps).toLocaleString('en-US')} | ${r.p50} | ${r.p99} | ${r.errors} | ${eld} | ${dash(r.serverCpuUsPerRequest)} | ${dash(r.loadCpuUsPerRequest)} |`;
    }),
    '',
    '| goal | measured | met |',
    '|---|---:|:---:|',
    ...(result.goals ?? []).map((g) => `| ${g.goal} | ${g.value} | ${g.met ? 'yes' : 'no'} |`),
  ];
}

/** The command that measured `result` (saved with it since the JSON carried it; rebuilt from its settings before). */
export function commandOf(result) {
  if (result.command) return result.command;
  const h = result.host;
  return `npm run bench:serve -- --seconds ${h.seconds} --rounds ${h.rounds} --warmup ${h.warmup}${h.connections === 64 ? '' : ` --connections ${h.connections}`}`;
}

/**
 * The report of `result` in Markdown. `heading`: '#' for serve.md, '##' for RESULTS.md's
 * section; `jsonPath`, `svgPath`: links relative to the file it goes in.
 */
export function serveMarkdown(result, { stamp, heading, jsonPath, svgPath }) {
  const [host, pinned] = hostLines(result.host);
  return [
    `${heading} Model server (\`npm run bench:serve\`, ${stampText(stamp)})`,
    '',
    `Measured by \`${commandOf(result)}\`: ${host}. ${pinned}. Raw data: [\`${jsonPath}\`](${jsonPath}).`,
    '',
    `![bench:serve: requests per second and p99 latency per contender](${svgPath})`,
    '',
    ...serveTables(result),
    '',
    ...(result.skipped ?? []).flatMap((s) => [s, '']),
    'Each server in its own process, load from autocannon in another process on loopback; every contender once per ' +
      'round in a fresh process, even rounds in reverse order. The ceilings: Fastify’s empty route parsing the same body ' +
      '(Iris), the in-process Batcher with no HTTP at all (PP-OCR cls). Rewritten by `npm run bench:serve -- --write`, ' +
      'or from a saved run by `node bench/serve/run.mjs --from <json> --write`; `npm run bench -- --write` keeps ' +
      '`bench/RESULTS.md`’s model-server section as it is.',
  ].join('\n');
}

/**
 * Writes the chart of `result` (raw data in `jsonFile`) beside it as <stamp>-serve.svg, and with
 * `committed` the committed bench/results/serve.svg and serve.md and bench/RESULTS.md's section
 * (the rest of RESULTS.md untouched). Returns the files written, relative to the repository.
 */
export async function writeServeReport(result, jsonFile, { committed = false, root = ROOT } = {}) {
  const stamp = stampOf(result, jsonFile);
  const svg = await serveChartSvg(result, { stamp });
  const written = [jsonFile.replace(/\.json$/, '.svg')];
  writeFileSync(written[0], svg);
  if (committed) {
    const results = join(root, 'bench', 'results');
    const rel = (from, file) => relative(from, file).split('\\').join('/');
    writeFileSync(join(results, 'serve.svg'), svg);
    writeFileSync(
      join(results, 'serve.md'),
      `${serveMarkdown(result, { stamp, heading: '#', jsonPath: rel(results, jsonFile), svgPath: 'serve.svg' })}\n`,
    );
    const resultsMd = join(root, 'bench', 'RESULTS.md');
    const section = serveMarkdown(result, {
      stamp,
      heading: '##',
      jsonPath: rel(dirname(resultsMd), jsonFile),
      svgPath: 'results/serve.svg',
    });
    const before = existsSync(resultsMd) ? readFileSync(resultsMd, 'utf8') : '';
    writeFileSync(resultsMd, withServeSection(before, `${SERVE_BEGIN}\n${section}\n${SERVE_END}`));
    written.push(join(results, 'serve.svg'), join(results, 'serve.md'), resultsMd);
  }
  return written.map((f) => relative(root, f));
}
