/**
 * `createServer()` and `ortexPlugin`: the model server as a Fastify 5 instance, or as a plugin
 * mounted in the user's own Fastify app. Routes: the Open Inference Protocol (routes/v2.ts),
 * the seed's `/predict` (routes/predict.ts) and `/metrics`. Request bodies are parsed by one
 * content-type parser (JSON through secure-json-parse; raw bytes for infer, which may carry
 * binary tensor data), validated by JSON schemas, decoded and checked before any session sees
 * them; every error answer comes from the error table (http-errors.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import secureJson from 'secure-json-parse';
import { OrtexError } from '../base/errors.js';
import type { Monitor } from '../monitoring/index.js';
import { packageRoot } from '../native/loader.js';
import { createAuthenticator } from './auth.js';
import { DEFAULT_BODY_LIMIT, DEFAULT_SHUTDOWN_GRACE_MS, DEFAULT_WATCH_DEBOUNCE_MS, type ServerConfig } from './config.js';
import type { InferenceObserver } from './hooks.js';
import { httpError } from './http-errors.js';
import { bodyValidatorCompiler } from './json-schema.js';
import type { InferenceHost } from './infer.js';
import { ServerMetrics } from './metrics.js';
import type { ModelVersion } from './model-version.js';
import { exportVersionReservoir } from './monitoring.js';
import type { FeatureMapper } from './predict.js';
import { ModelRepository, type RepositorySource } from './repository.js';
import { latestVersionRouter, type VersionRouter } from './router.js';
import { registerDashboardRoutes } from './routes/dashboard.js';
import { registerKServeV1Routes } from './routes/kserve-v1.js';
import { registerMonitoringRoutes } from './routes/monitoring.js';
import { registerPredictRoutes } from './routes/predict.js';
import { registerRolloutRoutes } from './routes/rollout.js';
import { registerRolloutMetrics } from './rollout/metrics.js';
import { Rollouts } from './rollout/rollouts.js';
import { answerHeaders, sendJson } from './routes/reply.js';
import { registerV2Routes } from './routes/v2.js';
import { watchRepository, type RepositoryWatcher } from './watcher.js';

export interface OrtexServerOptions {
  /** What to serve: a repository folder, one model's folder, or an `.onnx` file. */
  models: string;
  /** Name of the model when `models` is a single model (default: the folder or file name). */
  name?: string;
  /** Server configuration (as read from `--config`). */
  config?: ServerConfig;
  /**
   * Version routing for models without a rollout (default: the requested version, else the
   * newest ready one). Rollouts (docs/rollouts.md) route in front of it.
   */
  router?: VersionRouter;
  /** Per-request hooks (monitoring). */
  observers?: InferenceObserver[];
  /** prom-client's default process metrics on /metrics. Default true. */
  processMetrics?: boolean;
  /** Route prefix when mounted in another app (default none). */
  prefix?: string;
}

export interface CreateServerOptions extends OrtexServerOptions {
  /** Fastify's logger option (default: pino at `config.logLevel`, `info`). */
  logger?: FastifyServerOptions['logger'];
}

/** What the plugin adds to the Fastify instance as `app.ortex`. */
export interface OrtexControl {
  readonly repository: ModelRepository;
  readonly metrics: ServerMetrics;
  readonly router: VersionRouter;
  /** Canary, shadow and A/B rollouts: state, commands, and the drift source their policies read. */
  readonly rollouts: Rollouts;
  /** True once shutdown began (answers then close their connections). */
  readonly closing: boolean;
  /** Replaces version routing (a rollout router). */
  setRouter(router: VersionRouter): void;
  addObserver(observer: InferenceObserver): void;
  removeObserver(observer: InferenceObserver): void;
  /** Lets `/predict` take named features for `model` (a monitored model takes them through its input schema). */
  setFeatureMapper(model: string, mapper: FeatureMapper | undefined): void;
  /**
   * The monitor of a loaded version (config `monitoring`), or undefined. Without `version`: the
   * newest ready version's. Its `drift`, `trigger` and `trigger-result` events carry the drift
   * state and the retraining trigger's payloads; a new version gets a new monitor (the
   * repository's `load` event says when).
   */
  monitorOf(model: string, version?: string): Monitor | undefined;
  /**
   * Writes a version's reservoir sample as CSV (into `monitoring.reservoir.dir`, or `dir`) and
   * resolves to its path and rows. Rejects ERR_NOT_FOUND for an unknown model or version, or one
   * without a reservoir.
   */
  exportReservoir(model: string, version?: string, dir?: string): Promise<{ path: string; rows: number }>;
  /**
   * Graceful stop: readiness turns false, the server stops accepting, in-flight requests finish
   * (or, past `graceMs`, queued ones are answered 503 and connections closed), sessions are
   * released. Resolves when done. Idempotent.
   */
  shutdown(graceMs?: number): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    ortex: OrtexControl;
  }
}

function serverVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function sourceOf(models: string, name: string | undefined): RepositorySource {
  return models.toLowerCase().endsWith('.onnx')
    ? { kind: 'file', path: models, ...(name ? { name } : {}) }
    : { kind: 'folder', path: models, ...(name ? { name } : {}) };
}

/**
 * The server as a Fastify plugin: `app.register(ortexPlugin, { models: './models' })`. Models
 * load when the app becomes ready; they are drained and released when it closes.
 */
export const ortexPlugin: FastifyPluginAsync<OrtexServerOptions> = async (app, options) => {
  if (!options || typeof options.models !== 'string')
    throw new OrtexError(
      'ERR_INVALID_ARGUMENT',
      'expected a models path (repository folder, model folder or .onnx file) for the ortex server',
    );
  const config = options.config ?? {};
  const log = app.log;
  const repository = new ModelRepository(sourceOf(options.models, options.name), {
    defaults: config.defaults ?? {},
    overrides: config.models ?? {},
    log,
  });
  const metrics = new ServerMetrics(repository, { processMetrics: options.processMetrics ?? true });
  const observers: InferenceObserver[] = [...(options.observers ?? [])];
  const mappers = new Map<string, FeatureMapper>();
  const auth = createAuthenticator(config.auth);
  const bodyLimit = config.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const rollouts = new Rollouts({
    repository,
    log,
    fallback: options.router ?? latestVersionRouter,
    observe: { add: (o) => control.addObserver(o), remove: (o) => control.removeObserver(o) },
  });
  registerRolloutMetrics(metrics.registry, rollouts);
  const host: { -readonly [K in keyof InferenceHost]: InferenceHost[K] } = { repository, router: rollouts, observers, log };
  let watcher: RepositoryWatcher | undefined;
  let shuttingDown: Promise<void> | undefined;
  const versionFor = (model: string, version: string | undefined): ModelVersion | undefined => {
    const entry = repository.get(model);
    if (!entry) return undefined;
    if (version !== undefined) return entry.versions.get(version);
    try {
      return latestVersionRouter.select(entry, undefined, { requestId: '', headers: {} });
    } catch {
      return undefined;
    }
  };
  // A version's monitor reports on /metrics from its load until it retires (Monitor.close()
  // takes it out of the registry).
  repository.on('load', ({ model, version }: { model: string; version: string }) => {
    repository.get(model)?.versions.get(version)?.monitor?.collect(metrics.registry);
  });

  const control: OrtexControl = {
    repository,
    metrics,
    rollouts,
    get router() {
      return host.router;
    },
    get closing() {
      return shuttingDown !== undefined;
    },
    setRouter(router) {
      host.router = router;
    },
    addObserver(o) {
      observers.push(o);
    },
    removeObserver(o) {
      const i = observers.indexOf(o);
      if (i >= 0) observers.splice(i, 1);
    },
    setFeatureMapper(model, mapper) {
      if (mapper) mappers.set(model, mapper);
      else mappers.delete(model);
    },
    monitorOf(model, version) {
      return versionFor(model, version)?.monitor;
    },
    async exportReservoir(model, version, dir) {
      const v = versionFor(model, version);
      if (!v)
        throw new OrtexError(
          'ERR_NOT_FOUND',
          `expected a loaded model and version, received '${model}'${version ? ` version ${version}` : ''}`,
        );
      return exportVersionReservoir(v, dir);
    },
    shutdown(graceMs = config.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS) {
      shuttingDown ??= (async () => {
        repository.beginShutdown();
        log.info({ graceMs }, 'shutting down: readiness is false, finishing in-flight requests');
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<'late'>((resolve) => {
          timer = setTimeout(() => resolve('late'), graceMs);
        });
        const closed = app.close().then(() => 'closed' as const);
        const how = await Promise.race([closed, late]);
        clearTimeout(timer);
        if (how === 'late') {
          log.warn({ graceMs }, 'grace period over: answering what is still queued with 503 and closing connections');
          await repository.close(true);
          app.server.closeAllConnections();
          await closed;
        }
        log.info('shut down');
      })();
      return shuttingDown;
    },
  };
  app.decorate('ortex', control);

  // The protocol lives in its own encapsulated context: a user app mounting the plugin keeps its
  // own parsers, hooks and error handler.
  await app.register(
    async (scope) => {
      // One parser for every body but infer's (routes/v2.ts): JSON with any or no content type,
      // parsed from a string (no Buffer concatenation) through secure-json-parse. Registered for
      // application/json as well as '*': Fastify caches the parser it picks for a named type, but
      // parses the Content-Type header of every request that falls through to '*' (≈ 2 µs).
      scope.removeAllContentTypeParsers();
      // Request bodies with a route schema are checked by the server's own Ajv (no coercion),
      // compiled once per route; a failure answers 400 naming the finding (json-schema.ts).
      scope.setValidatorCompiler(bodyValidatorCompiler);
      const parseJson = (_req: unknown, body: string | Buffer, done: (err: Error | null, value?: unknown) => void) => {
        const text = body as string;
        if (text.length === 0) return done(null, undefined);
        try {
          done(null, secureJson.parse(text, undefined, { protoAction: 'remove', constructorAction: 'remove' }));
        } catch (e) {
          done(new OrtexError('ERR_INVALID_INPUT', `expected a JSON body, received malformed JSON: ${(e as Error).message}`), undefined);
        }
      };
      for (const type of ['application/json', '*']) scope.addContentTypeParser(type, { parseAs: 'string', bodyLimit }, parseJson);

      // One line per answered request at debug level: the hook exists only when the logger's
      // level enables it, so at info (the default) a request pays nothing for it.
      if ((log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.('debug')) {
        scope.addHook('onResponse', (req, reply, done) => {
          req.log.debug(
            { method: req.method, url: req.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime * 1000) / 1000 },
            'request answered',
          );
          done();
        });
      }
      if (auth) {
        scope.addHook('onRequest', (req, _reply, done) => {
          // Routes marked public (the dashboard's page and assets) answer without a token.
          if ((req.routeOptions.config as { public?: boolean } | undefined)?.public) return done();
          try {
            auth.check(req.url.split('?')[0]!, req.headers.authorization);
            done();
          } catch (e) {
            done(e as Error);
          }
        });
      }

      scope.setErrorHandler((e, req, reply) => {
        const err = httpError(e);
        if (err.status >= 500) req.log.error({ code: err.code, err: err.message }, 'request failed');
        else req.log.info({ code: err.code, err: err.message }, 'request rejected');
        reply.headers(err.headers);
        const predict = (req.routeOptions.config as { protocol?: string } | undefined)?.protocol === 'predict';
        return sendJson(reply, err.status, predict ? { error: err.message, status: 'error' } : { error: err.message });
      });
      scope.setNotFoundHandler((req, reply) => {
        const err = httpError(
          new OrtexError('ERR_NOT_FOUND', `expected a route of the ortex server, received ${req.method} ${req.url.split('?')[0]}`),
        );
        reply.headers(err.headers);
        return sendJson(reply, err.status, { error: err.message });
      });

      registerV2Routes(scope, host, { serverVersion: serverVersion(), bodyLimit });
      registerPredictRoutes(scope, host, {
        mappers,
        defaultModel: () => {
          if (config.defaultModel) return config.defaultModel;
          return repository.onlyModel();
        },
      });
      registerKServeV1Routes(scope, host, mappers);
      registerMonitoringRoutes(scope, host);
      registerRolloutRoutes(scope, rollouts);
      if (config.dashboard !== false)
        registerDashboardRoutes(scope, { repository, serverVersion: serverVersion(), prefix: options.prefix ?? '' });
      scope.get('/metrics', async (_req, reply) =>
        answerHeaders(reply)
          .header('content-type', metrics.contentType)
          .send(await metrics.text()),
      );
    },
    { prefix: options.prefix ?? '' },
  );

  app.addHook('onReady', async () => {
    await repository.start();
    const watch = config.watch ?? true;
    if (watch !== false && repository.source.kind === 'folder') {
      watcher = watchRepository(
        repository,
        typeof watch === 'object' ? (watch.debounceMs ?? DEFAULT_WATCH_DEBOUNCE_MS) : DEFAULT_WATCH_DEBOUNCE_MS,
        log,
      );
    }
  });
  app.addHook('preClose', async () => {
    repository.beginShutdown();
    await watcher?.close();
  });
  app.addHook('onClose', async () => {
    rollouts.close();
    await repository.close();
  });
};
// `app.ortex` and the lifecycle hooks belong to the app that registers the plugin (the protocol stays scoped, above).
(ortexPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

/**
 * A Fastify instance serving `options.models`, ready (models loaded and warmed) when it
 * resolves: `await app.listen({ port: 8000 })`, and `app.ortex.shutdown()` to stop.
 */
export async function createServer(options: CreateServerOptions): Promise<FastifyInstance> {
  const config = options.config ?? {};
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel ?? 'info' },
    bodyLimit: config.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    requestIdHeader: 'x-request-id',
    // Fastify's own per-request lines (info) would cost more than a small model's inference:
    // rejections and failures are logged by the error handler, with the request id, and every
    // answer is logged at debug level when that level is on (see the plugin's onResponse hook).
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: true }),
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    keepAliveTimeout: 72_000,
  });
  await app.register(ortexPlugin, options);
  try {
    await app.ready();
  } catch (e) {
    await app.close().catch(() => undefined);
    throw e;
  }
  return app;
}
