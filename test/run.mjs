#!/usr/bin/env node
// Runs every test/**/*.test.mjs file in its own Node process
// (with --expose-gc, so hazard tests can force collections), then prints one closing line:
// "N passed, N failed". A file that crashes counts as one failure.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';

const root = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ? new RegExp(process.argv[2]) : null;
// Every *.test.mjs below test/ (test/<layer>/ folders included); child scripts and fixtures
// live beside them under other names.
const files = readdirSync(root, { recursive: true })
  .map((f) => join(root, f))
  .filter((f) => f.endsWith('.test.mjs') && !f.includes('node_modules'))
  .filter((f) => !filter || filter.test(f))
  .sort();

// Test the addon this checkout just built, not an older prebuild that the loader would prefer.
const devBuild = join(root, '..', 'build', 'Release', 'ortex.node');
const env = { ...process.env, FORCE_COLOR: '0' };
if (!env.ORTEX_NATIVE_PATH && existsSync(devBuild)) env.ORTEX_NATIVE_PATH = devBuild;

let passed = 0,
  failed = 0,
  skipped = 0;
for (const file of files) {
  const name = relative(root, file);
  const started = Date.now();
  const r = spawnSync(process.execPath, ['--expose-gc', file], { encoding: 'utf8', timeout: 10 * 60_000, env });
  const out = stripVTControlCharacters((r.stdout ?? '') + (r.stderr ?? ''));
  const total = Number(/Total:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(out)?.[1] ?? NaN);
  const skip = Number(/Skipped:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    failed += 1;
    console.log(`✗ ${name}: no uvu summary (exit ${r.status}, signal ${r.signal}) [${secs}s]\n${out.split('\n').slice(-30).join('\n')}`);
    continue;
  }
  passed += ok;
  skipped += skip;
  const bad = total - ok - skip + (r.status !== 0 && total === ok + skip ? 1 : 0);
  failed += bad;
  console.log(`${bad ? '✗' : '✓'} ${name}: ${ok}/${total} passed${skip ? `, ${skip} skipped` : ''} [${secs}s]`);
  if (bad)
    console.log(
      out
        .split('\n')
        .filter((l) => l.trim())
        .slice(-60)
        .join('\n'),
    );
}
// The summary's last line is exactly `N passed, N failed` (what CI reads); skips come just before it.
if (skipped) console.log(`${skipped} skipped`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
