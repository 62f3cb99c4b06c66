// bench/RESULTS.md has two writers: bench:serve --write owns the model-server section between
// <!-- bench:serve --> markers, the full suite's --write owns the rest. Each must leave the
// other's part byte for byte as it was. Both writers run here against a scratch repository root
// (the same functions run.mjs and bench/run.mjs call), never the checkout's committed files.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reaggregate, writeReport } from '../../bench/lib/output.mjs';
import { SERVE_BEGIN, SERVE_END, SERVE_PLACEHOLDER, serveSectionOf, withServeSection } from '../../bench/lib/serve-section.mjs';
import { serveChartSvg } from '../../bench/serve/chart.mjs';
import { writeServeReport } from '../../bench/serve/report.mjs';
import { ROOT } from '../helpers/index.mjs';

const SERVE_JSON = '2026-12-01-21-58-08-serve.json';
const FULL_JSON = '2026-12-01-185446-full.json';
const serveResult = () => JSON.parse(readFileSync(join(ROOT, 'bench', 'results', SERVE_JSON), 'utf8'));
const committedResults = readFileSync(join(ROOT, 'bench', 'RESULTS.md'), 'utf8');

/** A scratch repository root with bench/results/ holding copies of the two saved runs. */
function scratch() {
  const root = mkdtempSync(join(tmpdir(), 'ortex-serve-section-'));
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  for (const f of [SERVE_JSON, FULL_JSON]) copyFileSync(join(ROOT, 'bench', 'results', f), join(root, 'bench', 'results', f));
  return root;
}
const around = (text) => {
  const start = text.indexOf(SERVE_BEGIN);
  const end = text.indexOf(SERVE_END) + SERVE_END.length;
  assert.ok(start >= 0 && end > start, 'the markers are there, in order');
  return { before: text.slice(0, start), section: text.slice(start, end), after: text.slice(end) };
};

test('withServeSection replaces only what lies between the markers', () => {
  const text = `# t\n\nabove\n\n${SERVE_BEGIN}\nold numbers\n${SERVE_END}\n\nbelow\n`;
  const section = `${SERVE_BEGIN}\nnew numbers\n${SERVE_END}`;
  const out = withServeSection(text, section);
  assert.is(out, `# t\n\nabove\n\n${section}\n\nbelow\n`);
  assert.is(serveSectionOf(out), section);
  assert.is(withServeSection(out, section), out, 'idempotent');
});

test('without markers the section goes before ## Method, the rest kept; unbalanced markers are refused', () => {
  const text = '# r\n\n## Micro-benchmarks\n\nrows\n\n## Method\n\n- how\n';
  const out = withServeSection(text, SERVE_PLACEHOLDER);
  assert.is(out, `# r\n\n## Micro-benchmarks\n\nrows\n\n${SERVE_PLACEHOLDER}\n\n## Method\n\n- how\n`);
  assert.is(withServeSection('# r\n', SERVE_PLACEHOLDER), `# r\n\n${SERVE_PLACEHOLDER}\n`, 'appended where no ## Method');
  assert.throws(() => withServeSection(`a\n${SERVE_BEGIN}\nb\n`, SERVE_PLACEHOLDER), /without <!-- \/bench:serve -->/);
  assert.throws(() => withServeSection(text, 'no markers'), /markers/);
});

