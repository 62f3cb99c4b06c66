/**
 * The input schema as JSON (schema.json): what a user writes, `ortex schema` infers, and the
 * model repository ships beside a model version. Parsed and checked by `parseSchemaSpec`; compiled
 * into checks by `Schema` (schema.ts).
 */
import type { TensorType } from '../tensor/element-types.js';

export type FeatureType = 'number' | 'integer' | 'category' | 'boolean' | 'string';
/** What a violated rule does: reject the request (ERR_INVALID_INPUT, HTTP 400) or count it and let it pass. */
export type Action = 'reject' | 'count';
/** NaN and ±Infinity policies: 'allow' is not a violation at all. */
export type SpecialValuePolicy = Action | 'allow';
export type CategoryValue = string | number | boolean;

/** Rules a feature can break; the name is what errors, reports and metrics say. */
export const RULES = ['missing', 'type', 'nan', 'infinity', 'range', 'values', 'pattern', 'length', 'unknown'] as const;
export type RuleName = (typeof RULES)[number];
/** Rules whose action `actions` can set (nan and infinity carry their policy in their own field). */
export type ActionRule = 'missing' | 'type' | 'range' | 'values' | 'pattern' | 'length';

export interface FeatureSpec {
  /** The feature's name: a CSV column, a key of `{"features": {...}}`. */
  name: string;
  type: FeatureType;
  /** Model input this feature feeds (default: the schema's first input). */
  input?: string;
  /** Column of that input ([batch, columns]); default: its position among the features of that input. */
  index?: number;
  /** A missing value (absent key, null, empty CSV cell) breaks rule `missing` (default true). Optional features pass with `default`. */
  required?: boolean;
  /** Rule `range`: inclusive bounds (number, integer). */
  min?: number;
  max?: number;
  /** Rule `values`: the allowed categories. */
  values?: CategoryValue[];
  /** Rule `pattern` (string): a regular expression the whole value must match. */
  pattern?: string;
  /** Rule `length` (string): the most characters. */
  maxLength?: number;
  /** Rule `nan` (number): default 'reject'. */
  nan?: SpecialValuePolicy;
  /** Rule `infinity` (number, integer): default 'reject'. */
  infinity?: SpecialValuePolicy;
  /** Action per rule; every rule rejects unless set to 'count' here. */
  actions?: Partial<Record<ActionRule, Action>>;
  /** Value fed to the model for a missing value that passes (default NaN, 0, false or ""). */
  default?: CategoryValue;
  description?: string;
}

export interface InputSpec {
  /** Element type of the tensor built for this input (default float32). */
  type?: TensorType;
  /** 2: [batch, columns] (default); 1: [batch] (one feature). */
  rank?: 1 | 2;
}

export interface SchemaSpec {
  version: 1;
  /** The model this schema was written for (informational). */
  model?: string;
  /** Named features not in the schema (rule `unknown`): 'reject' (default), 'count' or 'ignore'. */
  unknown?: Action | 'ignore';
  /** Names that are not features but may appear beside them (a label column, an id): never a violation. */
  ignore?: string[];
  /** Model inputs the features feed, in order. */
  inputs?: Record<string, InputSpec>;
  features: FeatureSpec[];
}
