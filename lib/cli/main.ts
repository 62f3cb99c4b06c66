/**
 * `ortex` command line: dispatches to one file per command (cli/commands/), loading only the
 * command that runs, so `ortex info` never loads the server. Errors print as
 * `ortex: CODE: message` and exit 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OrtexError } from '../base/errors.js';
import { packageRoot } from '../native/loader.js';
import type { Command } from './command.js';

/** Command name → its one-line summary (for --help) and its module. Add a command by adding a file and a line here. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  info: {
    summary: 'the runtime, the usable providers, and a model (default: the bundled demo) timed on generated inputs',
    load: () => import('./commands/info.js'),
  },
  serve: {
    summary: 'serve models over HTTP: Open Inference Protocol (KServe v2), /predict, a hot-reloading repository, /metrics',
    load: () => import('./commands/serve.js'),
  },
  schema: {
    summary: "infer an input schema (types, ranges, categories) from training data, or a model's baseline schema",
    load: () => import('./commands/schema.js'),
  },
  validate: {
    summary: 'check a CSV or JSON-lines file against a schema, as serving checks requests',
    load: () => import('./commands/validate.js'),
  },
  profile: {
    summary: "the reference profile drift is judged against, with the model's outputs on the data",
    load: () => import('./commands/profile.js'),
  },
};

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  return [
    'Usage: ortex <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -v, --version  print the version',
    "  -h, --help     this help (ortex <command> --help for a command's own)",
    '',
  ].join('\n');
}

/** Entry point for bin/ortex.js. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      console.log(usage());
      return 0;
    }
    if (name === '-v' || name === '--version') {
      console.log(version());
      return 0;
    }
    const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!entry) throw new OrtexError('ERR_INVALID_ARGUMENT', `unknown command '${name}'\n\n${usage()}`);
    const { command } = await entry.load();
    return await command.run(rest);
  } catch (e) {
    const err = e as OrtexError;
    console.error(`ortex: ${err.code ? `${err.code}: ` : ''}${err.message}`);
    return 1;
  }
}
