/** Parsed `--flag value` options; a flag given without a value is "true". */
export type Flags = Record<string, string>;

export type Command = {
  /** e.g. "keys create --email E --name N" */
  usage: string;
  /** Does the work and returns what `--json` prints. Throw CliError for bad input. */
  run: (flags: Flags) => Promise<unknown>;
  /** The human-readable form of the result. */
  print: (result: never) => string;
};

/** An error the operator caused (bad flag, unknown email): printed as one line, exit code 1. */
export class CliError extends Error {}

/** Returns a required flag or throws a CliError naming it. */
export function required(flags: Flags, name: string): string {
  const value = flags[name];
  if (value === undefined || value === "true") throw new CliError(`--${name} is required`);
  return value;
}
