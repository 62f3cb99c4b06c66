/**
 * One model's rollout: which version serves, which is the candidate, how requests split between
 * them, the shadow copies, the per-arm counters, the automatic policy and the decision history.
 * The router asks it for a version per request (`select`), the observer tells it about answers
 * (`answered`), the manager feeds it config changes, new versions and manual commands.
 */
import { OrtexError } from '../../base/errors.js';
import type { FeedsType, ReturnType } from '../../session/session.js';
import type { ModelVersion } from '../model-version.js';
import type { Log, ModelEntry } from '../repository.js';
import type { RoutingContext } from '../router.js';
import { ArmCounter, type ArmNumbers } from './arm-stats.js';
import { judge, type Evidence, type ReasonCode } from './checks.js';
import type { DriftSource } from './drift-source.js';
import { stableUnit } from './hash.js';
import { ShadowTraffic, type ShadowNumbers } from './shadow.js';
import {
  DEFAULT_SHADOW,
  resolvePolicy,
  type ResolvedPolicy,
  type RolloutMode,
  type RolloutSpec,
  type RolloutStep,
  type StickyKey,
} from './spec.js';

export type Phase = 'idle' | 'observing' | 'promoted' | 'rolled_back';
export type Action = 'start' | 'promote' | 'rollback' | 'hold';

export interface Decision {
  at: string;
  action: Action;
  reason: ReasonCode;
  detail: string;
  evidence: Record<string, unknown>;
}

export interface ArmState extends ArmNumbers {
  label: string;
  version: string | null;
}

/** The state JSON (docs/rollouts.md; the dashboard renders it). */
export interface RolloutState {
  model_name: string;
  mode: RolloutMode;
  serving: string | null;
  candidate: string | null;
  candidate_ready: boolean;
  percent: number | null;
  sticky: StickyKey | null;
  phase: Phase;
  since: string;
  step: { index: number; of: number } | null;
  arms: { serving: ArmState; candidate: ArmState };
  shadow: ShadowNumbers | null;
  policy: ResolvedPolicy | null;
  decisions: Decision[];
}

export const DECISIONS_KEPT = 100;

/** What the controller needs from the manager. */
export interface ControllerHost {
  readonly log: Log;
  drift(): DriftSource | undefined;
  /** A decision was made (metrics count it). */
  decided(model: string, d: Decision): void;
  /** The controller started or stopped needing completions (the manager attaches its observer). */
  activity(): void;
}

const NO_STEP: RolloutStep = { mode: 'none' };
const numeric = (v: string) => Number(v);

function stickyValue(key: StickyKey, ctx: RoutingContext): string | undefined {
  if ('header' in key) {
    const h = ctx.headers[key.header.toLowerCase()];
    return Array.isArray(h) ? h[0] : h;
  }
  const body = ctx.body as Record<string, unknown> | null | undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const pick = (o: unknown) =>
    o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[key.feature] : undefined;
  const v = pick(body.features) ?? pick(body.parameters) ?? (Array.isArray(body.instances) ? pick(body.instances[0]) : undefined);
  return v === undefined || v === null ? undefined : String(v);
}

export class RolloutController {
  readonly model: string;
  readonly #host: ControllerHost;
  #spec: RolloutSpec = {};
  #step: RolloutStep = NO_STEP;
  #steps: RolloutStep[] | undefined;
  #stepIndex = 0;
  #policy: ResolvedPolicy | undefined;
  #serving: string | undefined;
  #previous: string | undefined;
  #candidate: string | undefined;
  #candidateSeen = false;
  readonly #excluded = new Set<string>();
  #phase: Phase = 'idle';
  #since = Date.now();
  readonly #decisions: Decision[] = [];
  readonly #servingArm = new ArmCounter();
  readonly #candidateArm = new ArmCounter();
  #frozenArms: { serving: ArmState; candidate: ArmState } | undefined;
  #shadow: ShadowTraffic | undefined;
  #routed = { serving: 0, candidate: 0 };
  #timer: NodeJS.Timeout | undefined;
  #lastEval = 0;
  #evalScheduled = false;
  #entry: () => ModelEntry | undefined;
  /** Highest version number seen loaded (a higher one is a new version). */
  #seen = -1;

