/**
 * Infers a schema from training data (`ortex schema data.csv`): per column its type, range and
 * categories, for the user to review and edit. Types: all values booleans → boolean; all numbers
 * (NaN and ±Infinity included) → integer when every finite one is integral and written without a
 * decimal point or exponent, else number; otherwise category when there are at most
 * maxCategories distinct values, else string. Rules written: the observed [min, max] as range
 * with action 'count' (live values slightly outside the training range pass and are counted),
 * the observed categories as values with action 'count', NaN/±Infinity rejected unless the data
 * had them (then counted), required unless the data had missing values. With a model, columns are
 * mapped onto its inputs (by the model's feature names, else in order) and the rest are listed in
 * `ignore` (a label column, say), so the training file validates clean.
 */
import { OrtexError } from '../base/errors.js';
import type { ModelIO } from '../session/model-io.js';
import { parseNumberText, Schema, type CategoryValue, type FeatureSpec, type SchemaSpec } from './schema.js';

const DISTINCT_LIMIT = 1000;

class ColumnStats {
  count = 0;
  missing = 0;
  numeric = 0;
  integral = 0;
  booleans = 0;
  nan = 0;
  infinite = 0;
  min = Infinity;
  max = -Infinity;
  maxLength = 0;
  readonly distinct = new Map<CategoryValue, number>();
  overflow = false;

  add(v: unknown, text: boolean): void {
    if (v === undefined || v === null || v === '') {
      this.missing++;
      return;
    }
    this.count++;
    let x: unknown = v;
    if (text && typeof v === 'string') {
      const t = v.trim().toLowerCase();
      if (t === 'true' || t === 'false') x = t === 'true';
      else {
        const n = parseNumberText(v);
        if (typeof n === 'number') {
          x = n;
          if (Number.isFinite(n) && Number.isInteger(n) && !/[.eE]/.test(v)) this.integral++;
        }
      }
    } else if (typeof v === 'number' && Number.isInteger(v)) this.integral++;
    if (typeof x === 'boolean') this.booleans++;
    else if (typeof x === 'number') {
      this.numeric++;
      if (Number.isNaN(x)) this.nan++;
      else if (!Number.isFinite(x)) this.infinite++;
      else {
        if (x < this.min) this.min = x;
        if (x > this.max) this.max = x;
      }
    } else if (typeof x === 'string' && x.length > this.maxLength) this.maxLength = x.length;
    const key = typeof x === 'number' || typeof x === 'boolean' ? x : String(x);
    if (!this.overflow) {
      this.distinct.set(key, (this.distinct.get(key) ?? 0) + 1);
      if (this.distinct.size > DISTINCT_LIMIT) this.overflow = true;
    }
  }

  feature(name: string, maxCategories: number): FeatureSpec {
    const f: FeatureSpec = { name, type: 'string' };
    const finiteCount = this.numeric - this.nan - this.infinite;
    if (this.count > 0 && this.booleans === this.count) f.type = 'boolean';
    else if (this.count > 0 && this.numeric === this.count) {
      f.type = this.integral === finiteCount ? 'integer' : 'number';
      if (finiteCount > 0) {
        f.min = this.min;
        f.max = this.max;
        f.actions = { range: 'count' };
      }
      f.nan = this.nan ? 'count' : 'reject';
      if (this.infinite) f.infinity = 'count';
    } else if (!this.overflow && this.distinct.size <= maxCategories) {
      f.type = 'category';
      f.values = [...this.distinct.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
      f.actions = { values: 'count' };
    }
    if (this.missing) f.required = false;
    return f;
  }
}

export interface InferOptions {
  /** Distinct values up to which a text column becomes a category (default 50). */
  maxCategories?: number;
  /** Columns to leave out of the features (listed in `ignore`). */
  exclude?: readonly string[];
  /** Map the columns onto this model's inputs. */
  model?: ModelIO & { modelMetadata?: { custom?: Record<string, string> } };
}

/** Accumulates records (CSV text or typed JSON values) column by column. */
export class SchemaInferrer {
  private readonly columns = new Map<string, ColumnStats>();
  rows = 0;

  add(records: readonly Record<string, unknown>[], text: boolean): void {
    for (const r of records) {
      for (const k of Object.keys(r)) {
        if (this.columns.has(k)) continue;
        const c = new ColumnStats();
        c.missing = this.rows; // a key first seen now was missing from every earlier record
        this.columns.set(k, c);
      }
      for (const [k, c] of this.columns) c.add(Object.hasOwn(r, k) ? r[k] : undefined, text);
      this.rows++;
    }
  }

  /** The inferred schema (ERR_INVALID_ARGUMENT when a model's inputs cannot take the columns). */
  finish(options: InferOptions = {}): SchemaSpec {
    const maxCategories = options.maxCategories ?? 50;
    const exclude = new Set(options.exclude ?? []);
    const names = [...this.columns.keys()].filter((n) => !exclude.has(n));
    const ignore = [...this.columns.keys()].filter((n) => exclude.has(n));
    for (const x of exclude)
      if (!this.columns.has(x))
        throw new OrtexError(
          'ERR_INVALID_ARGUMENT',
          `expected a column of the data for --exclude, received '${x}' (columns: ${[...this.columns.keys()].join(', ')})`,
        );
    if (!options.model) {
      const spec: SchemaSpec = { version: 1, features: names.map((n) => this.columns.get(n)!.feature(n, maxCategories)) };
      if (ignore.length) spec.ignore = ignore;
      return spec;
    }
    const mapped = mapColumnsToModel(names, options.model);
    const features = mapped.features.map((b) => {
      const inferred = this.columns.get(b.name)!.feature(b.name, maxCategories);
      // The model decides the type; the data adds the ranges and policies.
      const { name: _name, type: _type, ...rules } = inferred;
      const f: FeatureSpec = { name: b.name, type: b.type, input: b.input!, index: b.index!, ...rules };
      if (b.type !== 'number' && b.type !== 'integer') {
        delete f.min;
        delete f.max;
        delete f.nan;
        delete f.infinity;
        if (f.actions) delete f.actions.range;
      }
      return f;
    });
    const spec: SchemaSpec = { version: 1, inputs: mapped.inputs!, features };
    const rest = [...ignore, ...(mapped.ignore ?? [])];
    if (rest.length) spec.ignore = rest;
    return spec;
  }
}

/**
 * The model's baseline schema with its features named after data columns: by the model's own
 * feature names when the data has them all, else the first columns in order. Other columns end
 * up in `ignore`.
 */
export function mapColumnsToModel(
  columns: readonly string[],
  model: ModelIO & { modelMetadata?: { custom?: Record<string, string> } },
): SchemaSpec {
  const baseline = Schema.fromModel(model, model.modelMetadata).toJSON();
  const byName = baseline.features.every((f) => columns.includes(f.name));
  if (!byName && columns.length < baseline.features.length) {
    throw new OrtexError(
      'ERR_INVALID_ARGUMENT',
      `expected at least ${baseline.features.length} data columns for the model's inputs (${baseline.features.map((f) => f.name).join(', ')}), received ${columns.length}: ${columns.join(', ')}`,
    );
  }
  const names = byName ? baseline.features.map((f) => f.name) : columns.slice(0, baseline.features.length);
  const features = baseline.features.map((f, i) => ({ ...f, name: names[i]! }));
  const spec: SchemaSpec = { version: 1, inputs: baseline.inputs!, features };
  const rest = columns.filter((c) => !names.includes(c));
  if (rest.length) spec.ignore = rest;
  return spec;
}
