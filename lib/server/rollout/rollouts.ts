/**
 * The rollout manager the server installs by default: one {@link RolloutController} per model
 * that has a rollout (from its config's `rollout` section or a PUT), the {@link VersionRouter}
 * that asks them (a model without one routes through the fallback router, as before), the
 * observer that feeds them answers (attached only while some rollout observes a candidate, so a
 * server without rollouts pays nothing on the request path), and the commands the endpoints call.
 */
import { OrtexError } from '../../base/errors.js';
import { checkConfig, type ModelConfig } from '../config.js';
import type { AfterRunEvent, InferenceObserver } from '../hooks.js';
import type { ModelVersion } from '../model-version.js';
import type { Log, ModelEntry, ModelRepository } from '../repository.js';
import type { RoutingContext, VersionRouter } from '../router.js';
import { RolloutController, type Decision, type RolloutState } from './controller.js';
import type { DriftSource } from './drift-source.js';
import { versionMonitorDrift } from './monitor-drift.js';
import type { RolloutSpec } from './spec.js';

export interface RolloutsOptions {
  repository: ModelRepository;
  log: Log;
  /** Routing for models without a rollout, and for requests naming a version. */
  fallback: VersionRouter;
  /** Attaches and detaches the manager's observer (the server's addObserver/removeObserver). */
  observe: { add(o: InferenceObserver): void; remove(o: InferenceObserver): void };
}

