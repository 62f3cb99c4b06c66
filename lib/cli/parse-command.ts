/**
 * Argument parsing shared by commands that take one data file and flags (schema, validate,
 * profile): node:util parseArgs with -h/--help, and integer flags checked with one message.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { OrtexError } from '../base/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The parsed flags and positionals, or undefined after printing `usage` for -h/--help. */
export function parseCommand<O extends Options>(argv: string[], options: O, usage: string) {
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
    }) as typeof parsed;
  } catch (e) {
    throw new OrtexError('ERR_INVALID_ARGUMENT', `${(e as Error).message}\n\n${usage}`);
  }
  if (parsed.values.help) {
    console.log(usage);
    return undefined;
  }
  return parsed as unknown as {
    values: { [K in keyof O]?: O[K] extends { multiple: true } ? string[] : O[K] extends { type: 'boolean' } ? boolean : string };
    positionals: string[];
  };
}

/** An integer flag ≥ min, or undefined when absent. */
export function integerFlag(value: string | undefined, flag: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= min))
    throw new OrtexError('ERR_INVALID_ARGUMENT', `expected an integer ≥ ${min} for ${flag}, received ${value}`);
  return n;
}
