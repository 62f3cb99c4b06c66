/**
 * `ortex validate data.csv --schema schema.json`: checks every row of a CSV or JSON-lines file
 * with the same schema checks the server applies to requests, streamed, and prints one line per
 * (feature, rule, action) with counts and the first offending rows. Exit code 1 when violations
 * were found (see --fail-on).
 */
import { OrtexError } from '../../base/errors.js';
import { loadSchema } from '../../monitoring/data-file.js';
import { validateFile } from '../../monitoring/file-tasks.js';
import type { Command } from '../command.js';
import { integerFlag, parseCommand } from '../parse-command.js';

const USAGE = `Usage: ortex validate <data.csv | data.jsonl> --schema schema.json [options]

Checks every row against the schema, exactly as ortex serve checks requests, and reports the
violations per feature, rule and action. Exits 1 when there are violations (see --fail-on).

Options:
  --schema PATH           the schema (from ortex schema, edited)
  --format csv|jsonl      the data's format (default: from the extension)
  --examples N            offending rows shown per rule (default 3)
  --fail-on any|reject|none   which violations make the exit code 1 (default any)
  --json                  print the report as JSON
  -h, --help              this help
`;

export const command: Command = {
  name: 'validate',
  usage: USAGE,
  async run(argv) {
    const parsed = parseCommand(
      argv,
      {
        schema: { type: 'string' },
        format: { type: 'string' },
        examples: { type: 'string' },
        'fail-on': { type: 'string' },
        json: { type: 'boolean' },
      },
      USAGE,
    );
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    const [data, ...extra] = positionals;
    if (!data || extra.length) throw new OrtexError('ERR_INVALID_ARGUMENT', `expected one data file\n\n${USAGE}`);
    if (!values.schema) throw new OrtexError('ERR_INVALID_ARGUMENT', `expected --schema\n\n${USAGE}`);
    const failOn = values['fail-on'] ?? 'any';
    if (!['any', 'reject', 'none'].includes(failOn))
      throw new OrtexError('ERR_INVALID_ARGUMENT', `expected any, reject or none for --fail-on, received ${failOn}`);
    const examples = integerFlag(values.examples, '--examples', 0) ?? 3;
    const schema = await loadSchema(values.schema);
    const report = await validateFile(data, schema, { examples, ...(values.format ? { format: values.format } : {}) });
    if (values.json) console.log(JSON.stringify(report, null, 2));
    else {
      const lines = [
        `${data}: ${report.rows} rows, ${report.violations} violations (${report.rejected} would be rejected, ${report.counted} counted) in ${report.rowsWithViolations} rows`,
      ];
      if (report.rules.length) {
        const head = ['feature', 'rule', 'action', 'count', 'first rows (file line): value'];
        const rows = report.rules.map((r) => [
          r.feature,
          r.rule,
          r.action,
          String(r.count),
          r.examples.map((e) => `${e.row} (line ${e.line}): ${JSON.stringify(e.value) ?? 'missing'}`).join('; '),
        ]);
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
        for (const r of [head, ...rows]) lines.push(`  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')}`);
      }
      console.log(lines.join('\n'));
    }
    const failed = failOn === 'any' ? report.violations > 0 : failOn === 'reject' ? report.rejected > 0 : false;
    return failed ? 1 : 0;
  },
};
