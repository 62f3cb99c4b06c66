/**
 * Configuration of the server and of each model: the JSON schemas (the reference in
 * docs/serving.md is written from them), the YAML/JSON file reader, and the merge of defaults,
 * server-wide settings and per-model files. Validated with the server's Ajv (json-schema.ts), the
 * one that checks request bodies, so a config error reads like a request error.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { OrtexError } from '../base/errors.js';
import type { StatisticName } from '../monitoring/statistics/index.js';
import type { SessionOptions } from '../session/session-options.js';
import { compileChecker } from './json-schema.js';
import { rolloutSchema, type RolloutSpec } from './rollout/spec.js';

/** Fixed batcher settings (a subset of BatcherOptions that makes sense per model). */
export interface FixedBatching {
  maxBatchSize?: number;
  maxQueueDelayMs?: number;
  preferredBatchSizes?: number[];
  maxInflightBatches?: number;
}

/** Which versions of a model to serve (Triton's version_policy). Default `{ latest: 1 }`. */
export type VersionPolicy = { latest: number } | { all: true } | { specific: string[] };

export interface ModelLimits {
  /** Most rows queued before requests are refused with 503 + Retry-After. Default 4096. */
  maxQueueSize?: number;
  /** Per-request time limit in ms (queue + run); past it: 504, and the request is cancelled. Default 30000. */
  timeoutMs?: number;
  /** Most elements one input tensor may have. Default 16 Mi. */
  maxElementsPerTensor?: number;
}

export interface OutputConfig {
  /** Class labels, one per score along the output's last axis: `/predict` answers with them. */
  labels?: string[];
}

export interface ModelConfig {
  /** `adaptive` (default), `none` (queue and limits, never merge), or fixed settings. */
  batching?: 'adaptive' | 'none' | FixedBatching;
  /** Sessions of the model (a SessionPool when > 1). Default 1. */
  instances?: number;
  /** Execution providers in priority order, as in SessionOptions.executionProviders. Default ['cpu']. */
  providers?: SessionOptions['executionProviders'];
  /** Any other session option (intraOpNumThreads, graphOptimizationLevel, ...). */
  sessionOptions?: Omit<SessionOptions, 'executionProviders'>;
  versionPolicy?: VersionPolicy;
  /** Which input and output `/predict` uses, for models with several. */
  predict?: { input?: string; output?: string };
  outputs?: Record<string, OutputConfig>;
  limits?: ModelLimits;
  /** Run one inference on generated inputs before a version takes traffic. Default true. */
  warmup?: boolean;
  /** Canary, shadow or A/B rollout of a candidate version (docs/rollouts.md). Applied without reloading the versions. */
  rollout?: RolloutSpec;
  /** Input validation, drift detection, the retraining trigger and a reservoir sample (ortex/monitoring). Default none. */
  monitoring?: MonitoringConfig;
}

/**
 * A model's `monitoring` section. Relative file paths are looked up in the version's folder,
 * then in the model's folder (a profile ships with its version; a schema may be shared).
 */
export interface MonitoringConfig {
  /** false turns monitoring off for the model (a layered config can switch it off). Default true. */
  enabled?: boolean;
  /** Input schema file (JSON). Default `schema.json` when it exists, else the baseline schema from the model's metadata. */
  schema?: string;
  /** Feature names for the baseline schema, one per input column (default: the model's `feature_names` metadata). */
  features?: string[];
  /** Reference profile file (JSON). Default `profile.json` when it exists; without one the model is validated, not judged. */
  profile?: string;
  window?: { subWindows?: number; subWindowRows?: number; subWindowMs?: number };
  /** Rows the window needs before it is judged. Default 100. */
  minSamples?: number;
  /** One statistic (and threshold) for every column; default Evidently's choice per column. */
  statistic?: StatisticName;
  threshold?: number;
  /** Per feature or output column (`probabilities.class`, `probabilities[0]`). */
  columns?: Record<string, { statistic?: StatisticName; threshold?: number; enabled?: boolean }>;
  aggregation?: { correction?: 'none' | 'bonferroni' | 'benjamini-hochberg'; driftShare?: number };
  /** `all` (default): every applicable statistic in the report; `judging`: only the deciding one. */
  statistics?: 'all' | 'judging';
  trigger?: {
    holdMs?: number;
    cooldownMs?: number;
    minSamples?: number;
    on?: 'inputs' | 'outputs' | 'either';
    webhook?:
      | string
      | { url: string; headers?: Record<string, string>; timeoutMs?: number; retries?: number; backoffMs?: number; maxBackoffMs?: number };
    command?: string[] | { argv: string[]; timeoutMs?: number; env?: Record<string, string>; cwd?: string };
  };
  /**
   * A bounded sample of recent inputs, exported as CSV for retraining. Off by default. Exports go
   * to `dir` (default `$TMPDIR/ortex-reservoir`); after each one the version's oldest export files
   * there beyond `keep` (default 10; 0: no limit by count) and those older than `maxAgeMs`
   * (default: no age limit) are deleted.
   */
  reservoir?: { size: number; seed?: number; dir?: string; keep?: number; maxAgeMs?: number };
}

