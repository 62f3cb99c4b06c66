/**
 * The reference profile (profile.json): per feature, the frozen bins (binning.ts) with the
 * reference's counts and per-bin means, summary statistics and category frequencies; and the
 * model's output distribution on the same data (predicted class and per-class scores, or the
 * value or label it returns). `ortex profile` builds it with a ProfileBuilder; the monitor
 * compares live windows against it. It ships beside the model version in the repository.
 */
import { describe, invalid, type OrtexError } from '../base/errors.js';
import type { ValueMetadata } from '../tensor/value-metadata.js';
import { numericBin, numericBinCount, quantile, quantileEdges } from './binning.js';
import type { CategoryValue, RowView, Schema, TensorLike } from './schema.js';

export interface NumericSummary {
  count: number;
  missing: number;
  /** NaN and ±Infinity values (not binned). */
  nonFinite: number;
  mean: number;
  /** Population standard deviation (ddof 0, as NumPy's and Evidently's norm). */
  std: number;
  min: number;
  max: number;
  quantiles: { p01: number; p05: number; p25: number; p50: number; p75: number; p95: number; p99: number };
}

export interface NumericColumnProfile {
  kind: 'numeric';
  /** Frozen edges e₀ < … < e_K; bins: (−∞,e₀) · [e₀,e₁] · (e₁,e₂] … (e_{K−1},e_K] · (e_K,∞). */
  edges: number[];
  /** Reference counts per bin (edges.length + 1 bins, or 3 for one edge). */
  counts: number[];
  /** Mean of the reference values in each bin (null for an empty bin). */
  means: (number | null)[];
  /** Distinct finite values in the reference (capped: DISTINCT_CAP + 1 means more). */
  distinct: number;
  summary: NumericSummary;
}

export interface CategoricalColumnProfile {
  kind: 'categorical';
  /** The most frequent reference categories (at most maxCategories). */
  categories: CategoryValue[];
  /** Reference counts per category, then the "other" bucket (categories not listed). */
  counts: number[];
  distinct: number;
  summary: { count: number; missing: number };
}

export type ColumnProfile = NumericColumnProfile | CategoricalColumnProfile;

/**
 * How the monitor reads one model output: 'scores' ([batch, K] floats): a categorical column
 * `<output>.class` (the argmax) and numeric columns `<output>[i]`; 'value' ([batch] or [batch, 1]
 * numbers): a numeric column `<output>`; 'label' ([batch] integers or strings): a categorical
 * column `<output>`.
 */
export type OutputLayout =
  | { output: string; kind: 'scores'; classes: number }
  | { output: string; kind: 'value' }
  | { output: string; kind: 'label' };

export interface ProfileSpec {
  version: 1;
  created: string;
  /** Reference rows profiled. */
  rows: number;
  bins: number;
  maxCategories: number;
  source?: string;
  features: Record<string, ColumnProfile>;
  outputs?: { model?: string; layout: OutputLayout[]; columns: Record<string, ColumnProfile> };
}

export const DISTINCT_CAP = 10_000;

/** Output columns a layout entry produces, in order. */
export function outputColumns(l: OutputLayout): { name: string; kind: 'numeric' | 'categorical' }[] {
  if (l.kind === 'scores') {
    return [
      { name: `${l.output}.class`, kind: 'categorical' },
      ...Array.from({ length: l.classes }, (_, i) => ({ name: `${l.output}[${i}]`, kind: 'numeric' as const })),
    ];
  }
  return [{ name: l.output, kind: l.kind === 'value' ? 'numeric' : 'categorical' }];
}

/** The output layout a model's output metadata implies (outputs it cannot monitor are left out). */
export function outputLayoutFor(outputs: readonly ValueMetadata[]): OutputLayout[] {
  const layout: OutputLayout[] = [];
  for (const m of outputs) {
    if (!m.isTensor) continue;
    const float = /^(float|double|bfloat)/.test(m.type);
    const [, k, ...more] = m.shape;
    if (more.length) continue;
    if (float && m.shape.length === 2 && typeof k === 'number' && k > 1) layout.push({ output: m.name, kind: 'scores', classes: k });
    else if (float && (m.shape.length === 1 || k === 1)) layout.push({ output: m.name, kind: 'value' });
    else if (!float && m.type !== 'bool' && (m.shape.length === 1 || k === 1)) layout.push({ output: m.name, kind: 'label' });
  }
  return layout;
}

