// What every command group (jobs, runs, failures) shares: subcommand lookup, option
// parsing with node:util parseArgs, per-subcommand --help, the client from
// --url/--token/env, and turning any error into one stderr line plus an exit code.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { ApiError, UnreachableError, clientOptionsFrom, createHttpClient, type HttpClient } from './http-client.ts';
import { EXIT } from './exit-codes.ts';
import { didYouMean, suggest } from '../suggest.ts';

/** A mistake on the command line; exits 2 with the subcommand's usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A refusal decided by the CLI itself (not the service), with the exit code to use. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export type OptionValues = Record<string, string | boolean | undefined>;

/** What a subcommand's `run` receives. */
export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  json: boolean;
  /** The client, created on first use (so --help and usage errors never need a URL). */
  client(): HttpClient;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

export interface Subcommand {
  /** e.g. `<job_id> [--wait]`, shown after `bosun jobs show`. */
  usage: string;
  summary: string;
  /** Longer help: what it does, option list. */
  help?: string;
  options?: ParseArgsOptionsConfig;
  /** How many positional arguments it takes: [min, max]. */
  positionals: [number, number];
  run(ctx: CommandContext): Promise<number>;
}

/** Options every service-talking subcommand accepts. */
export const COMMON_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsOptionsConfig;

const COMMON_HELP = `  --json           print JSON for scripts instead of a table
  --url URL        the service (default: $BOSUN_URL, else http://$HOST:$PORT as the service reads them)
  --token TOKEN    API token (default: $BOSUN_TOKEN)
  -h, --help       this help`;

function groupUsage(group: string, subcommands: Record<string, Subcommand>): string {
  const width = Math.max(...Object.keys(subcommands).map((n) => n.length));
  const lines = Object.entries(subcommands).map(([name, s]) => `  ${name.padEnd(width)}  ${s.summary}`);
  return `usage: bosun ${group} <subcommand> [options]\n\n${lines.join('\n')}\n\nRun 'bosun ${group} <subcommand> --help' for its options.\n`;
}

/** The short form for usage errors: the message's context without the whole help. */
function usageHint(label: string, sub: Subcommand): string {
  return `usage: bosun ${label} ${sub.usage}\nRun 'bosun ${label} --help' for details.\n`;
}

function subcommandUsage(label: string, sub: Subcommand): string {
  return `usage: bosun ${label} ${sub.usage}\n\n${sub.summary}\n${sub.help ? `\n${sub.help}\n` : ''}\nCommon options:\n${COMMON_HELP}\n`;
}

/** Runs `bosun <group> <subcommand> …` and resolves with the exit code. */
export async function runGroup(group: string, subcommands: Record<string, Subcommand>, args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const out = process.stdout;
  const err = process.stderr;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    (name === undefined ? err : out).write(groupUsage(group, subcommands));
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const sub = Object.hasOwn(subcommands, name) ? subcommands[name] : undefined;
  if (!sub) {
    const meant = suggest(name, Object.keys(subcommands));
    err.write(`bosun: unknown subcommand '${group} ${name}'${didYouMean(meant && `${group} ${meant}`)}\n\n${groupUsage(group, subcommands)}`);
    return EXIT.usage;
  }
  return runSubcommand(`${group} ${name}`, sub, rest);
}

/** Runs one subcommand, or a command that has none (`bosun apply`), labelled `label` in its messages. */
export async function runSubcommand(label: string, sub: Subcommand, rest: string[]): Promise<number> {
  const out = process.stdout;
  const err = process.stderr;

  let values: OptionValues;
  let positionals: string[];
  try {
    const parsed = parseArgs({ args: rest, options: { ...COMMON_OPTIONS, ...sub.options }, allowPositionals: true, strict: true });
    values = parsed.values as OptionValues;
    positionals = parsed.positionals;
  } catch (error) {
    err.write(`bosun ${label}: ${parseArgsMessage(error, { ...COMMON_OPTIONS, ...sub.options })}\n${usageHint(label, sub)}`);
    return EXIT.usage;
  }
  if (values.help) {
    out.write(subcommandUsage(label, sub));
    return EXIT.ok;
  }
  const [min, max] = sub.positionals;
  if (positionals.length < min || positionals.length > max) {
    const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    err.write(`bosun ${label}: expected ${expected} argument${max === 1 ? '' : 's'}, got ${positionals.length}\n${usageHint(label, sub)}`);
    return EXIT.usage;
  }

  let client: HttpClient | undefined;
  const ctx: CommandContext = {
    values,
    positionals,
    json: values.json === true,
    client: () => (client ??= createHttpClient(clientOptionsFrom({ url: values.url as string | undefined, token: values.token as string | undefined }, process.env))),
    out,
    err,
  };
  try {
    return await sub.run(ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      err.write(`bosun ${label}: ${error.message}\n${usageHint(label, sub)}`);
      return EXIT.usage;
    }
    err.write(`bosun: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}

/**
 * parseArgs's complaint in one line: `Unknown option '--jsn'` (without its advice about `--`,
 * which is noise for a typo) with the option probably meant.
 */
export function parseArgsMessage(error: unknown, options: ParseArgsOptionsConfig): string {
  const message = error instanceof Error ? error.message : String(error);
  const unknown = /^Unknown option '(--?[^'=]+)'/.exec(message);
  if (!unknown || (error as { code?: unknown }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return message;
  const written = unknown[1]!;
  const known = Object.keys(options).map((o) => `--${o}`);
  return `unknown option '${written}'${didYouMean(written.startsWith('--') ? suggest(written, known) : undefined)}`;
}

/** One readable line for an error: the service's detail, the field at fault, the status. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const list = Array.isArray(error.problem.errors) ? (error.problem.errors as Array<{ field?: unknown; message?: unknown; suggestion?: unknown }>) : [];
    if (list.length > 1) {
      // Every problem on a line of its own, as a file's are.
      const lines = list.map((p) => `  ${String(p.field ?? '')}: ${String(p.message ?? '')}${didYouMean(typeof p.suggestion === 'string' ? p.suggestion : undefined)}`);
      return `${list.length} problems [HTTP ${error.status}]:\n${lines.join('\n')}`;
    }
    const field = error.problem.field ? ` (field: ${error.problem.field})` : '';
    return `${error.message}${field} [HTTP ${error.status}]`;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The documented exit code for an error (docs/cli.md). */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof ApiError) {
    if (error.status === 404) return EXIT.notFound;
    if (error.status === 401 || error.status === 403) return EXIT.unauthorized;
    if (error.status >= 400 && error.status < 500) return EXIT.invalid;
    return EXIT.failure;
  }
  if (error instanceof UnreachableError) return EXIT.failure;
  return EXIT.failure;
}
