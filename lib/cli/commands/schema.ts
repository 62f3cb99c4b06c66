/**
 * `ortex schema [data.csv|data.jsonl] [--model model.onnx] [--out schema.json]`: infers an input
 * schema from training data (types, ranges, categories) for the user to edit, or writes the
 * baseline schema a model's metadata implies. The schema then validates files (`ortex validate`)
 * and requests (`ortex serve`) with the same checks.
 */
import { writeFile } from 'node:fs/promises';
import { OrtexError } from '../../base/errors.js';
import { formatJson, inferSchemaFile } from '../../monitoring/file-tasks.js';
import { Schema, type SchemaSpec } from '../../monitoring/schema.js';
import { InferenceSession } from '../../session/session.js';
import type { Command } from '../command.js';
import { integerFlag, parseCommand } from '../parse-command.js';

const USAGE = `Usage: ortex schema [data.csv | data.jsonl] [options]

Infers an input schema from training data: each column's type (number, integer, boolean,
category, string), its observed range (action "count": values outside are counted and pass),
its categories, and its NaN / missing policy. Review and edit the result; the same schema then
checks files (ortex validate) and requests (ortex serve).
With --model and no data, writes the baseline schema the model's inputs imply.

Options:
  --model PATH          map the columns onto the model's inputs (by its feature_names metadata,
                        else in order); other columns are listed under "ignore"
  --out PATH            write the schema here (default: stdout)
  --exclude NAME        leave a column out of the features (e.g. the label); repeatable
  --max-categories N    distinct values up to which a text column is a category (default 50)
  --format csv|jsonl    the data's format (default: from the extension)
  -h, --help            this help
`;

export const command: Command = {
  name: 'schema',
  usage: USAGE,
  async run(argv) {
    const parsed = parseCommand(
      argv,
      {
        model: { type: 'string' },
        out: { type: 'string' },
        exclude: { type: 'string', multiple: true },
        'max-categories': { type: 'string' },
        format: { type: 'string' },
      },
      USAGE,
    );
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    const [data, ...extra] = positionals;
    if (extra.length) throw new OrtexError('ERR_INVALID_ARGUMENT', `unexpected argument ${extra[0]}\n\n${USAGE}`);
    if (!data && !values.model) throw new OrtexError('ERR_INVALID_ARGUMENT', `expected a data file or --model\n\n${USAGE}`);
    const maxCategories = integerFlag(values['max-categories'], '--max-categories');
    const session = values.model ? await InferenceSession.create(values.model) : undefined;
    let spec: SchemaSpec;
    try {
      if (!data) spec = Schema.fromModel(session!, session!.modelMetadata).toJSON();
      else {
        spec = await inferSchemaFile(data, {
          ...(values.format ? { format: values.format } : {}),
          ...(values.exclude ? { exclude: values.exclude } : {}),
          ...(maxCategories ? { maxCategories } : {}),
          ...(session ? { model: session } : {}),
        });
      }
    } finally {
      await session?.release();
    }
    Schema.from(spec); // the inferred schema must load
    const text = formatJson(spec);
    if (values.out) {
      await writeFile(values.out, text);
      console.error(
        `ortex schema: ${spec.features.length} features${spec.ignore?.length ? ` (ignoring ${spec.ignore.join(', ')})` : ''} -> ${values.out}`,
      );
    } else process.stdout.write(text);
    return 0;
  },
};
