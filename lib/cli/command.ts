/** One `ortex` subcommand: each lives in its own file under cli/commands/ and is loaded only when run. */
export interface Command {
  readonly name: string;
  /** The command's own help text. */
  readonly usage: string;
  /** Runs with the arguments after the command name; resolves to the exit code. Throws OrtexError for bad usage. */
  run(argv: string[]): Promise<number>;
}
