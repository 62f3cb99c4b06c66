// bench:serve's chart (issue 12: "Chart and table in bench/RESULTS.md and the README"), rendered
// from a committed result: well-formed SVG, one req/s bar and one p99 bar per contender with its
// label, in the table's order, bar lengths in proportion to the JSON's numbers, the ceiling line
// at the ceiling's bar, the host line and every goal's measured value in the subtitle; and the
// CLI and run.mjs --from write beside the JSON, never over the committed chart without --write.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, onWarningStopParsing } from '@xmldom/xmldom';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serveChartSvg } from '../../bench/serve/chart.mjs';
import { LINEUP } from '../../bench/serve/lineup.mjs';
import { ROOT, runScript } from '../helpers/index.mjs';

const STAMP = '2026-12-01-21-58-08';
const JSON_FILE = join(ROOT, 'bench', 'results', `${STAMP}-serve.json`);
const result = JSON.parse(readFileSync(JSON_FILE, 'utf8'));
const parse = (svg) => new DOMParser({ onError: onWarningStopParsing }).parseFromString(svg, 'image/svg+xml');
const svg = await serveChartSvg(result, { stamp: STAMP });
const doc = parse(svg);
const marks = (role) =>
  Array.from(doc.getElementsByTagName('*')).filter((e) => e.getAttribute('aria-roledescription') === role && e.getAttribute('aria-label'));
/** Each bar: its aria label, top edge and length (Vega draws a bar as `M0,y h w v height h -w Z`). */
const bars = marks('bar').map((e) => {
  const m = /^M0,([-\d.e]+)h([-\d.e]+)v/.exec(e.getAttribute('d'));
  assert.ok(m, `a bar path: ${e.getAttribute('d')}`);
  return { label: e.getAttribute('aria-label'), top: Number(m[1]), width: Number(m[2]) };
});
const expected = LINEUP.filter((c) => result.results[c.name]);
const rpsBars = bars.filter((b) => b.label.endsWith(' req/s'));
const p99Bars = bars.filter((b) => / p99 [\d.]+ ms$/.test(b.label));
/** Every line of text drawn (a multi-line title is one <tspan> per line). */
const texts = [
  ...Array.from(doc.getElementsByTagName('text')).filter((t) => !t.getElementsByTagName('tspan').length),
  ...Array.from(doc.getElementsByTagName('tspan')),
].map((t) => t.textContent);

test('the chart is well-formed SVG (and the check rejects a truncated one)', () => {
  assert.is(doc.documentElement.tagName, 'svg');
  assert.is(doc.documentElement.getAttribute('xmlns'), 'http://www.w3.org/2000/svg');
  assert.throws(() => parse(svg.slice(0, svg.length >> 1)));
});

test('one req/s bar per contender, labelled, in the table order, lengths in proportion to the JSON', () => {
  assert.is(expected.length, 9, 'the committed run measured all nine contenders');
  assert.equal(
    rpsBars.map((b) => b.label),
    expected.map((c) => `${c.label}: ${result.results[c.name].rps} req/s`),
  );
  for (const workload of ['iris', 'cls']) {
    const rows = expected.map((c, i) => ({ c, bar: rpsBars[i] })).filter(({ c }) => c.workload === workload);
    const ref = rows.find(({ c }) => c.role === 'reference');
    assert.ok(ref, `${workload} has its ceiling`);
    for (const { c, bar } of rows) {
      const want = (ref.bar.width * result.results[c.name].rps) / result.results[ref.c.name].rps;
      assert.ok(Math.abs(bar.width - want) < 1e-6 * ref.bar.width, `${c.name}: ${bar.width} px, expected ${want}`);
    }
    const tops = rows.map(({ bar }) => bar.top);
    assert.equal(
      tops,
      [...tops].sort((a, b) => a - b),
      `${workload}: top to bottom in the table's order`,
    );
  }
  for (const c of expected) {
    assert.ok(texts.includes(c.label), `axis label ${c.label}`);
    assert.ok(texts.includes(Math.round(result.results[c.name].rps).toLocaleString('en-US')), `value label of ${c.name}`);
  }
});

