// libFuzzer over the addon's own decoding of untrusted model bytes (native/model_scan.cc: the
// header fields and external-data locations it reads before ORT does), with AddressSanitizer
// and UBSan, seeded with the test models, for a bounded time. Needs clang with libFuzzer
// (.ci/run installs Debian's clang); skips with a message where it is missing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS, ROOT } from '../helpers/index.mjs';

const seconds = Number(process.env.ORTEX_FUZZ_NATIVE_SECONDS ?? 20);
const clang = process.env.CXX_FUZZ ?? 'clang++';

test(`libFuzzer: ModelScan for ${seconds} s finds nothing`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ortex-fuzz-scan-'));
  let keep = false;
  try {
    const binary = join(dir, 'model_scan_fuzzer');
    const build = spawnSync(
      clang,
      [
        '-std=c++17',
        '-g',
        '-O1',
        '-fsanitize=fuzzer,address,undefined',
        '-fno-sanitize-recover=undefined',
        new URL('./children/model_scan_fuzzer.cc', import.meta.url).pathname,
        join(ROOT, 'native', 'model_scan.cc'),
        '-o',
        binary,
      ],
      { encoding: 'utf8' },
    );
    if (build.error || build.status !== 0) {
      console.log(`  skipped: ${clang} with libFuzzer is not available (${build.error?.code ?? build.stderr.split('\n')[0]})`);
      return;
    }
    const corpus = join(dir, 'corpus');
    cpSync(MODELS, corpus, { recursive: true, filter: (src) => !src.endsWith('.bin') && !src.endsWith('.md') });
    assert.ok(readdirSync(corpus).length > 10, 'seeded with the test models');
    const r = spawnSync(
      binary,
      [`-max_total_time=${seconds}`, '-rss_limit_mb=2048', '-max_len=65536', `-artifact_prefix=${dir}/`, corpus],
      { encoding: 'utf8', timeout: (seconds + 60) * 1000, maxBuffer: 64 << 20 },
    );
    const runs = Number(/Done (\d+) runs/.exec(r.stderr)?.[1] ?? 0);
    console.log(`  libFuzzer: ${runs} inputs in ${seconds} s`);
    keep = r.status !== 0;
    assert.is(r.status, 0, `a finding (artifact in ${dir}):\n${r.stderr.slice(-3000)}`);
    assert.ok(runs > 1000, `only ${runs} inputs ran`);
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
