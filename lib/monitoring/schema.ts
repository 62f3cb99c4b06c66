/**
 * One schema object for training data and serving: the same compiled checks run on a CSV or
 * JSON-lines file offline (`ortex validate`) and on every request in the server, so training and
 * serving cannot disagree about what a valid input is. It also maps named features
 * (`{"sepal_length": 5.1, ...}`) and positional rows onto model input columns (toFeeds), and reads
 * feature values back out of input tensors (view) for validation and monitoring.
 */
import { describe, invalid, OrtexError } from '../base/errors.js';
import type { ModelIO } from '../session/model-io.js';
import { elementTypeByName, type TensorType } from '../tensor/element-types.js';
import { Tensor } from '../tensor/tensor.js';
import {
  RULES,
  type Action,
  type ActionRule,
  type CategoryValue,
  type FeatureSpec,
  type FeatureType,
  type InputSpec,
  type RuleName,
  type SchemaSpec,
  type SpecialValuePolicy,
} from './schema-spec.js';

export type { Action, CategoryValue, FeatureSpec, FeatureType, InputSpec, RuleName, SchemaSpec } from './schema-spec.js';
export { RULES } from './schema-spec.js';

/** One broken rule. */
export interface Violation {
  /** Row within the request or file (0-based). */
  readonly row: number;
  readonly feature: string;
  readonly rule: RuleName;
  readonly action: Action;
  readonly value: unknown;
  /** The rule's expectation, e.g. "a value in [4.3, 7.9]". */
  readonly expected: string;
}

/** What validate() returns when nothing was rejected. */
export interface ValidationResult {
  readonly rows: number;
  /** The violations that were counted and passed (empty when the input is clean). */
  readonly violations: readonly Violation[];
}

/** Anything with tensor data and dims (an ortex or onnxruntime Tensor, or a plain object). */
export interface TensorLike {
  readonly data: ArrayLike<unknown>;
  readonly dims: readonly number[];
  readonly type?: string;
}

/** Feature values of a batch of rows, however they arrived. */
export interface RowView {
  readonly rows: number;
  /** Value of schema feature `feature` in row `row` (undefined = missing). */
  value(row: number, feature: number): unknown;
  /** Named input: the keys that are not schema features, with their values, per row. */
  readonly unknownKeys?: (row: number) => readonly (readonly [string, unknown])[];
}

/** Input accepted by validate(), toFeeds() and the monitor: feeds, named record(s), or positional row(s). */
export type FeatureInput =
  | Readonly<Record<string, TensorLike>>
  | Readonly<Record<string, unknown>>
  | readonly Readonly<Record<string, unknown>>[]
  | readonly (readonly unknown[])[]
  | readonly unknown[];

const NONE = -1;

interface CompiledFeature {
  readonly spec: FeatureSpec;
  readonly name: string;
  readonly type: FeatureType;
  readonly input: string;
  readonly index: number;
  readonly required: boolean;
  readonly fill: CategoryValue;
  /** Returns the index (into RULES) of the first rule `value` breaks, or NONE. */
  readonly check: (value: unknown) => number;
  readonly expected: readonly string[];
  readonly actions: readonly Action[];
  readonly categories?: ReadonlySet<CategoryValue>;
  readonly numericCategories: boolean;
  /** Rounds a number to the input's element type (float32), for number and integer features. */
  readonly cast: ((v: number) => number) | undefined;
}

const RULE_INDEX = Object.fromEntries(RULES.map((r, i) => [r, i])) as Record<RuleName, number>;
const R = RULE_INDEX;

function specError(what: string, expected: string, value: unknown): OrtexError {
  return invalid('ERR_INVALID_ARGUMENT', `${what} in the schema`, expected, describe(value));
}

const FEATURE_TYPES: readonly FeatureType[] = ['number', 'integer', 'category', 'boolean', 'string'];
const ACTIONS: readonly string[] = ['reject', 'count'];
const POLICIES: readonly string[] = ['reject', 'count', 'allow'];
const ACTION_RULES: readonly ActionRule[] = ['missing', 'type', 'range', 'values', 'pattern', 'length'];
const FEATURE_KEYS = new Set([
  'name',
  'type',
  'input',
  'index',
  'required',
  'min',
  'max',
  'values',
  'pattern',
  'maxLength',
  'nan',
  'infinity',
  'actions',
  'default',
  'description',
]);

function quote(v: CategoryValue): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function listValues(values: readonly CategoryValue[], show: (v: CategoryValue) => string = quote): string {
  const shown = values.slice(0, 8).map(show).join(', ');
  return values.length > 8 ? `${shown}, … (${values.length} values)` : shown;
}