test('the ceiling is marked: a line where its bar ends, on each workload', () => {
  const rules = marks('rule mark').map((e) => ({
    label: e.getAttribute('aria-label'),
    x: Number(/translate\(([-\d.e]+),/.exec(e.getAttribute('transform'))[1]),
  }));
  const refs = expected.filter((c) => c.role === 'reference');
  assert.equal(
    rules.map((r) => r.label),
    refs.map((c) => `ceiling, ${c.label}: ${result.results[c.name].rps} req/s`),
  );
  for (const [i, c] of refs.entries()) {
    const bar = rpsBars[expected.indexOf(c)];
    assert.ok(Math.abs(rules[i].x - bar.width) < 1e-6, `${c.name}: line at ${rules[i].x}, bar ends at ${bar.width}`);
  }
});

test('one p99 bar per contender; longer for a higher p99 (log scale), value labels as measured', () => {
  assert.equal(
    p99Bars.map((b) => b.label),
    expected.map((c) => `${c.label}: p99 ${result.results[c.name].p99} ms`),
  );
  const byP99 = expected.map((c, i) => ({ p99: result.results[c.name].p99, width: p99Bars[i].width }));
  const iris = byP99.slice(0, expected.filter((c) => c.workload === 'iris').length).sort((a, b) => a.p99 - b.p99);
  for (let i = 1; i < iris.length; i++) assert.ok(iris[i].width >= iris[i - 1].width, JSON.stringify(iris));
  assert.ok(iris.at(-1).width > 2 * iris[0].width, 'Flask’s 2.3 s p99 stands out');
  for (const c of expected) assert.ok(texts.includes(`${result.results[c.name].p99} ms`), `p99 label of ${c.name}`);
});

test('the subtitle carries the host line and every goal with its measured value', () => {
  const h = result.host;
  const all = texts.join('\n');
  assert.ok(all.includes(`${h.cpus} × ${h.cpu}, Node ${h.node}; ${h.connections} connections; ${h.seconds} s × ${h.rounds} rounds`), all);
  assert.ok(all.includes(`Pinned: ${h.pinned}`));
  assert.is(result.goals.length, 5);
  for (const g of result.goals) assert.ok(texts.includes(`${g.goal}: ${g.value}, ${g.met ? 'met' : 'not met'}`), g.goal);
  assert.ok(texts.includes('Goals:'), 'this run predates per-round ratios: not claimed');
});

const hash = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');
const committed = ['serve.svg', 'serve.md'].map((f) => join(ROOT, 'bench', 'results', f)).concat(join(ROOT, 'bench', 'RESULTS.md'));

test('the CLI and run.mjs --from (no --write) write beside the JSON only', async () => {
  const work = mkdtempSync(join(tmpdir(), 'ortex-serve-chart-'));
  try {
    const json = join(work, `${STAMP}-serve.json`);
    copyFileSync(JSON_FILE, json);
    const before = committed.map(hash);
    const cli = await runScript(join(ROOT, 'bench', 'serve', 'chart.mjs'), [json, join(work, 'out.svg')], { timeoutMs: 60_000 });
    assert.is(cli.code, 0, cli.stderr);
    assert.is(readFileSync(join(work, 'out.svg'), 'utf8'), svg, 'the CLI writes the same chart');
    const from = await runScript(join(ROOT, 'bench', 'serve', 'run.mjs'), ['--from', json], { timeoutMs: 60_000 });
    assert.is(from.code, 0, from.stderr);
    assert.is(readFileSync(join(work, `${STAMP}-serve.svg`), 'utf8'), svg);
    assert.equal(committed.map(hash), before, 'the committed chart, serve.md and RESULTS.md are untouched');
    const bad = await runScript(join(ROOT, 'bench', 'serve', 'run.mjs'), ['--from'], { timeoutMs: 60_000 });
    assert.is(bad.code, 2, 'a --from without a file is refused, not taken for a benchmark run');
    assert.match(bad.stderr, /--from takes a saved result/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test.run();
