// The fuzz pass: seeded random feeds, dims, dtypes, data states, fetches, run and session
// options and call orders against the real test models (children/fuzz.mjs), for a bounded time.
// It must find nothing: every case resolves with well-formed (and, for identities, equal)
// outputs or rejects with a coded OrtexError; a crash fails it. Replay or explore with
// ORTEX_FUZZ_SEED=<n> ORTEX_FUZZ_SECONDS=<s>.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { childJsonLines } from '../helpers/index.mjs';

const CHILD = new URL('./children/fuzz.mjs', import.meta.url).pathname;
const seed = Number(process.env.ORTEX_FUZZ_SEED ?? 1);
const seconds = Number(process.env.ORTEX_FUZZ_SECONDS ?? 30);

test(`fuzz: ${seconds} s from seed ${seed} finds nothing`, () => {
  const report = childJsonLines(CHILD, [seed, seconds], { timeoutMs: (seconds + 60) * 1000 }).pop();
  console.log(
    `  fuzz: ${report.cases} cases from seed ${seed} in ${seconds} s: ${report.resolved} resolved, ${report.rejected} rejected ${JSON.stringify(report.codes)}`,
  );
  assert.ok(report.cases > 500, `only ${report.cases} cases ran`);
  assert.ok(report.resolved > 0 && report.rejected > 0, 'the generator reaches both outcomes');
  assert.equal(report.findings, [], `seed ${seed}: ${JSON.stringify(report.findings, null, 1)}`);
});

test.run();