/** Checks the JSON shape of a schema; throws ERR_INVALID_ARGUMENT naming the field. Returns a normalized copy. */
export function parseSchemaSpec(raw: unknown): SchemaSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw specError('the schema', 'an object', raw);
  const spec = raw as Partial<SchemaSpec>;
  if (spec.version !== 1) throw specError('"version"', '1', spec.version);
  if (spec.unknown !== undefined && !['reject', 'count', 'ignore'].includes(spec.unknown))
    throw specError('"unknown"', '"reject", "count" or "ignore"', spec.unknown);
  if (spec.ignore !== undefined && !(Array.isArray(spec.ignore) && spec.ignore.every((n) => typeof n === 'string')))
    throw specError('"ignore"', 'an array of names', spec.ignore);
  if (spec.inputs !== undefined) {
    if (typeof spec.inputs !== 'object' || spec.inputs === null || Array.isArray(spec.inputs))
      throw specError('"inputs"', 'an object', spec.inputs);
    for (const [name, input] of Object.entries(spec.inputs)) {
      if (input.type !== undefined && !elementTypeByName(input.type))
        throw specError(`inputs.${name}.type`, 'an ONNX tensor element type', input.type);
      if (input.rank !== undefined && input.rank !== 1 && input.rank !== 2) throw specError(`inputs.${name}.rank`, '1 or 2', input.rank);
    }
  }
  if (!Array.isArray(spec.features) || spec.features.length === 0) throw specError('"features"', 'a non-empty array', spec.features);
  const names = new Set<string>();
  spec.features.forEach((f, i) => {
    const at = `features[${i}]`;
    if (typeof f !== 'object' || f === null) throw specError(at, 'an object', f);
    for (const k of Object.keys(f)) if (!FEATURE_KEYS.has(k)) throw specError(`${at}.${k}`, `one of ${[...FEATURE_KEYS].join(', ')}`, k);
    if (typeof f.name !== 'string' || f.name === '') throw specError(`${at}.name`, 'a non-empty string', f.name);
    if (names.has(f.name)) throw specError(`${at}.name`, 'a name used once', f.name);
    names.add(f.name);
    const where = `feature '${f.name}'`;
    if (!FEATURE_TYPES.includes(f.type)) throw specError(`${where} type`, FEATURE_TYPES.map((t) => `"${t}"`).join(', '), f.type);
    if (f.input !== undefined && typeof f.input !== 'string') throw specError(`${where} input`, 'a model input name', f.input);
    if (f.index !== undefined && !(Number.isInteger(f.index) && f.index >= 0))
      throw specError(`${where} index`, 'a non-negative integer', f.index);
    if (f.required !== undefined && typeof f.required !== 'boolean') throw specError(`${where} required`, 'a boolean', f.required);
    for (const k of ['min', 'max'] as const) {
      if (f[k] === undefined) continue;
      if (typeof f[k] !== 'number' || Number.isNaN(f[k])) throw specError(`${where} ${k}`, 'a number', f[k]);
      if (f.type !== 'number' && f.type !== 'integer') throw specError(`${where} ${k}`, 'no range for a non-numeric feature', f[k]);
    }
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) throw specError(`${where} min`, `at most max (${f.max})`, f.min);
    if (f.values !== undefined) {
      if (!Array.isArray(f.values) || f.values.length === 0 || !f.values.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
        throw specError(`${where} values`, 'a non-empty array of strings, numbers or booleans', f.values);
      }
    }
    if (f.pattern !== undefined) {
      if (typeof f.pattern !== 'string') throw specError(`${where} pattern`, 'a regular expression string', f.pattern);
      try {
        new RegExp(f.pattern, 'u');
      } catch (e) {
        throw specError(`${where} pattern`, `a valid regular expression (${(e as Error).message})`, f.pattern);
      }
    }
    if (f.maxLength !== undefined && !(Number.isInteger(f.maxLength) && f.maxLength >= 0))
      throw specError(`${where} maxLength`, 'a non-negative integer', f.maxLength);
    for (const k of ['nan', 'infinity'] as const) {
      if (f[k] !== undefined && !POLICIES.includes(f[k])) throw specError(`${where} ${k}`, '"reject", "count" or "allow"', f[k]);
    }
    if (f.actions !== undefined) {
      if (typeof f.actions !== 'object' || f.actions === null) throw specError(`${where} actions`, 'an object', f.actions);
      for (const [rule, action] of Object.entries(f.actions)) {
        if (!ACTION_RULES.includes(rule as ActionRule)) throw specError(`${where} actions`, `keys among ${ACTION_RULES.join(', ')}`, rule);
        if (!ACTIONS.includes(action)) throw specError(`${where} actions.${rule}`, '"reject" or "count"', action);
      }
    }
    if (f.default !== undefined && !['string', 'number', 'boolean'].includes(typeof f.default))
      throw specError(`${where} default`, 'a string, number or boolean', f.default);
  });
  return structuredClone(spec as SchemaSpec);
}

const NUMERIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INFINITY_TEXT = /^([+-]?)(inf|infinity)$/i;

/** A CSV cell as a number where it reads as one ('NaN', 'inf', '-Infinity' included); otherwise the text itself. */
export function parseNumberText(text: string): number | string {
  const t = text.trim();
  if (NUMERIC_TEXT.test(t)) return Number(t);
  if (/^nan$/i.test(t)) return NaN;
  const inf = INFINITY_TEXT.exec(t);
  if (inf) return inf[1] === '-' ? -Infinity : Infinity;
  return text;
}

/**
 * Values are checked as the model receives them: a number bound for a float32 input is rounded to
 * float32 (Math.fround) in every view, and so are the rule's bounds, so 7.9 from a JSON request,
 * 7.9 from a CSV cell and 7.9 read back from a Float32Array tensor are one value, pass the same
 * range check and land in the same drift bin.
 */
function castFor(type: TensorType): ((v: number) => number) | undefined {
  return type === 'float32' ? Math.fround : undefined;
}

function compileFeature(f: FeatureSpec, input: string, index: number, inputType: TensorType): CompiledFeature {
  const cast = castFor(inputType);
  const actions = RULES.map((r) => (f.actions?.[r as ActionRule] ?? 'reject') as Action);
  const nan: SpecialValuePolicy = f.nan ?? 'reject';
  const infinity: SpecialValuePolicy = f.infinity ?? 'reject';
  if (nan !== 'allow') actions[R.nan] = nan;
  if (infinity !== 'allow') actions[R.infinity] = infinity;
  const expected: string[] = RULES.map(() => '');
  const typeWords: Record<FeatureType, string> = {
    number: 'a number',
    integer: 'an integer',
    boolean: 'a boolean',
    category: 'a category (string, number or boolean)',
    string: 'a string',
  };
  expected[R.missing] = `a value (${typeWords[f.type]})`;
  expected[R.type] = typeWords[f.type];
  expected[R.nan] = 'a number, not NaN';
  expected[R.infinity] = 'a finite number';
  const min = f.min !== undefined && cast ? cast(f.min) : f.min;
  const max = f.max !== undefined && cast ? cast(f.max) : f.max;
  const hasMin = min !== undefined,
    hasMax = max !== undefined;
  expected[R.range] = hasMin && hasMax ? `a value in [${f.min}, ${f.max}]` : hasMin ? `a value ≥ ${f.min}` : `a value ≤ ${f.max}`;
  const categories = f.values
    ? new Set<CategoryValue>(
        cast && (f.type === 'number' || f.type === 'integer') ? f.values.map((v) => (typeof v === 'number' ? cast(v) : v)) : f.values,
      )
    : undefined;
  if (f.values) expected[R.values] = `one of ${listValues(f.values)}`;
  const pattern = f.pattern !== undefined ? new RegExp(`^(?:${f.pattern})$`, 'u') : undefined;
  expected[R.pattern] = `a string matching /${f.pattern}/`;
  expected[R.length] = `a string of at most ${f.maxLength} characters`;
  const { maxLength } = f;

  let check: (v: unknown) => number;
  switch (f.type) {
    case 'number':
    case 'integer': {
      const integer = f.type === 'integer';
      check = (v) => {
        if (typeof v === 'bigint') v = Number(v);
        if (typeof v !== 'number') return R.type;
        if (Number.isNaN(v)) return nan === 'allow' ? NONE : R.nan;
        if (v === Infinity || v === -Infinity) return infinity === 'allow' ? NONE : R.infinity;
        if (integer && !Number.isInteger(v)) return R.type;
        if ((hasMin && v < min) || (hasMax && v > max)) return R.range;
        if (categories && !categories.has(v)) return R.values;
        return NONE;
      };
      break;
    }
    case 'boolean':
      check = (v) => (typeof v !== 'boolean' ? R.type : categories && !categories.has(v) ? R.values : NONE);
      break;
    case 'category':
      check = (v) => {
        if (typeof v === 'bigint') v = Number(v);
        if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) return R.type;
        return categories && !categories.has(v) ? R.values : NONE;
      };
      break;
    case 'string':
      check = (v) => {
        if (typeof v !== 'string') return R.type;
        if (maxLength !== undefined && v.length > maxLength) return R.length;
        if (pattern && !pattern.test(v)) return R.pattern;
        if (categories && !categories.has(v)) return R.values;
        return NONE;
      };
      break;
  }
  const fill: CategoryValue =
    f.default ??
    (f.type === 'number'
      ? NaN
      : f.type === 'integer'
        ? 0
        : f.type === 'boolean'
          ? false
          : f.type === 'string'
            ? ''
            : (f.values?.[0] ?? ''));
  return {
    spec: f,
    name: f.name,
    type: f.type,
    input,
    index,
    required: f.required ?? true,
    fill,
    check,
    expected,
    actions,
    categories,
    cast: cast && (f.type === 'number' || f.type === 'integer') ? cast : undefined,
    numericCategories: !!f.values && f.values.every((v) => typeof v === 'number'),
  };
}