export interface AuthConfig {
  /** Bearer token every request must carry (`Authorization: Bearer <token>`). */
  token?: string;
  /** File holding the token (a mounted Secret); read at start. */
  tokenFile?: string;
  /** Paths answered without a token. Default: the health endpoints. */
  publicPaths?: string[];
}

export interface ServerConfig {
  host?: string;
  port?: number;
  /** Largest request body in bytes. Default 64 MiB. */
  bodyLimitBytes?: number;
  /** Defaults for every model's config; a model's own file and `models.<name>` override them. */
  defaults?: ModelConfig;
  /** Per-model configuration, over the model's own config file. */
  models?: Record<string, ModelConfig>;
  auth?: AuthConfig;
  /** Watch the repository and reload changed models. Default true for a folder. */
  watch?: boolean | { debounceMs?: number };
  /** Time SIGTERM/SIGINT gives in-flight requests before the process exits anyway. Default 10000. */
  shutdownGraceMs?: number;
  /** pino log level (`info` default; `silent` turns logging off). */
  logLevel?: string;
  /** `/predict` without a model name goes to this model (default: the only one served). */
  defaultModel?: string;
  /** `GET /dashboard` and its JSON state (docs/dashboard.md). Default true; false: no such routes. */
  dashboard?: boolean;
}

const positiveInt = { type: 'integer', minimum: 1 } as const;
const nonNegativeNumber = { type: 'number', minimum: 0 } as const;
const path = { type: 'string', minLength: 1 } as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const statisticName = { enum: ['ks', 'chisquare', 'z', 'psi', 'jensenshannon', 'wasserstein'] } as const;

const monitoringSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    schema: path,
    features: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
    profile: path,
    window: {
      type: 'object',
      additionalProperties: false,
      properties: { subWindows: positiveInt, subWindowRows: positiveInt, subWindowMs: positiveInt },
    },
    minSamples: positiveInt,
    statistic: statisticName,
    threshold: nonNegativeNumber,
    columns: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { statistic: statisticName, threshold: nonNegativeNumber, enabled: { type: 'boolean' } },
      },
    },
    aggregation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        correction: { enum: ['none', 'bonferroni', 'benjamini-hochberg'] },
        driftShare: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
    statistics: { enum: ['all', 'judging'] },
    trigger: {
      type: 'object',
      additionalProperties: false,
      anyOf: [{ required: ['webhook'] }, { required: ['command'] }],
      properties: {
        holdMs: nonNegativeNumber,
        cooldownMs: nonNegativeNumber,
        minSamples: positiveInt,
        on: { enum: ['inputs', 'outputs', 'either'] },
        webhook: {
          oneOf: [
            path,
            {
              type: 'object',
              additionalProperties: false,
              required: ['url'],
              properties: {
                url: path,
                headers: stringMap,
                timeoutMs: positiveInt,
                retries: { type: 'integer', minimum: 0 },
                backoffMs: nonNegativeNumber,
                maxBackoffMs: nonNegativeNumber,
              },
            },
          ],
        },
        command: {
          oneOf: [
            { type: 'array', minItems: 1, items: { type: 'string' } },
            {
              type: 'object',
              additionalProperties: false,
              required: ['argv'],
              properties: {
                argv: { type: 'array', minItems: 1, items: { type: 'string' } },
                timeoutMs: positiveInt,
                env: stringMap,
                cwd: path,
              },
            },
          ],
        },
      },
    },
    reservoir: {
      type: 'object',
      additionalProperties: false,
      required: ['size'],
      properties: {
        size: { type: 'integer', minimum: 0 },
        seed: { type: 'integer' },
        dir: path,
        keep: { type: 'integer', minimum: 0 },
        maxAgeMs: positiveInt,
      },
    },
  },
} as const;

const modelConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    batching: {
      oneOf: [
        { enum: ['adaptive', 'none'] },
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            maxBatchSize: positiveInt,
            maxQueueDelayMs: { type: 'number', minimum: 0 },
            preferredBatchSizes: { type: 'array', items: positiveInt },
            maxInflightBatches: positiveInt,
          },
        },
      ],
    },
    instances: { type: 'integer', minimum: 1, maximum: 1024 },
    providers: {
      type: 'array',
      items: { anyOf: [{ type: 'string' }, { type: 'object', required: ['name'], properties: { name: { type: 'string' } } }] },
    },
    sessionOptions: { type: 'object' },
    versionPolicy: {
      oneOf: [
        { type: 'object', additionalProperties: false, required: ['latest'], properties: { latest: positiveInt } },
        { type: 'object', additionalProperties: false, required: ['all'], properties: { all: { const: true } } },
        {
          type: 'object',
          additionalProperties: false,
          required: ['specific'],
          properties: { specific: { type: 'array', minItems: 1, items: { type: ['string', 'integer'] } } },
        },
      ],
    },
    predict: { type: 'object', additionalProperties: false, properties: { input: { type: 'string' }, output: { type: 'string' } } },
    outputs: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: { labels: { type: 'array', items: { type: 'string' } } },
      },
    },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: { maxQueueSize: positiveInt, timeoutMs: { type: 'number', exclusiveMinimum: 0 }, maxElementsPerTensor: positiveInt },
    },
    warmup: { type: 'boolean' },
    monitoring: monitoringSchema,
    rollout: rolloutSchema,
  },
} as const;

const serverConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    host: { type: 'string' },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    bodyLimitBytes: positiveInt,
    defaults: modelConfigSchema,
    models: { type: 'object', additionalProperties: modelConfigSchema },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: {
        token: { type: 'string', minLength: 1 },
        tokenFile: { type: 'string' },
        publicPaths: { type: 'array', items: { type: 'string' } },
      },
    },
    watch: {
      oneOf: [
        { type: 'boolean' },
        { type: 'object', additionalProperties: false, properties: { debounceMs: { type: 'number', minimum: 0 } } },
      ],
    },
    shutdownGraceMs: { type: 'number', minimum: 0 },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    defaultModel: { type: 'string' },
    dashboard: { type: 'boolean' },
  },
} as const;

export const SCHEMAS = { model: modelConfigSchema, server: serverConfigSchema, rollout: rolloutSchema };

const checkers = {
  model: compileChecker<unknown>(modelConfigSchema, 'ERR_INVALID_ARGUMENT'),
  server: compileChecker<unknown>(serverConfigSchema, 'ERR_INVALID_ARGUMENT'),
  rollout: compileChecker<unknown>(rolloutSchema, 'ERR_INVALID_ARGUMENT'),
};

/** Throws ERR_INVALID_ARGUMENT naming the first problem of `value` against a config schema. */
export function checkConfig<T>(kind: keyof typeof checkers, value: unknown, what: string): T {
  return checkers[kind](value, what) as T;
}

/** Reads a YAML (`.yaml`, `.yml`) or JSON file. Throws ERR_INVALID_ARGUMENT with the parser's message. */
export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new OrtexError('ERR_INVALID_ARGUMENT', `cannot read config file ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const ext = extname(path).toLowerCase();
    const value: unknown = ext === '.json' ? JSON.parse(text) : parseYaml(text);
    return value ?? {};
  } catch (e) {
    throw new OrtexError('ERR_INVALID_ARGUMENT', `cannot parse config file ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Names a model folder's config file may have, in the order they are looked for. */
export const MODEL_CONFIG_FILES = ['config.yaml', 'config.yml', 'config.json'] as const;

/** Layers model configs: later ones win key by key (one level deep for nested objects). */
export function mergeModelConfigs(...layers: (ModelConfig | undefined)[]): ModelConfig {
  const out: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) {
      const prev = out[k];
      const mergeable = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
      out[k] = mergeable(prev) && mergeable(v) && k !== 'versionPolicy' ? { ...prev, ...v } : v;
    }
  }
  return out as ModelConfig;
}

export const DEFAULT_LIMITS: Required<ModelLimits> = { maxQueueSize: 4096, timeoutMs: 30_000, maxElementsPerTensor: 16 * 1024 * 1024 };
export const DEFAULT_BODY_LIMIT = 64 * 1024 * 1024;
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
export const DEFAULT_WATCH_DEBOUNCE_MS = 500;
