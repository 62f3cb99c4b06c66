/**
 * Configuration of the server and of each model: the JSON schemas (the reference in
 * docs/serving.md is written from them), the YAML/JSON file reader, and the merge of defaults,
 * server-wide settings and per-model files. Validated with Ajv, the validator Fastify uses for
 * request bodies, so a config error reads like a request error.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { describe, OrtexError } from '../base/errors.js';
import type { SessionOptions } from '../session/session-options.js';
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
}

const positiveInt = { type: 'integer', minimum: 1 } as const;

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
  },
} as const;

export const SCHEMAS = { model: modelConfigSchema, server: serverConfigSchema, rollout: rolloutSchema };

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = {
  model: ajv.compile(modelConfigSchema) as ValidateFunction,
  server: ajv.compile(serverConfigSchema) as ValidateFunction,
  rollout: ajv.compile(rolloutSchema) as ValidateFunction,
};

function describeAjvError(e: ErrorObject, root: unknown, what: string): string {
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let value: unknown = root;
  for (const p of path) value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[p] : undefined;
  const where = path.length ? `${what} ${path.join('.')}` : what;
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as { additionalProperty: string }).additionalProperty;
    return `expected only known keys for ${where}, received key '${key}'`;
  }
  const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
  const expected = allowed
    ? `one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`
    : (e.message ?? 'a valid value').replace(/^must (be )?/, '');
  return `expected ${expected} for ${where}, received ${describe(value)}`;
}

/** Throws ERR_INVALID_ARGUMENT naming the first problem of `value` against a config schema. */
export function checkConfig<T>(kind: keyof typeof validators, value: unknown, what: string): T {
  const validate = validators[kind];
  if (!validate(value)) throw new OrtexError('ERR_INVALID_ARGUMENT', describeAjvError(validate.errors![0]!, value, what));
  return value as T;
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