const isTensorLike = (v: unknown): v is TensorLike =>
  typeof v === 'object' && v !== null && Array.isArray((v as TensorLike).dims) && typeof (v as TensorLike).data === 'object';

export class Schema {
  /** The normalized JSON form (what toJSON writes). */
  readonly spec: SchemaSpec;
  readonly features: readonly FeatureSpec[];
  readonly featureNames: readonly string[];
  /** Model input names in order, with the columns each takes. */
  readonly inputs: readonly { name: string; type: TensorType; rank: 1 | 2; columns: number }[];
  private readonly compiled: readonly CompiledFeature[];
  /** Each feature's float32/integer cast (CompiledFeature.cast), for the views. */
  private readonly casts: readonly (((v: number) => number) | undefined)[];
  /** Input name → its features with their schema index (toFeeds). */
  private readonly byInput: ReadonlyMap<string, readonly { f: CompiledFeature; i: number }[]>;
  private readonly byName: ReadonlyMap<string, number>;
  private readonly unknownAction: Action | 'ignore';
  /** Names that are not features and never a violation (spec.ignore). */
  readonly ignored: ReadonlySet<string>;

  private constructor(spec: SchemaSpec) {
    this.spec = spec;
    this.features = spec.features;
    this.featureNames = spec.features.map((f) => f.name);
    this.byName = new Map(this.featureNames.map((n, i) => [n, i]));
    this.unknownAction = spec.unknown ?? 'reject';
    this.ignored = new Set(spec.ignore ?? []);
    const inputNames = Object.keys(spec.inputs ?? {});
    const defaultInput = inputNames[0] ?? 'features';
    const nextIndex = new Map<string, number>();
    const compiled: CompiledFeature[] = [];
    const taken = new Map<string, string>();
    for (const f of spec.features) {
      const input = f.input ?? defaultInput;
      const index = f.index ?? nextIndex.get(input) ?? 0;
      nextIndex.set(input, Math.max(nextIndex.get(input) ?? 0, index + 1));
      const key = `${input}[${index}]`;
      if (taken.has(key))
        throw specError(`feature '${f.name}' index`, `a column no other feature uses (${key} is '${taken.get(key)}')`, index);
      taken.set(key, f.name);
      if (!inputNames.includes(input)) inputNames.push(input);
      compiled.push(compileFeature(f, input, index, spec.inputs?.[input]?.type ?? 'float32'));
    }
    this.compiled = compiled;
    this.casts = compiled.map((f) => f.cast);
    const byInput = new Map<string, { f: CompiledFeature; i: number }[]>();
    compiled.forEach((f, i) => {
      const list = byInput.get(f.input) ?? [];
      list.push({ f, i });
      byInput.set(f.input, list);
    });
    this.byInput = byInput;
    this.inputs = inputNames
      .filter((n) => nextIndex.has(n))
      .map((name) => {
        const s: InputSpec = spec.inputs?.[name] ?? {};
        const columns = nextIndex.get(name)!;
        const rank = s.rank ?? 2;
        if (rank === 1 && columns !== 1) throw specError(`inputs.${name}.rank`, `2 (it takes ${columns} columns)`, rank);
        return { name, type: s.type ?? 'float32', rank, columns };
      });
  }

  /** A schema from its JSON form (validated; ERR_INVALID_ARGUMENT names a bad field). */
  static from(spec: unknown): Schema {
    return spec instanceof Schema ? spec : new Schema(parseSchemaSpec(spec));
  }

