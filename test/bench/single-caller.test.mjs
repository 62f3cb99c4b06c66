// The bench's single-caller parity (issue 11): ortex's µs/run over onnxruntime-node's, paired by
// round; workloads with several callers are not single-caller; the event-loop figure stands beside.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { eventLoopTarget } from '../../bench/event-loop.mjs';
import { eventLoopLine, singleCallerRows, singleCallerTarget } from '../../bench/lib/single-caller.mjs';
import { aggregateWorkload } from '../../bench/lib/aggregate.mjs';

const CONTENDERS = ['ceiling', 'onnxruntime-node', 'ortex'];
const round = (r, contender, usPerRun) => ({ round: r, contender, runs: 1000, seconds: usPerRun / 1000, p50_us: usPerRun, eld_p99_ms: 1 });

function workload(id, perRound, spec = { concurrency: 1 }) {
  const raw = perRound.flatMap(([node, ortex], i) => [
    round(i + 1, 'ceiling', 90),
    round(i + 1, 'onnxruntime-node', node),
    round(i + 1, 'ortex', ortex),
  ]);
  return { id, title: id, spec, raw, summary: aggregateWorkload(raw, CONTENDERS) };
}

test('ratios are paired by round: a slow round for both does not count against ortex', () => {
  // Round 2 is slow for everyone (a busy machine); ortex is 1 % behind in each round.
  const rows = singleCallerRows([
    workload('a', [
      [100, 101],
      [300, 303],
      [100, 101],
    ]),
  ]);
  assert.is(rows[0].ratio, 1.01);
  assert.is(rows[0].pass, true);
});

test('behind by more than the tolerance fails, and the target names the workload', () => {
  const rows = singleCallerRows([
    workload('fast', [
      [100, 90],
      [100, 91],
      [100, 92],
    ]),
    workload('slow', [
      [100, 110],
      [100, 112],
      [100, 111],
    ]),
  ]);
  assert.equal(
    rows.map((r) => [r.id, r.pass]),
    [
      ['fast', true],
      ['slow', false],
    ],
  );
  const t = singleCallerTarget(rows);
  assert.is(t.pass, false);
  assert.is(t.worst_workload, 'slow');
  assert.match(t.line, /^FAIL single caller .* behind: slow ×1\.11/);
});

test('workloads with several callers, or a contender missing, are not judged', () => {
  const concurrent = workload('four', [[100, 200]], { concurrency: 4 });
  const missing = workload('missing', [[100, 100]]);
  missing.summary.ortex = { error: 'crashed' };
  const rows = singleCallerRows([concurrent, missing]);
  assert.equal(
    rows.map((r) => [r.id, r.pass]),
    [['missing', null]],
  );
  assert.is(singleCallerTarget(rows), null);
});

test('the event-loop figure and its target', () => {
  const run = {
    spec: { seconds: 5, concurrency: 4, batch: 8 },
    target_eld_p99_ms: 5,
    ortex_pass: true,
    results: [
      { contender: 'onnxruntime-node', eld_p99_ms: 370 },
      { contender: 'ortex', eld_p99_ms: 1.8 },
    ],
  };
  assert.match(eventLoopLine(run), /ortex 1\.8 ms, onnxruntime-node 370 ms \(target ortex < 5 ms\)/);
  assert.equal([eventLoopTarget(run).pass, eventLoopTarget(run).line.slice(0, 4)], [true, 'PASS']);
  const failed = { ...run, ortex_pass: null, results: [{ contender: 'ortex', error: 'no model' }] };
  assert.is(eventLoopTarget(failed).pass, null);
});

test.run();
