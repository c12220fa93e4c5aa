/** Argument parsing shared by every command: node's parseArgs, strict, one-line errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CasecamError } from '../core/errors.js';

export interface Command {
  name: string;
  summary: string;
  help: string;
  run(argv: string[]): Promise<number>;
}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: string[],
  options: T,
  opts: { positionals?: boolean } = {},
) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: opts.positionals ?? false });
  } catch (err) {
    throw new CasecamError('usage', err instanceof Error ? err.message.split('\n')[0]! : String(err));
  }
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new CasecamError('usage', `missing ${flag}`);
  return value;
}
