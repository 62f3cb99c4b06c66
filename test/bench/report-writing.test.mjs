// bench (issue 10): `npm run bench` overwrote the committed bench/RESULTS.md and
// bench/results/sweep.svg with quick-profile numbers. Now a run writes its report beside its JSON
// (<stamp>-<profile>.md, -sweep.svg) and the committed files change only with --write. Checked
// through --render (the same writer, from a saved run, without benchmarking).
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, runScript } from '../helpers/index.mjs';

const committed = [join(ROOT, 'bench', 'RESULTS.md'), join(ROOT, 'bench', 'results', 'sweep.svg')];
const hash = (f) => createHash('sha256').update(readFileSync(f)).digest('hex');

test('a re-rendered run writes its own report beside its JSON; RESULTS.md and sweep.svg stay as committed', async () => {
  const work = mkdtempSync(join(tmpdir(), 'ortex-bench-'));
  try {
    const json = join(work, '2026-11-26-233931-full.json');
    copyFileSync(join(ROOT, 'bench', 'results', '2026-11-26-233931-full.json'), json);
    const before = committed.map(hash);
    const r = await runScript(join(ROOT, 'bench', 'run.mjs'), ['--render', json], { timeoutMs: 60_000 });
    assert.is(r.code, 0, r.stderr);
    assert.equal(committed.map(hash), before, 'the committed report is untouched');
    const md = join(work, '2026-11-26-233931-full.md');
    assert.ok(existsSync(md), r.stdout);
    assert.ok(existsSync(join(work, '2026-11-26-233931-full-sweep.svg')));
    const text = readFileSync(md, 'utf8');
    assert.match(text, /\(2026-11-26-233931-full\.json\)/, 'links its raw data next to it');
    assert.match(text, /!\[throughput vs p99 latency\]\(2026-11-26-233931-full-sweep\.svg\)/);
    assert.match(text, /outputs left to the GC \(no dispose\(\)\)/, 'the soak table says what it measures');
    assert.match(
      text,
      /## Single caller[\s\S]*\| \*\*ocr-cls-b1\*\* \| 1\.77 ms \| 1\.94 ms \| ×1\.10 \| \*\*no\*\*/,
      'the single-caller table, judged',
    );
    const both = await runScript(join(ROOT, 'bench', 'run.mjs'), ['--render', json, '--write', '--no-write'], { timeoutMs: 60_000 });
    assert.is(both.code, 2);
    assert.match(both.stderr, /give --write or --no-write, not both/);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test.run();