  /**
   * The baseline schema a model's metadata implies: one feature per column of each tensor input
   * ([batch, K] with K fixed, or [batch] / [batch, 1]), typed from the element type, NaN and
   * ±Infinity rejected, no ranges. Feature names come from the model's custom metadata
   * `feature_names` (a JSON array or comma-separated, in input order) when its count fits, else
   * `<input>_<i>` (or the input's name for a one-column input).
   */
  static fromModel(model: ModelIO, metadata?: { custom?: Record<string, string> }): Schema {
    const named = parseFeatureNames(metadata?.custom?.feature_names);
    const columns = model.inputMetadata.map((m) => {
      if (!m.isTensor)
        throw new OrtexError('ERR_INVALID_ARGUMENT', `expected tensor inputs for a baseline schema, received ${m.kind} input '${m.name}'`);
      const [, k, ...more] = m.shape;
      if (more.length || (m.shape.length === 2 && typeof k !== 'number')) {
        throw new OrtexError(
          'ERR_INVALID_ARGUMENT',
          `expected input '${m.name}' to be [batch] or [batch, K] with K fixed for a baseline schema, received shape [${m.shape.join(', ')}]: write the features in a schema file`,
        );
      }
      return { m, count: m.shape.length === 2 ? (k as number) : 1 };
    });
    const total = columns.reduce((s, c) => s + c.count, 0);
    const names = named && named.length === total ? named : undefined;
    let at = 0;
    const inputs: Record<string, InputSpec> = {};
    const features: FeatureSpec[] = [];
    for (const { m, count } of columns) {
      if (!m.isTensor) continue;
      inputs[m.name] = m.shape.length === 1 ? { type: m.type, rank: 1 } : { type: m.type };
      const type: FeatureType = m.type === 'bool' ? 'boolean' : m.type === 'string' ? 'string' : /int/.test(m.type) ? 'integer' : 'number';
      for (let i = 0; i < count; i++) {
        const name = names?.[at] ?? (count === 1 ? m.name : `${m.name}_${i}`);
        at++;
        const f: FeatureSpec = { name, type, input: m.name, index: i };
        features.push(f);
      }
    }
    return new Schema({ version: 1, inputs, features });
  }

  /**
   * This schema checked against a model and completed from its metadata: every input the features
   * feed must exist (a schema that names no inputs is mapped onto a model with a single input),
   * column indexes must fit a fixed column dimension, and each input's element type and rank come
   * from the model. ERR_INVALID_ARGUMENT says what does not fit.
   */
  bind(model: ModelIO): Schema {
    const spec = structuredClone(this.spec);
    const tensors = model.inputMetadata.filter((m) => m.isTensor);
    const byName = new Map(tensors.map((m) => [m.name, m]));
    const declared = Object.keys(spec.inputs ?? {});
    if (!declared.length && tensors.length === 1 && !this.compiled.every((f) => byName.has(f.input))) {
      for (const f of spec.features) f.input = tensors[0]!.name;
    }
    const bound = new Schema(spec);
    spec.inputs = {};
    for (const inp of bound.inputs) {
      const m = byName.get(inp.name);
      if (!m?.isTensor) {
        const names = bound.compiled
          .filter((f) => f.input === inp.name)
          .map((f) => `'${f.name}'`)
          .join(', ');
        throw new OrtexError(
          'ERR_INVALID_ARGUMENT',
          `expected the model to have input '${inp.name}' (fed by ${names}), received inputs ${model.inputNames.map((n) => `'${n}'`).join(', ')}`,
        );
      }
      const cols = m.shape.length === 2 ? m.shape[1] : m.shape.length === 1 ? 1 : undefined;
      if (m.shape.length > 2 || m.shape.length === 0)
        throw new OrtexError(
          'ERR_INVALID_ARGUMENT',
          `expected input '${inp.name}' to be [batch] or [batch, columns], received shape [${m.shape.join(', ')}]`,
        );
      if (typeof cols === 'number' && inp.columns > cols)
        throw new OrtexError(
          'ERR_INVALID_ARGUMENT',
          `expected at most ${cols} columns for input '${inp.name}' (the model's shape [${m.shape.join(', ')}]), received features for ${inp.columns}`,
        );
      if (typeof cols === 'number' && inp.columns < cols)
        throw new OrtexError(
          'ERR_INVALID_ARGUMENT',
          `expected features for all ${cols} columns of input '${inp.name}', received ${inp.columns}`,
        );
      spec.inputs[inp.name] = m.shape.length === 1 ? { type: m.type, rank: 1 } : { type: m.type };
    }
    return new Schema(spec);
  }

