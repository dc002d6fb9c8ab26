// What a `cityops` subcommand is: its name, a one-line summary, its own options (node:util parseArgs) and help
// text, and what it does. Administrative subcommands call the core through the contract as the system principal
// (systemCall), so the command line takes exactly what the API takes and is audited as system(cli:USER).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Core } from '../core/core.ts';
import { systemContext } from '../core/context.ts';
import type { InputOf, MethodName, ResultOf } from '../../shared/contract/index.ts';
import type { ApiErrorData } from '../../shared/errors.ts';

/** Option values as parseArgs returns them. */
export type Values = Record<string, string | boolean | string[] | undefined>;

/** One subcommand. */
export interface Command {
  /** e.g. 'serve', 'user add'. */
  name: string;
  summary: string;
  /** Usage lines after `cityops NAME`, and any notes. */
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Values): Promise<void> | void;
}

/** Exits with a message on standard error: 2 for a usage mistake, 1 for a failure. */
export function die(msg: string, code = 2): never {
  process.stderr.write(`cityops: ${msg}\n`);
  process.exit(code);
}

/** The --help text of a subcommand. */
export function helpOf(c: Command): string {
  return `cityops ${c.name} — ${c.summary}\n\nUsage:\n  cityops ${c.name} ${c.usage}\n`;
}

/** Parses a subcommand's arguments (strict: an unknown option is a usage error). */
export function parseValues(c: Command, args: string[]): Values {
  try {
    return parseArgs({ args, options: { ...c.options, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false }).values as Values;
  } catch (e) {
    return die(`${(e as Error).message}\n\n${helpOf(c)}`);
  }
}

/** A string option's value, or undefined. */
export const str = (v: Values, k: string): string | undefined => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
/** A required string option. */
export const need = (c: Command, v: Values, k: string): string => str(v, k) ?? die(`${c.name} needs --${k}`);

/** Opens the core on --db, exiting 1 with the reason when it cannot. */
export function openCore(file: string, requireSeeded = true): Core {
  try {
    return new Core({ dbPath: file, requireSeeded });
  } catch (e) {
    return die((e as Error).message, 1);
  }
}

/** An error result of a contract call, thrown by systemCall. */
export class CallFailed extends Error {
  constructor(readonly error: ApiErrorData) {
    super(error.message);
  }
}

/** Calls a contract method as the system principal; throws CallFailed on an error result. */
export async function systemCall<M extends MethodName>(core: Core, method: M, input: InputOf<M>): Promise<ResultOf<M>> {
  const r = await core.invoke(method, input, systemContext(`cli:${process.env.USER ?? 'unknown'}`, 'cli'));
  if (!r.ok) throw new CallFailed(r.error);
  return r.result as ResultOf<M>;
}

/** Runs an administrative subcommand on an open core: a failed call exits 1 with its message, the core closes. */
export async function withCore(file: string, fn: (core: Core) => Promise<void>): Promise<void> {
  const core = openCore(file);
  try {
    await fn(core);
  } catch (e) {
    die((e as Error).message, 1);
  } finally {
    core.close();
  }
}
