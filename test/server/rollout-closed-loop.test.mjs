// The closed loop end to end (examples/closed-loop/run.mjs, short windows): seeded normal traffic
// raises no alarm; shifted traffic makes version 1's monitor drift; its trigger runs the real
// retraining command (a child process) on the exported reservoir sample; version 2 appears in the
// repository and goes shadow → canary → promoted with no failed request. With a faulty training
// job the new version throws and is rolled back, still with no failed request. Decisions are
// driven by request counts, not by time.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runClosedLoop } from '../../examples/closed-loop/run.mjs';

const quiet = () => {};
const steps = (r) => r.timeline.map((t) => t.step);

test('shifted traffic → drift → retraining → version 2 → shadow → canary → promoted', async () => {
  const r = await runClosedLoop({ fast: true, log: quiet, maxRequests: 20_000 });
  try {
    assert.is(r.phase, 'promoted', JSON.stringify(r.decisions.at(-1)));
    assert.is(r.failed, 0, 'no request failed');
    const normal = r.timeline.find((t) => t.step === 'normal traffic sent');
    assert.is(normal.drift, 'ok', 'normal traffic raises no alarm');
    const fired = r.timeline.find((t) => t.step === 'drift trigger fired');
    assert.ok(fired, 'the trigger fired');
    assert.equal(fired.drifted, ['sepal_width'], 'on the shifted feature only');
    assert.ok(fired.sample > 0, 'with a reservoir sample');
    const retrained = r.timeline.find((t) => t.step === 'retraining step finished');
    assert.ok(retrained.ok, retrained.output);
    const out = JSON.parse(retrained.output);
    assert.is(out.version, '2');
    assert.ok(out.accuracy > 0.9, `the retrained model fits the shifted sample (${out.accuracy})`);
    assert.ok(existsSync(join(r.work, 'models', 'iris', '2', 'profile.json')), 'the new version ships with its profile');
    const order = steps(r);
    assert.ok(order.indexOf('drift trigger fired') < order.indexOf('version loaded'), 'retraining, then the new version');
    const decisions = r.decisions.filter((d) => d.action !== 'hold').map((d) => `${d.action}:${d.reason}`);
    assert.equal(decisions, ['start:new_version', 'start:step_passed', 'promote:policy_met']);
    assert.match(r.decisions[0].detail, 'shadow');
    assert.match(r.decisions.find((d) => d.reason === 'step_passed').detail, 'canary 25 %');
    assert.is(r.state.serving, '2');
    const log = readFileSync(join(r.work, 'server.log'), 'utf8');
    assert.match(log, '"msg":"rollout decision"', 'decisions are in the server log');
    assert.match(log, '"action":"promote"');
  } finally {
    rmSync(r.work, { recursive: true, force: true });
  }
});

test('a faulty training job: the new version throws and is rolled back; no request fails', async () => {
  const r = await runClosedLoop({ fast: true, brokenTraining: true, log: quiet, maxRequests: 20_000 });
  try {
    assert.is(r.phase, 'rolled_back', JSON.stringify(r.decisions.at(-1)));
    assert.is(r.failed, 0, 'shadow kept the failures from every client');
    const last = r.decisions.at(-1);
    assert.is(last.action, 'rollback');
    assert.is(last.reason, 'error_rate');
    assert.ok(last.evidence.candidate.requests >= 50, 'after the minimum sample');
    assert.is(r.state.serving, '1', 'version 1 keeps serving');
    assert.is(r.state.candidate, '2');
  } finally {
    rmSync(r.work, { recursive: true, force: true });
  }
});

test.run();