  toJSON(): SchemaSpec {
    return structuredClone(this.spec);
  }

  /** Index of feature `name`, or undefined. */
  featureIndex(name: string): number | undefined {
    return this.byName.get(name);
  }

  /** Type of feature i. */
  featureType(i: number): FeatureType {
    return this.compiled[i]!.type;
  }

  /**
   * A CSV cell as the typed value serving would receive: '' is missing; numbers (and 'NaN',
   * 'inf') for number and integer features and for categories whose allowed values are numbers;
   * 'true'/'false'/'1'/'0' for booleans; text stays text (so "abc" in a number column breaks
   * rule `type`, as the JSON string "abc" does in a request).
   */
  parseText(feature: number, text: string): unknown {
    if (text === '') return undefined;
    const f = this.compiled[feature]!;
    switch (f.type) {
      case 'number':
      case 'integer':
        return parseNumberText(text);
      case 'boolean': {
        const t = text.trim().toLowerCase();
        return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : text;
      }
      case 'category':
        if (f.numericCategories) {
          const n = parseNumberText(text);
          return typeof n === 'number' && Number.isFinite(n) ? n : text;
        }
        return text;
      default:
        return text;
    }
  }

  /**
   * A value as CSV cell text that parseText() reads back to the same value: '' for missing, NaN
   * and ±Infinity spelled out, and a float32 value in the shortest decimal that rounds back to it
   * (4.9, not 4.900000095367432).
   */
  formatText(feature: number, v: unknown): string {
    if (v === undefined || v === null) return '';
    if (typeof v !== 'number') return String(v);
    if (Number.isNaN(v)) return 'NaN';
    const cast = this.compiled[feature]!.cast;
    if (cast && Number.isFinite(v) && cast(v) === v) {
      for (let p = 1; p < 9; p++) {
        const t = Number(v.toPrecision(p));
        if (cast(t) === v) return String(t);
      }
    }
    return String(v);
  }

  /** Reads feature values from any accepted input shape (see FeatureInput). Throws ERR_INVALID_INPUT for a shape that fits no feature layout. */
  view(input: FeatureInput): RowView {
    if (Array.isArray(input)) {
      if (input.length === 0) return { rows: 0, value: () => undefined };
      const first = input[0];
      if (Array.isArray(first)) return this.positionalView(input as readonly (readonly unknown[])[]);
      if (typeof first === 'object' && first !== null) return this.namedView(input as readonly Record<string, unknown>[]);
      return this.positionalView([input as readonly unknown[]]);
    }
    if (typeof input !== 'object' || input === null)
      throw invalid('ERR_INVALID_INPUT', 'the features', 'named features, positional rows or input tensors', describe(input));
    const values = Object.values(input);
    if (values.length > 0 && values.every(isTensorLike)) return this.feedsView(input as Record<string, TensorLike>);
    return this.namedView([input as Record<string, unknown>]);
  }

