/**
 * The `rollout` section of a model's config (and the body of `PUT /v2/models/{m}/rollout`): its
 * types, its JSON schema (compiled with the other config schemas in ../config.ts, so a mistake
 * reads like any config error) and the policy defaults. docs/rollouts.md is written from it.
 */

export type RolloutMode = 'none' | 'canary' | 'shadow' | 'ab';

/** One key always lands on one version: a request header, or a named feature / v2 request parameter. */
export type StickyKey = { header: string } | { feature: string };

export interface ShadowSpec {
  /** Share of answered requests copied to the candidate (0–1). Default 1. */
  sampleRate?: number;
  /** Copies waiting for the candidate; more are dropped (and counted). Default 64. */
  queueSize?: number;
  /** Shadow runs at once. Default 1. */
  concurrency?: number;
}

export interface AbSpec {
  header: string;
  /** Header values sent to the candidate (arm b); any other value, or none, to arm a. */
  b: string[];
}

export interface RolloutPolicy {
  minRequests?: number;
  promoteAfterRequests?: number;
  promoteAfterSeconds?: number;
  maxErrorRateIncrease?: number;
  maxP99Ratio?: number;
  p99SlackMs?: number;
  minAgreement?: number;
  maxMeanDistance?: number;
  maxDriftShareIncrease?: number;
  evaluateEveryMs?: number;
}

/** What one step (or a whole rollout) routes: the mode and its settings. */
export interface RolloutStep {
  mode: RolloutMode;
  percent?: number;
  sticky?: StickyKey;
  ab?: AbSpec;
  shadow?: ShadowSpec;
}

export interface RolloutSpec extends Partial<RolloutStep> {
  candidate?: string;
  serving?: string;
  policy?: RolloutPolicy;
  onNewVersion?: { steps: RolloutStep[] };
}

export const DEFAULT_POLICY: Required<
  Omit<RolloutPolicy, 'promoteAfterRequests' | 'promoteAfterSeconds' | 'minAgreement' | 'maxMeanDistance'>
> &
  Pick<RolloutPolicy, 'promoteAfterRequests' | 'promoteAfterSeconds' | 'minAgreement' | 'maxMeanDistance'> = {
  minRequests: 100,
  maxErrorRateIncrease: 0.01,
  maxP99Ratio: 1.5,
  p99SlackMs: 2,
  maxDriftShareIncrease: 0.25,
  evaluateEveryMs: 1000,
};

export type ResolvedPolicy = typeof DEFAULT_POLICY;

export const DEFAULT_SHADOW: Required<ShadowSpec> = { sampleRate: 1, queueSize: 64, concurrency: 1 };

export function resolvePolicy(p: RolloutPolicy | undefined): ResolvedPolicy | undefined {
  return p ? { ...DEFAULT_POLICY, ...p } : undefined;
}

const version = { type: ['string', 'integer'] } as const;
const share = { type: 'number', minimum: 0, maximum: 1 } as const;
const nonNegative = { type: 'number', minimum: 0 } as const;
const positiveInt = { type: 'integer', minimum: 1 } as const;

const stepProperties = {
  mode: { enum: ['none', 'canary', 'shadow', 'ab'] },
  percent: { type: 'number', minimum: 0, maximum: 100 },
  sticky: {
    oneOf: [
      { type: 'object', additionalProperties: false, required: ['header'], properties: { header: { type: 'string', minLength: 1 } } },
      { type: 'object', additionalProperties: false, required: ['feature'], properties: { feature: { type: 'string', minLength: 1 } } },
    ],
  },
  ab: {
    type: 'object',
    additionalProperties: false,
    required: ['header', 'b'],
    properties: { header: { type: 'string', minLength: 1 }, b: { type: 'array', minItems: 1, items: { type: 'string' } } },
  },
  shadow: {
    type: 'object',
    additionalProperties: false,
    properties: { sampleRate: share, queueSize: positiveInt, concurrency: { type: 'integer', minimum: 1, maximum: 64 } },
  },
} as const;

export const rolloutSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...stepProperties,
    candidate: version,
    serving: version,
    policy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        minRequests: positiveInt,
        promoteAfterRequests: positiveInt,
        promoteAfterSeconds: nonNegative,
        maxErrorRateIncrease: share,
        maxP99Ratio: { type: 'number', minimum: 1 },
        p99SlackMs: nonNegative,
        minAgreement: share,
        maxMeanDistance: nonNegative,
        maxDriftShareIncrease: share,
        evaluateEveryMs: { type: 'number', minimum: 10 },
      },
    },
    onNewVersion: {
      type: 'object',
      additionalProperties: false,
      required: ['steps'],
      properties: {
        steps: {
          type: 'array',
          minItems: 1,
          items: { type: 'object', additionalProperties: false, required: ['mode'], properties: stepProperties },
        },
      },
    },
  },
} as const;