test('bench:serve --write replaces RESULTS.md’s section and leaves the rest of the file as it was', async () => {
  const root = scratch();
  try {
    const resultsMd = join(root, 'bench', 'RESULTS.md');
    const stale = withServeSection(committedResults, `${SERVE_BEGIN}\nstale serving numbers\n${SERVE_END}`);
    writeFileSync(resultsMd, stale);
    const json = join(root, 'bench', 'results', SERVE_JSON);
    const written = await writeServeReport(serveResult(), json, { committed: true, root });
    assert.equal(written.sort(), [
      'bench/RESULTS.md',
      `bench/results/${SERVE_JSON.replace('.json', '.svg')}`,
      'bench/results/serve.md',
      'bench/results/serve.svg',
    ]);
    const was = around(stale);
    const now = around(readFileSync(resultsMd, 'utf8'));
    assert.is(now.before, was.before, 'the suite’s part above, byte for byte');
    assert.is(now.after, was.after, 'and below');
    assert.not.match(now.section, /stale/);
    assert.match(now.section, /## Model server \(`npm run bench:serve`, 2026-12-01 21:58:08 UTC\)/);
    assert.match(now.section, /Measured by `npm run bench:serve -- --seconds 5 --rounds 3 --warmup 5`/);
    assert.match(now.section, /\[`results\/2026-12-01-21-58-08-serve\.json`\]\(results\/2026-12-01-21-58-08-serve\.json\)/);
    assert.match(now.section, /!\[[^\]]+\]\(results\/serve\.svg\)/);
    assert.match(now.section, /\| ortex serve \/predict \| 33,086 \| 1 \| 5 \| 0 \| 3\.8 \| 30 \| 19\.3 \|/);
    assert.match(now.section, /\| ortex \/predict ≥ 1\.8× node:http \+ onnxruntime-node \| 1\.43× \| no \|/);
    const svg = readFileSync(join(root, 'bench', 'results', 'serve.svg'), 'utf8');
    assert.is(svg, await serveChartSvg(serveResult(), { stamp: '2026-12-01-21-58-08' }));
    const serveMd = readFileSync(join(root, 'bench', 'results', 'serve.md'), 'utf8');
    assert.match(serveMd, /^# Model server/);
    assert.match(serveMd, /!\[[^\]]+\]\(serve\.svg\)/, 'serve.md embeds the chart beside it');
    assert.match(serveMd, /\(2026-12-01-21-58-08-serve\.json\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the full suite’s --write keeps the section as it is (and writes the placeholder where there is none)', () => {
  const root = scratch();
  try {
    const resultsMd = join(root, 'bench', 'RESULTS.md');
    const section = `${SERVE_BEGIN}\n## Model server\n\nsome serving numbers | 123 |\n${SERVE_END}`;
    writeFileSync(resultsMd, withServeSection('# old suite report\n\nold numbers\n', section));
    const json = join(root, 'bench', 'results', FULL_JSON);
    const run = () => reaggregate(JSON.parse(readFileSync(json, 'utf8')));
    writeReport(run(), json, { committed: true, root });
    const text = readFileSync(resultsMd, 'utf8');
    assert.is(serveSectionOf(text), section, 'kept byte for byte');
    assert.not.match(text, /old numbers/, 'the suite’s part is this run’s');
    assert.match(text, /## Host[\s\S]*## Micro-benchmarks[\s\S]*<!-- bench:serve -->[\s\S]*<!-- \/bench:serve -->\n\n## Method/);
    rmSync(resultsMd);
    writeReport(run(), json, { committed: true, root });
    assert.is(serveSectionOf(readFileSync(resultsMd, 'utf8')), SERVE_PLACEHOLDER);
    writeReport(run(), json, { root });
    const beside = join(root, 'bench', 'results', FULL_JSON.replace('.json', '.md'));
    assert.ok(existsSync(beside));
    assert.is(serveSectionOf(readFileSync(beside, 'utf8')), SERVE_PLACEHOLDER, 'a report beside its JSON says where the section lives');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the committed section, serve.md and serve.svg are what --from --write makes of the run they link', async () => {
  const link = /Raw data: \[`results\/([^`]+-serve\.json)`\]/.exec(serveSectionOf(committedResults) ?? '');
  assert.ok(link, 'bench/RESULTS.md has a model-server section linking its raw data');
  const root = scratch();
  try {
    copyFileSync(join(ROOT, 'bench', 'results', link[1]), join(root, 'bench', 'results', link[1]));
    writeFileSync(join(root, 'bench', 'RESULTS.md'), committedResults);
    const result = JSON.parse(readFileSync(join(root, 'bench', 'results', link[1]), 'utf8'));
    await writeServeReport(result, join(root, 'bench', 'results', link[1]), { committed: true, root });
    assert.is(readFileSync(join(root, 'bench', 'RESULTS.md'), 'utf8'), committedResults);
    for (const f of ['serve.md', 'serve.svg'])
      assert.is(
        readFileSync(join(root, 'bench', 'results', f), 'utf8'),
        readFileSync(join(ROOT, 'bench', 'results', f), 'utf8'),
        `bench/results/${f} is current (regenerate: node bench/serve/run.mjs --from bench/results/${link[1]} --write)`,
      );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