  private positionalView(rows: readonly (readonly unknown[])[]): RowView {
    const n = this.compiled.length;
    rows.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== n) {
        throw invalid('ERR_INVALID_INPUT', `row ${i}`, `a row of ${n} values (${this.featureNames.join(', ')})`, describe(r));
      }
    });
    const casts = this.casts;
    return { rows: rows.length, value: (row, f) => castValue(casts[f], rows[row]![f] ?? undefined) };
  }

  /** CSV records (header → cell text): each cell read as parseText() reads it; other columns as for named input. */
  textView(records: readonly Record<string, string>[]): RowView {
    const named = this.namedView(records);
    return {
      rows: named.rows,
      value: (r, f) => {
        const v = named.value(r, f);
        return typeof v === 'string' ? castValue(this.compiled[f]!.cast, this.parseText(f, v)) : v;
      },
      // an empty cell is a missing value, in an unknown column too
      unknownKeys: (r) => named.unknownKeys!(r).filter(([, v]) => v !== ''),
    };
  }

  private namedView(records: readonly Record<string, unknown>[]): RowView {
    records.forEach((r, i) => {
      if (typeof r !== 'object' || r === null || Array.isArray(r))
        throw invalid('ERR_INVALID_INPUT', `row ${i}`, 'an object of named features', describe(r));
    });
    const names = this.featureNames;
    const casts = this.casts;
    const { byName, ignored } = this;
    return {
      rows: records.length,
      value: (row, f) => {
        const rec = records[row]!;
        const name = names[f]!;
        return Object.hasOwn(rec, name) ? castValue(casts[f], rec[name] ?? undefined) : undefined;
      },
      // Object.entries' order, without its array of every entry: most records have no unknown key.
      unknownKeys: (row) => {
        const rec = records[row]!;
        let unknown: [string, unknown][] | undefined;
        for (const k in rec) {
          if (!Object.hasOwn(rec, k) || byName.has(k) || ignored.has(k)) continue;
          unknown ??= [];
          unknown.push([k, rec[k]]);
        }
        return unknown ?? NO_KEYS;
      },
    };
  }

  /**
   * Feeds read in place: every feature's input checked (present, [batch] or [batch, columns] with
   * its column, the same rows as the others, an element type the checks read), then one small
   * object reads the values: no closure or array per feature, since the server checks every
   * monitored request this way.
   */
  private feedsView(feeds: Readonly<Record<string, TensorLike>>): RowView {
    let rows = -1;
    const features = this.compiled;
    const tensors = new Array<TensorLike>(features.length);
    const strides = new Array<number>(features.length);
    const bools = new Array<boolean>(features.length);
    for (let i = 0; i < features.length; i++) {
      const f = features[i]!;
      const t = feeds[f.input];
      if (!t)
        throw invalid(
          'ERR_INVALID_INPUT',
          `feature '${f.name}'`,
          `input '${f.input}' in the feeds`,
          `inputs ${Object.keys(feeds)
            .map((k) => `'${k}'`)
            .join(', ')}`,
        );
      const dims = t.dims;
      const n = dims[0];
      const cols = dims.length > 1 ? dims[1]! : 1;
      if (n === undefined || dims.length > 2 || (dims.length === 1 && f.index !== 0) || f.index >= cols) {
        throw invalid(
          'ERR_INVALID_INPUT',
          `input '${f.input}'`,
          `[batch, ${this.inputs.find((inp) => inp.name === f.input)!.columns}] (feature '${f.name}' is column ${f.index})`,
          `dims [${dims.join(', ')}]`,
        );
      }
      if (rows === -1) rows = n;
      else if (rows !== n) throw invalid('ERR_INVALID_INPUT', `input '${f.input}'`, `${rows} rows like the other inputs`, `${n} rows`);
      if (t.type === 'float16' || t.type === 'bfloat16')
        throw invalid(
          'ERR_INVALID_INPUT',
          `input '${f.input}'`,
          'a float32, float64, integer, bool or string tensor for schema checks',
          `a ${t.type} tensor`,
        );
      tensors[i] = t;
      strides[i] = cols;
      bools[i] = f.type === 'boolean' || t.type === 'bool';
    }
    return new TensorRowView(Math.max(0, rows), tensors, strides, bools, features);
  }

  /**
   * Every violation in the rows, in row then feature order (unknown named keys last in their row).
   * The offline validator and the server both call this; neither throws nor stops early.
   */
  check(view: RowView, onViolation: (v: Violation) => void, rowOffset = 0): void {
    const features = this.compiled;
    for (let row = 0; row < view.rows; row++) {
      for (let i = 0; i < features.length; i++) {
        const f = features[i]!;
        const v = view.value(row, i);
        let rule: number;
        if (v === undefined || v === null) {
          if (!f.required) continue;
          rule = R.missing;
        } else {
          rule = f.check(v);
          if (rule === NONE) continue;
        }
        onViolation({
          row: row + rowOffset,
          feature: f.name,
          rule: RULES[rule]!,
          action: f.actions[rule]!,
          value: v ?? undefined,
          expected: f.expected[rule]!,
        });
      }
      if (view.unknownKeys && this.unknownAction !== 'ignore') {
        for (const [k, v] of view.unknownKeys(row)) {
          onViolation({
            row: row + rowOffset,
            feature: k,
            rule: 'unknown',
            action: this.unknownAction,
            value: v,
            expected: `one of the schema's features (${listValues(this.featureNames, String)})`,
          });
        }
      }
    }
  }

  /**
   * Validates a request's features: every row is checked against every rule; if any violation's
   * action is 'reject', throws ERR_INVALID_INPUT naming the first such feature, rule and value
   * (details: { feature, rule, value, row, violations } with all violations found); otherwise
   * returns the counted ones.
   */
  validate(input: FeatureInput | RowView): ValidationResult {
    const view = isRowView(input) ? input : this.view(input);
    let violations: Violation[] | undefined;
    let rejected: Violation | undefined;
    this.check(view, (v) => {
      violations ??= [];
      violations.push(v);
      if (v.action === 'reject' && !rejected) rejected = v;
    });
    if (rejected) throw rejection(rejected, violations!);
    return { rows: view.rows, violations: violations ?? EMPTY };
  }

  /**
   * Input tensors for the model from named features or positional rows (feeds pass through).
   * Missing values and values that broke a counted rule are fed as the feature's default (or the
   * value converted to the input's element type, NaN where it cannot be).
   */
  toFeeds(input: FeatureInput | RowView): Record<string, Tensor> {
    if (!isRowView(input) && typeof input === 'object' && !Array.isArray(input)) {
      const values = Object.values(input);
      if (values.length > 0 && values.every((v) => v instanceof Tensor)) return input as Record<string, Tensor>;
    }
    const view = isRowView(input) ? input : this.view(input);
    const n = view.rows;
    const out: Record<string, Tensor> = {};
    for (const inp of this.inputs) {
      const info = elementTypeByName(inp.type)!;
      const size = n * inp.columns;
      const dims = inp.rank === 1 ? [n] : [n, inp.columns];
      const features = this.byInput.get(inp.name)!;
      if (inp.type === 'string') {
        const data: string[] = new Array<string>(size).fill('');
        for (const { f, i } of features) for (let r = 0; r < n; r++) data[r * inp.columns + f.index] = String(view.value(r, i) ?? f.fill);
        out[inp.name] = new Tensor('string', data, dims);
        continue;
      }
      if (!info.array || info.packed4 || inp.type === 'float16' || inp.type === 'bfloat16')
        throw new OrtexError(
          'ERR_INVALID_ARGUMENT',
          `expected a float32, float64, integer, bool or string element type for input '${inp.name}' (schema feeds), received ${inp.type}`,
        );
      const data = new info.array(size);
      const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
      for (const { f, i } of features) {
        for (let r = 0; r < n; r++) {
          const num = toNumber(view.value(r, i) ?? f.fill, f);
          (data as unknown as unknown[])[r * inp.columns + f.index] = big ? BigInt(Number.isFinite(num) ? Math.trunc(num) : 0) : num;
        }
      }
      out[inp.name] = new Tensor(inp.type, data as never, dims);
    }
    return out;
  }
}

