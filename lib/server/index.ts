/**
 * `ortex/server`: the model server. `createServer()` returns a ready Fastify instance;
 * `ortexPlugin` mounts the same routes in your own Fastify app. Nothing here is loaded by
 * `import 'ortex'`.
 */
export { createServer, ortexPlugin } from './server.js';
export type { CreateServerOptions, OrtexServerOptions, OrtexControl } from './server.js';
export type { ServerConfig, ModelConfig, FixedBatching, VersionPolicy, ModelLimits, OutputConfig, AuthConfig } from './config.js';
export { SCHEMAS as CONFIG_SCHEMAS } from './config.js';
export { ModelRepository } from './repository.js';
export type { ModelEntry, ModelState, IndexEntry, RepositorySource } from './repository.js';
export { ModelVersion } from './model-version.js';
export type { ModelVersionStats, VersionState } from './model-version.js';
export { latestVersionRouter } from './router.js';
export type { VersionRouter, RoutingContext } from './router.js';
export type { InferenceObserver, BeforeRunEvent, AfterRunEvent, RequestInfo, Protocol } from './hooks.js';
export type { FeatureMapper } from './predict.js';
export { ServerMetrics } from './metrics.js';
export { OIP_DATATYPES } from './datatypes.js';
export type { OipDatatype } from './datatypes.js';
export { installShutdown } from './shutdown.js';
export { Rollouts } from './rollout/rollouts.js';
export type { RolloutState, Decision as RolloutDecision, Phase as RolloutPhase, ArmState } from './rollout/controller.js';
export type { RolloutSpec, RolloutPolicy, RolloutStep, RolloutMode, ShadowSpec, StickyKey, AbSpec } from './rollout/spec.js';
export type { DriftSource, VersionDrift } from './rollout/drift-source.js';