/** Reads output columns' values from output tensors, row by row. */
export function readOutputs(
  layout: readonly OutputLayout[],
  outputs: Readonly<Record<string, TensorLike | unknown>>,
  visit: (column: number, row: number, value: unknown) => void,
): void {
  let column = 0;
  for (const l of layout) {
    const t = outputs[l.output] as TensorLike | undefined;
    const width = l.kind === 'scores' ? l.classes + 1 : 1;
    if (!t || typeof t !== 'object' || !Array.isArray(t.dims) || !t.data) {
      column += width;
      continue;
    }
    const data = t.data;
    const n = t.dims[0] ?? 0;
    if (l.kind === 'scores') {
      const k = l.classes;
      if (data.length < n * k) {
        column += width;
        continue;
      }
      for (let r = 0; r < n; r++) {
        let best = 0,
          bestScore = -Infinity;
        for (let i = 0; i < k; i++) {
          const v = Number(data[r * k + i]);
          if (v > bestScore) {
            bestScore = v;
            best = i;
          }
          visit(column + 1 + i, r, v);
        }
        visit(column, r, best);
      }
    } else {
      for (let r = 0; r < n && r < data.length; r++) {
        const v = data[r];
        visit(column, r, typeof v === 'bigint' ? Number(v) : v);
      }
    }
    column += width;
  }
}

class Growable {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

class NumericAccumulator {
  readonly values = new Growable();
  missing = 0;
  nonFinite = 0;
  readonly distinct = new Set<number>();
  add(v: unknown): void {
    if (v === undefined || v === null) {
      this.missing++;
      return;
    }
    const x = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : NaN;
    if (!Number.isFinite(x)) {
      this.nonFinite++;
      return;
    }
    this.values.push(x);
    if (this.distinct.size <= DISTINCT_CAP) this.distinct.add(x);
  }
  finish(bins: number): NumericColumnProfile {
    const sorted = this.values.sorted();
    const n = sorted.length;
    const edges = quantileEdges(sorted, bins);
    const nb = edges.length ? numericBinCount(edges) : 3;
    const counts = new Array<number>(nb).fill(0);
    const sums = new Array<number>(nb).fill(0);
    let sum = 0;
    for (const v of sorted) sum += v;
    const mean = n ? sum / n : NaN;
    let ss = 0;
    for (const v of sorted) {
      ss += (v - mean) ** 2;
      const b = numericBin(edges, v);
      counts[b]!++;
      sums[b]! += v;
    }
    return {
      kind: 'numeric',
      edges,
      counts,
      means: counts.map((c, i) => (c ? sums[i]! / c : null)),
      distinct: this.distinct.size,
      summary: {
        count: n,
        missing: this.missing,
        nonFinite: this.nonFinite,
        mean,
        std: n ? Math.sqrt(ss / n) : NaN,
        min: n ? sorted[0]! : NaN,
        max: n ? sorted[n - 1]! : NaN,
        quantiles: {
          p01: quantile(sorted, 0.01),
          p05: quantile(sorted, 0.05),
          p25: quantile(sorted, 0.25),
          p50: quantile(sorted, 0.5),
          p75: quantile(sorted, 0.75),
          p95: quantile(sorted, 0.95),
          p99: quantile(sorted, 0.99),
        },
      },
    };
  }
}

class CategoricalAccumulator {
  readonly counts = new Map<CategoryValue, number>();
  missing = 0;
  total = 0;
  add(v: unknown): void {
    if (v === undefined || v === null) {
      this.missing++;
      return;
    }
    const key = typeof v === 'bigint' ? Number(v) : (v as CategoryValue);
    if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'boolean') {
      this.missing++;
      return;
    }
    this.total++;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
  finish(maxCategories: number): CategoricalColumnProfile {
    // Most frequent first; ties in first-seen order (Map iteration order, stable sort).
    const ranked = [...this.counts.entries()].sort((a, b) => b[1] - a[1]);
    const kept = ranked.slice(0, maxCategories);
    const other = ranked.slice(maxCategories).reduce((s, [, c]) => s + c, 0);
    return {
      kind: 'categorical',
      categories: kept.map(([k]) => k),
      counts: [...kept.map(([, c]) => c), other],
      distinct: this.counts.size,
      summary: { count: this.total, missing: this.missing },
    };
  }
}

type Accumulator = NumericAccumulator | CategoricalAccumulator;

export interface ProfileBuilderOptions {
  /** Quantile bins per numeric column (default 20). */
  bins?: number;
  /** Categories kept per categorical column; the rest go to "other" (default 50). */
  maxCategories?: number;
  /** The model's outputs to profile (outputLayoutFor(session.outputMetadata)). */
  outputs?: OutputLayout[];
  model?: string;
  source?: string;
}

/** Accumulates reference rows (and the model's outputs on them) into a ProfileSpec. Memory: 8 bytes per numeric value until finish(). */
export class ProfileBuilder {
  private readonly features: Accumulator[];
  private readonly outputs: Accumulator[];
  private readonly layout: OutputLayout[];
  private rows = 0;
  private readonly bins: number;
  private readonly maxCategories: number;

