/**
 * `ortex profile data.csv --model model.onnx --out profile.json`: the reference profile drift is
 * judged against — per feature frozen quantile bins (with under/overflow), reference proportions,
 * summary statistics, category frequencies with "other" — and the model's output distribution on
 * the same data, computed by running the model with ortex.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { OrtexError } from '../../base/errors.js';
import { loadSchema, readBatches } from '../../monitoring/data-file.js';
import { formatJson, profileFile } from '../../monitoring/file-tasks.js';
import { mapColumnsToModel } from '../../monitoring/schema-infer.js';
import { Schema } from '../../monitoring/schema.js';
import { InferenceSession } from '../../session/session.js';
import type { Command } from '../command.js';
import { integerFlag, parseCommand } from '../parse-command.js';

const USAGE = `Usage: ortex profile <data.csv | data.jsonl> --model model.onnx [options]

Builds the reference profile drift is judged against: per feature, frozen quantile bin edges
(plus underflow and overflow bins), the reference counts and proportions, summary statistics,
category frequencies with an "other" bucket; and the model's outputs on the same rows (predicted
class and per-class scores), computed by running the model. Rows the schema rejects are skipped.

Options:
  --model PATH          the model (its outputs are profiled; required)
  --schema PATH         the input schema (default: the model's baseline schema, columns mapped
                        by the model's feature names or in order)
  --out PATH            write the profile here (default: stdout)
  --bins N              quantile bins per numeric feature (default 20)
  --max-categories N    categories kept per categorical feature, the rest are "other" (default 50)
  --batch N             rows per inference batch (default 1024)
  --format csv|jsonl    the data's format (default: from the extension)
  -h, --help            this help
`;

export const command: Command = {
  name: 'profile',
  usage: USAGE,
  async run(argv) {
    const parsed = parseCommand(
      argv,
      {
        model: { type: 'string' },
        schema: { type: 'string' },
        out: { type: 'string' },
        bins: { type: 'string' },
        'max-categories': { type: 'string' },
        batch: { type: 'string' },
        format: { type: 'string' },
      },
      USAGE,
    );
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    const [data, ...extra] = positionals;
    if (!data || extra.length) throw new OrtexError('ERR_INVALID_ARGUMENT', `expected one data file\n\n${USAGE}`);
    if (!values.model) throw new OrtexError('ERR_INVALID_ARGUMENT', `expected --model\n\n${USAGE}`);
    const bins = integerFlag(values.bins, '--bins');
    const maxCategories = integerFlag(values['max-categories'], '--max-categories');
    const batchSize = integerFlag(values.batch, '--batch') ?? 1024;
    const format = values.format ? { format: values.format } : {};
    const session = await InferenceSession.create(values.model);
    try {
      let schema: Schema;
      if (values.schema) schema = (await loadSchema(values.schema)).bind(session);
      else {
        const batches = readBatches(data, { ...format, batchSize: 1 });
        const first = await batches.next();
        await batches.return(undefined);
        schema = Schema.from(mapColumnsToModel(first.done ? [] : first.value.columns, session));
      }
      const { profile, rows, skipped } = await profileFile(data, {
        schema,
        model: session,
        batchSize,
        modelName: basename(values.model),
        ...format,
        ...(bins ? { bins } : {}),
        ...(maxCategories ? { maxCategories } : {}),
      });
      const text = formatJson(profile);
      const outputs =
        profile.outputs?.layout.map((l) => (l.kind === 'scores' ? `${l.output} (${l.classes} classes)` : l.output)).join(', ') || 'none';
      const summary = `ortex profile: ${rows} rows of ${data}${skipped ? ` (${skipped} rows the schema rejects skipped)` : ''}: ${schema.featureNames.length} features, outputs ${outputs}`;
      if (values.out) {
        await writeFile(values.out, text);
        console.error(`${summary} -> ${values.out}`);
      } else {
        process.stdout.write(text);
        console.error(summary);
      }
      return rows ? 0 : 1;
    } finally {
      await session.release();
    }
  },
};