  constructor(model: string, host: ControllerHost, entry: () => ModelEntry | undefined) {
    this.model = model;
    this.#host = host;
    this.#entry = entry;
    const e = entry();
    if (e) for (const v of e.versions.keys()) this.#seen = Math.max(this.#seen, numeric(v));
  }

  get spec(): RolloutSpec {
    return this.#spec;
  }

  /** Observing a candidate now (completions and the timer matter). */
  get active(): boolean {
    return this.#phase === 'observing';
  }

  /** Shadow copies are wanted for answers of the serving version. */
  get shadowing(): boolean {
    return this.#shadow !== undefined && this.#phase === 'observing';
  }

  get mode(): RolloutMode {
    return this.#phase === 'observing' ? this.#step.mode : 'none';
  }

  get servingVersion(): string | undefined {
    return this.#serving;
  }

  get candidateVersion(): string | undefined {
    return this.#candidate;
  }

  /** Versions the repository must keep loaded: the serving version, and the candidate while observed. */
  retained(): string[] {
    const out: string[] = [];
    if (this.#serving !== undefined) out.push(this.#serving);
    if (this.#candidate !== undefined && this.#phase === 'observing') out.push(this.#candidate);
    return out;
  }

  /** Routed requests since the rollout started (the traffic-ratio gauge). */
  get routed(): { serving: number; candidate: number } {
    return this.#routed;
  }

  get shadow(): ShadowTraffic | undefined {
    return this.#shadow;
  }

  // ---- routing -------------------------------------------------------------------------------

  /** The serving version: the pinned one when ready, else the newest ready one that is neither the candidate nor excluded. */
  #resolveServing(entry: ModelEntry): ModelVersion | undefined {
    if (this.#serving !== undefined) {
      const v = entry.versions.get(this.#serving);
      if (v?.ready) return v;
    }
    let best: ModelVersion | undefined;
    for (const v of entry.versions.values()) {
      if (!v.ready || v.version === this.#candidate || this.#excluded.has(v.version)) continue;
      if (!best || numeric(v.version) > numeric(best.version)) best = v;
    }
    if (best && this.#serving === undefined) this.#serving = best.version;
    return best;
  }

  /** The version for a request that named none; undefined: let the fallback router decide. */
  select(entry: ModelEntry, ctx: RoutingContext): ModelVersion | undefined {
    const serving = this.#resolveServing(entry);
    const mode = this.mode;
    if ((mode === 'canary' || mode === 'ab') && this.#candidate !== undefined) {
      const candidate = entry.versions.get(this.#candidate);
      if (candidate?.ready && serving) {
        if (this.#toCandidate(ctx)) {
          this.#routed.candidate++;
          return candidate;
        }
      }
    }
    if (serving && this.#phase === 'observing') this.#routed.serving++;
    return serving;
  }

  #toCandidate(ctx: RoutingContext): boolean {
    const step = this.#step;
    if (step.mode === 'ab' && step.ab) {
      const h = ctx.headers[step.ab.header.toLowerCase()];
      const value = Array.isArray(h) ? h[0] : h;
      return value !== undefined && step.ab.b.includes(value);
    }
    const share = (step.percent ?? (step.mode === 'ab' ? 50 : 0)) / 100;
    if (share <= 0) return false;
    if (share >= 1) return true;
    const key = step.sticky ? stickyValue(step.sticky, ctx) : undefined;
    return (key !== undefined ? stableUnit(`${this.model}\u0000${key}`) : Math.random()) < share;
  }

  /** An answered request (from the observer): shadow copy and a throttled evaluation. */
  answered(version: string, outcome: string, feeds: FeedsType, outputs: ReturnType | undefined): void {
    if (this.#phase !== 'observing') return;
    if (this.#shadow && outputs && outcome === 'success' && version === this.#serving) this.#shadow.offer(feeds, outputs);
    this.#soon();
  }

  /** Evaluates off the request path, at most every 20 ms. */
  readonly #soon = (): void => {
    if (!this.#policy || this.#evalScheduled) return;
    const now = performance.now();
    if (now - this.#lastEval < 20) return;
    this.#evalScheduled = true;
    setImmediate(() => {
      this.#evalScheduled = false;
      this.#lastEval = performance.now();
      this.evaluate();
    });
  };

  // ---- state changes -------------------------------------------------------------------------

  /**
   * Applies a rollout spec (config file or PUT). `reason` says where it came from. Throws
   * ERR_ROLLOUT_STATE for an API call whose candidate is not loaded (`strict`).
   */
  apply(spec: RolloutSpec, reason: 'config' | 'api', strict: boolean): void {
    const entry = this.#entry();
    const candidate = spec.candidate !== undefined ? String(spec.candidate) : undefined;
    const mode = spec.mode ?? 'none';
    if (mode !== 'none' && candidate === undefined)
      throw new OrtexError('ERR_INVALID_ARGUMENT', `expected rollout.candidate (a version) for rollout mode '${mode}', received none`);
    if (strict && mode !== 'none' && candidate !== undefined && !entry?.versions.get(candidate)?.ready) {
      throw new OrtexError(
        'ERR_ROLLOUT_STATE',
        `expected a loaded version of model '${this.model}' for rollout.candidate (${[...(entry?.versions.keys() ?? [])].sort((a, b) => numeric(a) - numeric(b)).join(', ') || 'none loaded'}), received '${candidate}': load it beside the serving version (versionPolicy {latest: 2} or {specific: [...]})`,
      );
    }
    const serving = spec.serving !== undefined ? String(spec.serving) : undefined;
    if (serving !== undefined && serving === candidate)
      throw new OrtexError(
        'ERR_INVALID_ARGUMENT',
        `expected rollout.serving to differ from rollout.candidate, received '${serving}' for both`,
      );
    this.#spec = { ...spec, ...(candidate !== undefined ? { candidate } : {}), ...(serving !== undefined ? { serving } : {}) };
    this.#policy = resolvePolicy(spec.policy);
    this.#steps = undefined;
    this.#stepIndex = 0;
    if (serving !== undefined) this.#serving = serving;
    else if (this.#serving === candidate) this.#serving = undefined;
    if (candidate !== undefined) this.#excluded.delete(candidate);
    if (mode === 'none') {
      const was = this.#phase === 'observing';
      this.#stopObserving();
      this.#step = NO_STEP;
      if (was) {
        this.#frozenArms = this.#arms();
        this.#setPhase('idle');
        this.#record('start', reason, `rollout ended: every request goes to version ${this.#serving ?? '(newest)'}`, {});
      }
      this.#host.activity();
      return;
    }
    this.#startObserving(candidate!, { mode, ...pickStep(spec) });
    this.#record('start', reason, this.#describeStep(), { serving: this.#serving ?? null, candidate });
  }

  /** A version was loaded (new or reloaded). */
  loaded(version: string): void {
    const n = numeric(version);
    if (!(n > this.#seen)) return;
    this.#seen = n;
    const steps = this.#spec.onNewVersion?.steps;
    if (!steps) {
      // No policy for new versions: outside a rollout the newest serves, as without rollouts.
      if (this.#phase !== 'observing') this.#serving = undefined;
      return;
    }
    const entry = this.#entry();
    if (entry) this.#resolveServing(entry);
    if (this.#serving === undefined || this.#serving === version) return;
    this.#steps = steps;
    this.#stepIndex = 0;
    this.#policy = resolvePolicy(this.#spec.policy);
    this.#excluded.delete(version);
    this.#startObserving(version, steps[0]!);
    this.#record('start', 'new_version', `version ${version} appeared: ${this.#describeStep()}`, {
      serving: this.#serving,
      candidate: version,
    });
  }

  promote(reason: ReasonCode, detail: string, evidence: Record<string, unknown>): void {
    if (this.#candidate === undefined || this.#phase !== 'observing')
      throw new OrtexError('ERR_ROLLOUT_STATE', `expected a rollout with a candidate for model '${this.model}' to promote, received none`);
    const candidate = this.#candidate;
    if (!this.#entry()?.versions.get(candidate)?.ready)
      throw new OrtexError(
        'ERR_ROLLOUT_STATE',
        `expected candidate version ${candidate} of model '${this.model}' to be ready to promote, received a version that is not loaded`,
      );
    this.#frozenArms = this.#arms();
    this.#previous = this.#serving;
    this.#serving = candidate;
    this.#stopObserving();
    this.#setPhase('promoted');
    this.#record('promote', reason, detail, evidence);
    this.#host.activity();
  }

  rollback(reason: ReasonCode, detail: string, evidence: Record<string, unknown>): void {
    if (this.#phase === 'observing' && this.#candidate !== undefined) {
      this.#frozenArms = this.#arms();
      this.#excluded.add(this.#candidate);
      this.#stopObserving();
      this.#setPhase('rolled_back');
      this.#record('rollback', reason, detail, evidence);
      this.#host.activity();
      return;
    }
    if (this.#phase === 'promoted' && this.#previous !== undefined && this.#entry()?.versions.get(this.#previous)?.ready) {
      const promoted = this.#serving!;
      this.#excluded.add(promoted);
      this.#serving = this.#previous;
      this.#previous = undefined;
      this.#setPhase('rolled_back');
      this.#record('rollback', reason, `${detail} (version ${promoted} was promoted; version ${this.#serving} serves again)`, evidence);
      return;
    }
    throw new OrtexError(
      'ERR_ROLLOUT_STATE',
      `expected a rollout with a candidate (or a promotion whose previous version is still loaded) for model '${this.model}' to roll back, received phase '${this.#phase}'`,
    );
  }

  #startObserving(candidate: string, step: RolloutStep): void {
    this.#stopObserving();
    this.#candidate = candidate;
    this.#candidateSeen = false;
    this.#step = step;
    this.#frozenArms = undefined;
    this.#resetArms();
    if (step.mode === 'shadow') {
      this.#shadow = new ShadowTraffic({
        model: this.model,
        spec: { ...DEFAULT_SHADOW, ...(step.shadow ?? {}) },
        candidate: () => (this.#candidate !== undefined ? this.#entry()?.versions.get(this.#candidate) : undefined),
        log: this.#host.log,
        onResult: this.#soon,
      });
    }
    this.#setPhase('observing');
    if (this.#policy) {
      this.#timer = setInterval(() => this.evaluate(), this.#policy.evaluateEveryMs);
      this.#timer.unref();
    }
    this.#host.activity();
  }

  #stopObserving(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#shadow?.close();
    // The last shadow numbers stay visible in the state until the next rollout starts.
  }

  #resetArms(): void {
    const entry = this.#entry();
    this.#servingArm.reset(entry && this.#serving !== undefined ? entry.versions.get(this.#serving) : undefined);
    this.#candidateArm.reset(entry && this.#candidate !== undefined ? entry.versions.get(this.#candidate) : undefined);
    this.#routed = { serving: 0, candidate: 0 };
  }

  #setPhase(p: Phase): void {
    this.#phase = p;
    this.#since = Date.now();
  }

  #describeStep(): string {
    const s = this.#step;
    const where = this.#steps ? ` (step ${this.#stepIndex + 1} of ${this.#steps.length})` : '';
    const to = `version ${this.#candidate}`;
    if (s.mode === 'canary')
      return `canary ${s.percent ?? 0} % to ${to}${s.sticky ? `, sticky by ${JSON.stringify(s.sticky)}` : ''}${where}`;
    if (s.mode === 'shadow') return `shadow copies (sample rate ${s.shadow?.sampleRate ?? DEFAULT_SHADOW.sampleRate}) to ${to}${where}`;
    if (s.mode === 'ab') return `A/B between version ${this.#serving ?? '?'} (a) and ${to} (b)${where}`;
    return `no rollout${where}`;
  }

  #record(action: Action, reason: ReasonCode, detail: string, evidence: Record<string, unknown>): void {
    const d: Decision = { at: new Date().toISOString(), action, reason, detail, evidence };
    this.#decisions.push(d);
    if (this.#decisions.length > DECISIONS_KEPT) this.#decisions.splice(0, this.#decisions.length - DECISIONS_KEPT);
    this.#host.log.info({ model: this.model, action, reason, detail, evidence }, 'rollout decision');
    this.#host.decided(this.model, d);
  }

  // ---- the policy ----------------------------------------------------------------------------

  #arms(): { serving: ArmState; candidate: ArmState } {
    if (this.#frozenArms) return this.#frozenArms;
    const entry = this.#entry();
    const s = this.#serving !== undefined ? entry?.versions.get(this.#serving) : undefined;
    const c = this.#candidate !== undefined ? entry?.versions.get(this.#candidate) : undefined;
    const mode = this.#step.mode;
    const labels = mode === 'ab' ? ['a', 'b'] : mode === 'shadow' ? ['serving', 'shadow'] : ['serving', 'candidate'];
    return {
      serving: { label: labels[0]!, version: this.#serving ?? null, ...this.#servingArm.read(s) },
      candidate: { label: labels[1]!, version: this.#candidate ?? null, ...this.#candidateArm.read(c) },
    };
  }

  #evidence(): Evidence {
    const arms = this.#arms();
    const drift = this.#host.drift();
    return {
      serving: arms.serving,
      candidate: arms.candidate,
      shadow: this.#shadow ? this.#shadow.numbers() : null,
      drift:
        drift && this.#serving !== undefined && this.#candidate !== undefined
          ? { serving: drift.drift(this.model, this.#serving), candidate: drift.drift(this.model, this.#candidate) }
          : null,
      elapsedMs: Date.now() - this.#since,
    };
  }

  /** Runs the policy once (timer, completions). Never throws. */
  evaluate(): void {
    if (this.#phase !== 'observing' || this.#candidate === undefined) return;
    try {
      const entry = this.#entry();
      const candidate = entry?.versions.get(this.#candidate);
      if (candidate?.ready) {
        if (!this.#candidateSeen) {
          this.#candidateSeen = true;
          this.#resetArms();
        }
      } else if (this.#candidateSeen) {
        this.rollback('candidate_gone', `candidate version ${this.#candidate} is no longer loaded`, {});
        return;
      }
      if (!this.#policy || !candidate?.ready) return;
      const e = this.#evidence();
      const v = judge(e, this.#policy);
      const evidence = { ...e, checks: v.checks };
      if (v.action === 'rollback') this.rollback(v.reason, v.detail, evidence);
      else if (v.action === 'promote') {
        if (this.#steps && this.#stepIndex < this.#steps.length - 1) {
          const passed = this.#describeStep();
          this.#stepIndex++;
          this.#startObserving(this.#candidate, this.#steps[this.#stepIndex]!);
          this.#candidateSeen = true;
          this.#record('start', 'step_passed', `${passed} passed (${v.detail}); next: ${this.#describeStep()}`, evidence);
        } else this.promote(v.reason, v.detail, evidence);
      } else {
        const last = this.#decisions[this.#decisions.length - 1];
        if (last?.action !== 'hold') this.#record('hold', v.reason, v.detail, evidence);
      }
    } catch (err) {
      this.#host.log.error({ model: this.model, err: (err as Error).message }, 'rollout evaluation failed (traffic is unaffected)');
    }
  }

  state(): RolloutState {
    const entry = this.#entry();
    if (entry) this.#resolveServing(entry);
    const s = this.#step;
    const observing = this.#phase === 'observing';
    return {
      model_name: this.model,
      mode: this.mode,
      serving: this.#serving ?? null,
      candidate: this.#candidate ?? null,
      candidate_ready: this.#candidate !== undefined && entry?.versions.get(this.#candidate)?.ready === true,
      percent: observing && (s.mode === 'canary' || (s.mode === 'ab' && !s.ab)) ? (s.percent ?? (s.mode === 'ab' ? 50 : 0)) : null,
      sticky: observing && s.sticky ? s.sticky : null,
      phase: this.#phase,
      since: new Date(this.#since).toISOString(),
      step: this.#steps ? { index: this.#stepIndex + 1, of: this.#steps.length } : null,
      arms: this.#arms(),
      shadow: this.#shadow ? this.#shadow.numbers() : null,
      policy: this.#policy ?? null,
      decisions: [...this.#decisions],
    };
  }

  close(): void {
    this.#stopObserving();
  }
}

function pickStep(spec: RolloutSpec): Omit<RolloutStep, 'mode'> {
  const out: Omit<RolloutStep, 'mode'> = {};
  if (spec.percent !== undefined) out.percent = spec.percent;
  if (spec.sticky) out.sticky = spec.sticky;
  if (spec.ab) out.ab = spec.ab;
  if (spec.shadow) out.shadow = spec.shadow;
  return out;
}