  constructor(
    private readonly schema: Schema,
    private readonly options: ProfileBuilderOptions = {},
  ) {
    this.bins = options.bins ?? 20;
    this.maxCategories = options.maxCategories ?? 50;
    if (!(Number.isInteger(this.bins) && this.bins >= 1))
      throw invalid('ERR_INVALID_ARGUMENT', 'bins', 'a positive integer', describe(options.bins));
    if (!(Number.isInteger(this.maxCategories) && this.maxCategories >= 1))
      throw invalid('ERR_INVALID_ARGUMENT', 'maxCategories', 'a positive integer', describe(options.maxCategories));
    this.features = schema.features.map((f) => (isNumericType(f.type) ? new NumericAccumulator() : new CategoricalAccumulator()));
    this.layout = options.outputs ?? [];
    this.outputs = this.layout
      .flatMap(outputColumns)
      .map((c) => (c.kind === 'numeric' ? new NumericAccumulator() : new CategoricalAccumulator()));
  }

  /** Adds rows (feature values as validation sees them). */
  addRows(view: RowView): void {
    for (let r = 0; r < view.rows; r++) for (let i = 0; i < this.features.length; i++) this.features[i]!.add(view.value(r, i));
    this.rows += view.rows;
  }

  /** Adds the model's outputs for rows added before. */
  addOutputs(outputs: Readonly<Record<string, TensorLike | unknown>>): void {
    readOutputs(this.layout, outputs, (column, _row, value) => this.outputs[column]!.add(value));
  }

  finish(): ProfileSpec {
    const finish = (a: Accumulator) => (a instanceof NumericAccumulator ? a.finish(this.bins) : a.finish(this.maxCategories));
    const spec: ProfileSpec = {
      version: 1,
      created: new Date().toISOString(),
      rows: this.rows,
      bins: this.bins,
      maxCategories: this.maxCategories,
      features: Object.fromEntries(this.schema.featureNames.map((n, i) => [n, finish(this.features[i]!)])),
    };
    if (this.options.source) spec.source = this.options.source;
    if (this.layout.length) {
      const names = this.layout.flatMap(outputColumns).map((c) => c.name);
      spec.outputs = { layout: this.layout, columns: Object.fromEntries(names.map((n, i) => [n, finish(this.outputs[i]!)])) };
      if (this.options.model) spec.outputs.model = this.options.model;
    }
    return spec;
  }
}

export function isNumericType(t: string): boolean {
  return t === 'number' || t === 'integer';
}

function profileError(what: string, expected: string, value: unknown): OrtexError {
  return invalid('ERR_INVALID_ARGUMENT', `${what} in the profile`, expected, describe(value));
}

function checkColumn(name: string, c: ColumnProfile): void {
  const at = `column '${name}'`;
  if (typeof c !== 'object' || c === null) throw profileError(at, 'an object', c);
  if (!Array.isArray(c.counts) || !c.counts.every((x) => Number.isFinite(x) && x >= 0))
    throw profileError(`${at} counts`, 'an array of counts', c.counts);
  if (c.kind === 'numeric') {
    if (!Array.isArray(c.edges) || !c.edges.every((e, i) => Number.isFinite(e) && (i === 0 || e > c.edges[i - 1]!)))
      throw profileError(`${at} edges`, 'ascending finite numbers', c.edges);
    const nb = c.edges.length ? numericBinCount(c.edges) : 3;
    if (c.counts.length !== nb) throw profileError(`${at} counts`, `${nb} counts for ${c.edges.length} edges`, `${c.counts.length} counts`);
    if (!Array.isArray(c.means) || c.means.length !== nb) throw profileError(`${at} means`, `${nb} means`, c.means);
    if (typeof c.summary !== 'object' || c.summary === null) throw profileError(`${at} summary`, 'an object', c.summary);
  } else if (c.kind === 'categorical') {
    if (!Array.isArray(c.categories) || c.counts.length !== c.categories.length + 1)
      throw profileError(`${at} counts`, 'one count per category and one for "other"', c.counts);
  } else {
    throw profileError(`${at} kind`, '"numeric" or "categorical"', (c as { kind: unknown }).kind);
  }
}

/** Checks a profile's JSON shape (ERR_INVALID_ARGUMENT naming the field); returns it. */
export function parseProfile(raw: unknown): ProfileSpec {
  if (typeof raw !== 'object' || raw === null) throw profileError('the profile', 'an object', raw);
  const p = raw as ProfileSpec;
  if (p.version !== 1) throw profileError('"version"', '1', p.version);
  if (!Number.isFinite(p.rows)) throw profileError('"rows"', 'a number', p.rows);
  if (typeof p.features !== 'object' || p.features === null) throw profileError('"features"', 'an object', p.features);
  for (const [n, c] of Object.entries(p.features)) checkColumn(n, c);
  if (p.outputs) {
    if (!Array.isArray(p.outputs.layout)) throw profileError('outputs.layout', 'an array', p.outputs.layout);
    for (const l of p.outputs.layout)
      for (const c of outputColumns(l)) {
        const col = p.outputs.columns?.[c.name];
        if (!col) throw profileError(`outputs.columns`, `a column '${c.name}'`, undefined);
        checkColumn(c.name, col);
      }
  }
  return p;
}