const EMPTY: readonly Violation[] = Object.freeze([]);
const NO_KEYS: readonly (readonly [string, unknown])[] = Object.freeze([]);

/**
 * Feature values read from checked feeds (Schema.feedsView), per feature: its tensor, that
 * tensor's row stride (columns) and whether 0/1 read as false/true (a bool tensor or a boolean
 * feature) — worked out once per request, not per value.
 */
class TensorRowView implements RowView {
  constructor(
    readonly rows: number,
    private readonly tensors: readonly TensorLike[],
    private readonly strides: readonly number[],
    private readonly bools: readonly boolean[],
    private readonly features: readonly CompiledFeature[],
  ) {}

  value(row: number, feature: number): unknown {
    const v = this.tensors[feature]!.data[row * this.strides[feature]! + this.features[feature]!.index];
    return typeof v === 'number' && this.bools[feature] ? v !== 0 : v;
  }
}

function castValue(cast: ((v: number) => number) | undefined, v: unknown): unknown {
  return cast && typeof v === 'number' ? cast(v) : v;
}

function isRowView(v: unknown): v is RowView {
  return typeof v === 'object' && v !== null && typeof (v as RowView).value === 'function' && typeof (v as RowView).rows === 'number';
}

function toNumber(v: unknown, f: CompiledFeature): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && f.categories && f.spec.values) {
    const i = f.spec.values.indexOf(v);
    if (i >= 0) return i;
  }
  const n = typeof v === 'string' ? parseNumberText(v) : NaN;
  return typeof n === 'number' ? n : NaN;
}

/** The ERR_INVALID_INPUT a rejected violation becomes (message: "expected X for feature 'f' (rule r) in row i, received Z"). */
export function rejection(v: Violation, all: readonly Violation[] = [v]): OrtexError {
  const e = invalid('ERR_INVALID_INPUT', `feature '${v.feature}' (rule ${v.rule}) in row ${v.row}`, v.expected, describe(v.value));
  return new OrtexError('ERR_INVALID_INPUT', e.message, {
    details: { feature: v.feature, rule: v.rule, value: v.value, row: v.row, violations: all },
  });
}

function parseFeatureNames(text: string | undefined): string[] | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  } catch {
    // not JSON: comma-separated
  }
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
