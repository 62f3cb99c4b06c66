/**
 * The offline half of training/serving parity, as library calls (the CLI commands `ortex schema`,
 * `ortex validate` and `ortex profile` are thin wrappers): infer a schema from a data file,
 * validate a file with the very checks the server runs (Schema.check over the same typed values),
 * and profile a reference file, running the model on it for the output distribution.
 */
import type { Runnable } from '../session/model-io.js';
import { batchView, readBatches } from './data-file.js';
import { outputLayoutFor, ProfileBuilder, type ProfileSpec } from './profile.js';
import { SchemaInferrer, type InferOptions } from './schema-infer.js';
import type { Schema, SchemaSpec, Violation } from './schema.js';

/** JSON with two-space indentation and arrays of numbers or strings kept on one line (profiles stay readable). */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2).replace(/\[\n\s*([^[\]{}]*?)\n\s*\]/g, (_, inner: string) => `[${inner.split(/,\n\s*/).join(', ')}]`)}\n`;
}

export interface FileOptions {
  /** csv or jsonl (default: from the extension). */
  format?: string;
  /** Rows read and checked at a time (default 1024). */
  batchSize?: number;
}

/** Infers a schema from a data file (SchemaInferrer). */
export async function inferSchemaFile(path: string, options: FileOptions & InferOptions = {}): Promise<SchemaSpec> {
  const inferrer = new SchemaInferrer();
  for await (const batch of readBatches(path, options)) inferrer.add(batch.records, batch.format === 'csv');
  return inferrer.finish(options);
}

export interface RuleReport {
  feature: string;
  rule: string;
  action: 'reject' | 'count';
  count: number;
  /** The first violations (row, file line, value). */
  examples: { row: number; line: number; value: unknown }[];
}

export interface FileValidationReport {
  path: string;
  rows: number;
  violations: number;
  rejected: number;
  counted: number;
  /** Rows with at least one violation / at least one rejected one. */
  rowsWithViolations: number;
  rowsRejected: number;
  rules: RuleReport[];
}

/** Validates every row of a data file; `onViolation` hears each one (with its file line). */
export async function validateFile(
  path: string,
  schema: Schema,
  options: FileOptions & { examples?: number; onViolation?: (v: Violation, line: number) => void } = {},
): Promise<FileValidationReport> {
  const keep = options.examples ?? 3;
  const rules = new Map<string, RuleReport>();
  const report: FileValidationReport = {
    path,
    rows: 0,
    violations: 0,
    rejected: 0,
    counted: 0,
    rowsWithViolations: 0,
    rowsRejected: 0,
    rules: [],
  };
  for await (const batch of readBatches(path, options)) {
    const view = batchView(schema, batch);
    let lastRow = -1,
      lastRejectedRow = -1;
    schema.check(
      view,
      (v) => {
        const line = batch.lines[v.row - batch.offset]!;
        options.onViolation?.(v, line);
        report.violations++;
        if (v.action === 'reject') report.rejected++;
        else report.counted++;
        if (v.row !== lastRow) {
          report.rowsWithViolations++;
          lastRow = v.row;
        }
        if (v.action === 'reject' && v.row !== lastRejectedRow) {
          report.rowsRejected++;
          lastRejectedRow = v.row;
        }
        const key = `${v.feature}\u0000${v.rule}\u0000${v.action}`;
        let r = rules.get(key);
        if (!r) {
          r = { feature: v.feature, rule: v.rule, action: v.action, count: 0, examples: [] };
          rules.set(key, r);
        }
        r.count++;
        if (r.examples.length < keep) r.examples.push({ row: v.row, line, value: v.value });
      },
      batch.offset,
    );
    report.rows += view.rows;
  }
  report.rules = [...rules.values()];
  return report;
}

export interface ProfileFileOptions extends FileOptions {
  schema: Schema;
  /** The model (a session, pool or batcher): its outputs on the data are profiled too. */
  model?: Runnable;
  bins?: number;
  maxCategories?: number;
  /** Recorded in the profile. */
  modelName?: string;
}

/** Profiles a reference file; rows the schema rejects are skipped (and counted). */
export async function profileFile(
  path: string,
  options: ProfileFileOptions,
): Promise<{ profile: ProfileSpec; rows: number; skipped: number }> {
  const { schema, model } = options;
  const layout = model ? outputLayoutFor(model.outputMetadata) : [];
  const builderOptions: ConstructorParameters<typeof ProfileBuilder>[1] = { outputs: layout, source: path };
  if (options.bins !== undefined) builderOptions.bins = options.bins;
  if (options.maxCategories !== undefined) builderOptions.maxCategories = options.maxCategories;
  if (options.modelName !== undefined) builderOptions.model = options.modelName;
  const builder = new ProfileBuilder(schema, builderOptions);
  let rows = 0,
    skipped = 0;
  for await (const batch of readBatches(path, options)) {
    const view = batchView(schema, batch);
    const rejected = new Set<number>();
    schema.check(view, (v) => {
      if (v.action === 'reject') rejected.add(v.row);
    });
    const kept: unknown[][] = [];
    for (let r = 0; r < view.rows; r++) {
      if (rejected.has(r)) continue;
      kept.push(schema.featureNames.map((_, f) => view.value(r, f)));
    }
    skipped += rejected.size;
    rows += kept.length;
    if (!kept.length) continue;
    const keptView = schema.view(kept);
    builder.addRows(keptView);
    if (model && layout.length) builder.addOutputs(await model.run(schema.toFeeds(keptView)));
  }
  return { profile: builder.finish(), rows, skipped };
}
