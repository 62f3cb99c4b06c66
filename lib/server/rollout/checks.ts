/**
 * The automatic policy: one check per bound (error rate, p99 latency, shadow agreement, shadow
 * output distance, drift), each judged only once it has its minimum sample, and the decision
 * they add up to: roll back at once when a judged check breaks; promote (or advance a step) when
 * the promotion condition holds (requests and time) and every check that applies was judged and
 * held; hold otherwise.
 */
import type { ArmNumbers } from './arm-stats.js';
import type { VersionDrift } from './drift-source.js';
import type { ShadowNumbers } from './shadow.js';
import type { ResolvedPolicy } from './spec.js';

export type ReasonCode =
  | 'config'
  | 'api'
  | 'new_version'
  | 'step_passed'
  | 'policy_met'
  | 'error_rate'
  | 'p99_latency'
  | 'agreement'
  | 'distance'
  | 'drift'
  | 'candidate_gone'
  | 'waiting';

export interface Evidence {
  serving: ArmNumbers;
  candidate: ArmNumbers;
  shadow: ShadowNumbers | null;
  drift: { serving: VersionDrift | undefined; candidate: VersionDrift | undefined } | null;
  elapsedMs: number;
}

export interface CheckResult {
  reason: ReasonCode;
  /** Enough data to judge. */
  judged: boolean;
  ok: boolean;
  value: number;
  bound: number;
  detail: string;
}

type Check = (e: Evidence, p: ResolvedPolicy) => CheckResult | undefined;

const round = (x: number, digits = 4) => Number(x.toFixed(digits));

const errorRate: Check = (e, p) => {
  const bound = e.serving.error_rate + p.maxErrorRateIncrease;
  return {
    reason: 'error_rate',
    judged: e.candidate.requests >= p.minRequests,
    ok: e.candidate.error_rate <= bound,
    value: round(e.candidate.error_rate),
    bound: round(bound),
    detail: `candidate error rate ${round(e.candidate.error_rate)} (${e.candidate.errors}/${e.candidate.requests}) against a bound of ${round(bound)} (serving ${round(e.serving.error_rate)} + ${p.maxErrorRateIncrease})`,
  };
};

const p99: Check = (e, p) => {
  const bound = e.serving.p99_ms * p.maxP99Ratio + p.p99SlackMs;
  return {
    reason: 'p99_latency',
    judged: e.candidate.requests >= p.minRequests && e.serving.requests >= p.minRequests,
    ok: e.candidate.p99_ms <= bound,
    value: round(e.candidate.p99_ms),
    bound: round(bound),
    detail: `candidate p99 ${round(e.candidate.p99_ms)} ms against a bound of ${round(bound)} ms (serving ${round(e.serving.p99_ms)} ms × ${p.maxP99Ratio} + ${p.p99SlackMs} ms)`,
  };
};

const agreement: Check = (e, p) => {
  if (!e.shadow || p.minAgreement === undefined) return undefined;
  return {
    reason: 'agreement',
    judged: e.shadow.compared >= p.minRequests,
    ok: e.shadow.agreement >= p.minAgreement,
    value: round(e.shadow.agreement),
    bound: p.minAgreement,
    detail: `shadow agreement ${round(e.shadow.agreement)} over ${e.shadow.compared} copies against a minimum of ${p.minAgreement}`,
  };
};

const distance: Check = (e, p) => {
  if (!e.shadow || p.maxMeanDistance === undefined) return undefined;
  return {
    reason: 'distance',
    judged: e.shadow.compared >= p.minRequests,
    ok: e.shadow.mean_distance <= p.maxMeanDistance,
    value: round(e.shadow.mean_distance, 6),
    bound: p.maxMeanDistance,
    detail: `shadow mean output distance ${round(e.shadow.mean_distance, 6)} against a maximum of ${p.maxMeanDistance}`,
  };
};

const drift: Check = (e, p) => {
  const s = e.drift?.serving;
  const c = e.drift?.candidate;
  if (!s || !c) return undefined;
  const bound = s.share + p.maxDriftShareIncrease;
  const outputs = c.outputsDrifted && !s.outputsDrifted;
  return {
    reason: 'drift',
    judged: true,
    ok: c.share <= bound && !outputs,
    value: round(c.share),
    bound: round(bound),
    detail: outputs
      ? "the candidate's outputs drifted while the serving version's did not"
      : `candidate drifted-feature share ${round(c.share)} against a bound of ${round(bound)} (serving ${round(s.share)} + ${p.maxDriftShareIncrease})`,
  };
};

export const CHECKS: readonly Check[] = [errorRate, p99, agreement, distance, drift];

export interface Verdict {
  action: 'promote' | 'rollback' | 'hold';
  reason: ReasonCode;
  detail: string;
  checks: CheckResult[];
}

/** What the policy says about `e` now. */
export function judge(e: Evidence, p: ResolvedPolicy): Verdict {
  const checks = CHECKS.map((c) => c(e, p)).filter((c): c is CheckResult => c !== undefined);
  const broken = checks.find((c) => c.judged && !c.ok);
  if (broken) return { action: 'rollback', reason: broken.reason, detail: broken.detail, checks };
  if (p.promoteAfterRequests === undefined && p.promoteAfterSeconds === undefined)
    return { action: 'hold', reason: 'waiting', detail: 'no promotion condition configured: promote by hand', checks };
  const needed = p.promoteAfterRequests ?? p.minRequests;
  const seconds = p.promoteAfterSeconds ?? 0;
  const enough = e.candidate.requests >= needed && e.elapsedMs >= seconds * 1000;
  const unjudged = checks.filter((c) => !c.judged).map((c) => c.reason);
  if (enough && unjudged.length === 0)
    return {
      action: 'promote',
      reason: 'policy_met',
      detail: `${e.candidate.requests} candidate requests over ${round(e.elapsedMs / 1000, 1)} s within every bound`,
      checks,
    };
  const waiting = [`${e.candidate.requests}/${needed} candidate requests`];
  if (seconds > 0) waiting.push(`${round(e.elapsedMs / 1000, 1)}/${seconds} s`);
  if (unjudged.length) waiting.push(`not enough data yet for ${unjudged.join(', ')}`);
  return { action: 'hold', reason: 'waiting', detail: `waiting: ${waiting.join('; ')}`, checks };
}