export class Rollouts implements VersionRouter {
  readonly #o: RolloutsOptions;
  readonly #controllers = new Map<string, RolloutController>();
  /** The rollout section each model's config had last (JSON), to apply only changes. */
  readonly #configured = new Map<string, string>();
  /** Decisions by model, action and reason, for ortex_rollout_decisions_total. */
  readonly decisionCounts = new Map<string, { model: string; action: string; reason: string; count: number }>();
  #drift: DriftSource | undefined;
  #attached = false;
  readonly #observer: InferenceObserver = {
    afterRun: (e: AfterRunEvent) => this.#controllers.get(e.model)?.answered(e.version, e.outcome, e.feeds, e.outputs),
  };
  readonly #onConfig = ({ model, config }: { model: string; config: ModelConfig }) => this.#configChanged(model, config);
  readonly #onLoad = ({ model, version }: { model: string; version: string }) => this.#controllers.get(model)?.loaded(version);

  constructor(o: RolloutsOptions) {
    this.#o = o;
    this.#drift = versionMonitorDrift(o.repository);
    o.repository.retain((model) => this.#controllers.get(model)?.retained() ?? []);
    o.repository.on('config', this.#onConfig);
    o.repository.on('load', this.#onLoad);
  }

  // ---- VersionRouter -------------------------------------------------------------------------

  select(entry: ModelEntry, requested: string | undefined, context: RoutingContext): ModelVersion {
    if (requested === undefined) {
      const c = this.#controllers.get(entry.name);
      if (c) {
        const v = c.select(entry, context);
        if (v) return v;
      }
    }
    return this.#o.fallback.select(entry, requested, context);
  }

  // ---- control -------------------------------------------------------------------------------

  /** Drift per version for the policies (default: each version's own monitor, config `monitoring`). */
  setDriftSource(source: DriftSource | undefined): void {
    this.#drift = source;
  }

  #entry(model: string): ModelEntry {
    const e = this.#o.repository.get(model);
    if (!e)
      throw new OrtexError(
        'ERR_NOT_FOUND',
        `expected the name of a model this server serves (${
          this.#o.repository
            .entries()
            .map((x) => `'${x.name}'`)
            .join(', ') || 'none'
        }), received '${model}'`,
      );
    return e;
  }

  #controller(model: string): RolloutController {
    let c = this.#controllers.get(model);
    if (!c) {
      c = new RolloutController(
        model,
        {
          log: this.#o.log,
          drift: () => this.#drift,
          decided: (m, d) => this.#count(m, d),
          activity: () => this.#updateObserver(),
        },
        () => this.#o.repository.get(model),
      );
      this.#controllers.set(model, c);
    }
    return c;
  }

  #count(model: string, d: Decision): void {
    const key = `${model}\u0000${d.action}\u0000${d.reason}`;
    const row = this.decisionCounts.get(key);
    if (row) row.count++;
    else this.decisionCounts.set(key, { model, action: d.action, reason: d.reason, count: 1 });
  }

  #updateObserver(): void {
    let wanted = false;
    for (const c of this.#controllers.values()) if (c.active) wanted = true;
    if (wanted && !this.#attached) this.#o.observe.add(this.#observer);
    else if (!wanted && this.#attached) this.#o.observe.remove(this.#observer);
    this.#attached = wanted;
  }

  #configChanged(model: string, config: ModelConfig): void {
    const spec = config.rollout;
    const json = JSON.stringify(spec ?? null);
    if ((this.#configured.get(model) ?? 'null') === json) return;
    this.#configured.set(model, json);
    try {
      if (!spec) {
        const c = this.#controllers.get(model);
        if (c) {
          c.apply({}, 'config', false);
          c.close();
          this.#controllers.delete(model);
          this.#updateObserver();
        }
        return;
      }
      this.#controller(model).apply(spec, 'config', false);
    } catch (e) {
      this.#o.log.error({ model, err: (e as Error).message }, 'the rollout section of the config was not applied');
    }
  }

  /** The state JSON (docs/rollouts.md). Throws ERR_NOT_FOUND for an unknown model. */
  state(model: string): RolloutState {
    const entry = this.#entry(model);
    const c = this.#controllers.get(model);
    if (c) return c.state();
    // No rollout: what the fallback router would serve, and nothing else.
    let serving: string | null = null;
    try {
      serving = this.#o.fallback.select(entry, undefined, { requestId: 'rollout-state', headers: {} }).version;
    } catch {
      /* nothing ready */
    }
    const none = { requests: 0, errors: 0, error_rate: 0, p50_ms: 0, p99_ms: 0 };
    return {
      model_name: model,
      mode: 'none',
      serving,
      candidate: null,
      candidate_ready: false,
      percent: null,
      sticky: null,
      phase: 'idle',
      since: new Date(entry.versions.get(serving ?? '')?.loadedAt ?? Date.now()).toISOString(),
      step: null,
      arms: { serving: { label: 'serving', version: serving, ...none }, candidate: { label: 'candidate', version: null, ...none } },
      shadow: null,
      policy: null,
      decisions: [],
    };
  }

  /** PUT: validates `body` like the config section and applies it. */
  put(model: string, body: unknown): RolloutState {
    this.#entry(model);
    const spec = checkConfig<RolloutSpec>('rollout', body ?? {}, 'rollout');
    this.#controller(model).apply(spec, 'api', true);
    return this.state(model);
  }

  promote(model: string): RolloutState {
    this.#entry(model);
    const c = this.#controllers.get(model);
    if (!c) throw new OrtexError('ERR_ROLLOUT_STATE', `expected a rollout with a candidate for model '${model}' to promote, received none`);
    c.promote('api', 'promoted through the API', {});
    return c.state();
  }

  rollback(model: string): RolloutState {
    this.#entry(model);
    const c = this.#controllers.get(model);
    if (!c)
      throw new OrtexError('ERR_ROLLOUT_STATE', `expected a rollout with a candidate for model '${model}' to roll back, received none`);
    c.rollback('api', 'rolled back through the API', {});
    return c.state();
  }

  /** Controllers, for /metrics. */
  controllers(): Iterable<RolloutController> {
    return this.#controllers.values();
  }

  close(): void {
    this.#o.repository.off('config', this.#onConfig);
    this.#o.repository.off('load', this.#onLoad);
    this.#o.repository.retain(undefined);
    for (const c of this.#controllers.values()) c.close();
    if (this.#attached) this.#o.observe.remove(this.#observer);
    this.#attached = false;
  }
}
