// `command`: runs a program (an argv list, or a command line through /bin/sh -c) in a process
// group of its own, so a timeout or cancel kills everything it started, not just the shell.
// It starts from a minimal environment (never bosun's secrets) and, when bosun is root, as an
// unprivileged user (BOSUN_COMMAND_USER, default nobody); root can still signal its group.
import { spawn } from 'node:child_process';
import { loadConfig } from '../src/config.ts';
import { BaseHandler, type HandlerContext, type JsonSchema } from '../src/handlers/base-handler.ts';
import { jobEnvironment } from '../src/handlers/job-environment.ts';
import { commandUser, defaultCwd } from '../src/handlers/run-as.ts';
import { OutputCapture } from '../src/handlers/output-capture.ts';
import { terminateGroup } from '../src/handlers/process-group.ts';
import { parseDuration } from '../src/schedule/index.ts';

/** What the group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 2000;
/** How long to wait for output still in the pipes once the program has exited. */
const DRAIN_MS = 500;

export interface CommandKwargs {
  command: string | string[];
  env?: Record<string, string>;
  inherit_env: boolean;
  cwd?: string;
  timeout?: string | number;
  max_log_lines: number;
  tail_chars: number;
}

export interface CommandResult {
  exit_code: number;
  stdout_tail: string;
}

/** The program ran and ended badly: a non-zero exit code, a signal, or the kwargs' timeout. */
export class CommandFailedError extends Error {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stderrTail: string;

  constructor(message: string, exitCode: number | null, signal: string | null, stderrTail: string) {
    super(stderrTail.trim() === '' ? message : `${message}; stderr ends with:\n${stderrTail.trimEnd()}`);
    this.name = 'CommandFailedError';
    this.exitCode = exitCode;
    this.signal = signal;
    this.stderrTail = stderrTail;
  }
}

export class Command extends BaseHandler<CommandKwargs, CommandResult> {
  static override name = 'command';
  // Runs any program as bosun's user: creating or changing its jobs is a permission.
  static override powerful = true;
  static override description =
    'Runs a program: an argv list (no shell) or a command line (through /bin/sh -c), with env, cwd and a timeout. ' +
    'stdout and stderr go to the run log (capped); a non-zero exit fails the run with the exit code and the end of stderr. ' +
    "The program gets a minimal environment (PATH, HOME, USER, LOGNAME, LANG, LC_*, TZ, the names the operator allows with BOSUN_COMMAND_ENV, and `env`), never bosun's own; " +
    'when bosun runs as root it runs as BOSUN_COMMAND_USER (default nobody).';
  static override kwargsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['command'],
    properties: {
      command: {
        description: 'A command line run by /bin/sh -c, or an argv list run directly (no shell).',
        anyOf: [
          { type: 'string', minLength: 1 },
          { type: 'array', items: { type: 'string' }, minItems: 1 },
        ],
        examples: ['echo hello from bosun', ['echo', 'hello']],
      },
      env: { type: 'object', description: 'Environment variables added to the minimal environment (PATH, HOME, USER, LOGNAME, LANG, LC_*, TZ); they win over it.', additionalProperties: { type: 'string' } },
      inherit_env: {
        type: 'boolean',
        default: true,
        description: "Also pass the variables the operator allows by name (BOSUN_COMMAND_ENV); false: only the minimal environment and `env`. bosun's own environment is never passed.",
      },
      cwd: {
        type: 'string',
        minLength: 1,
        description: "Working directory; when absent, bosun's own, or (bosun running as root, the command as another user) that user's home if it owns one, else /tmp.",
      },
      timeout: { type: ['string', 'number'], description: 'Kill the process group after this long ("30s", "5 minutes", seconds as a number).' },
      max_log_lines: { type: 'integer', minimum: 0, maximum: 100000, default: 1000, description: 'Output lines kept in the run log.' },
      tail_chars: { type: 'integer', minimum: 0, maximum: 1048576, default: 4000, description: 'Characters of stdout (result) and stderr (error) kept.' },
    },
  };

  override async execute(kwargs: CommandKwargs, context: HandlerContext): Promise<CommandResult> {
    const timeoutMs = kwargs.timeout === undefined ? undefined : parseDuration(kwargs.timeout, 'kwargs.timeout');
    context.signal.throwIfAborted();
    const [file, ...args] = typeof kwargs.command === 'string' ? ['/bin/sh', '-c', kwargs.command] : kwargs.command;
    const user = commandUser(loadConfig(process.env).commandUser);
    const env = jobEnvironment(kwargs.env, { operatorAllowed: kwargs.inherit_env, user });
    const cwd = kwargs.cwd ?? defaultCwd(user);
    const output = new OutputCapture(context.log, kwargs.max_log_lines, kwargs.tail_chars);
    const started = Date.now();

    // uid/gid: Node clears supplementary groups when it switches user, so only the user's own group remains.
    const child = spawn(file!, args, { cwd, env, uid: user.uid, gid: user.gid, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => output.write('stdout', chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => output.write('stderr', chunk));
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

    let stopped: 'timeout' | 'abort' | undefined;
    const stop = (why: 'timeout' | 'abort') => {
      stopped ??= why;
      terminateGroup(child, KILL_GRACE_MS);
    };
    const onAbort = () => stop('abort');
    context.signal.addEventListener('abort', onAbort, { once: true });
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => stop('timeout'), timeoutMs);

    let exit: { code: number | null; signal: NodeJS.Signals | null };
    try {
      exit = await new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('exit', (code, signal) => resolve({ code, signal }));
      });
    } catch (err) {
      const as = user.uid === undefined ? '' : ` as user ${user.name}`;
      throw new CommandFailedError(`cannot start ${JSON.stringify(file)}${as}: ${(err as Error).message}`, null, null, '');
    } finally {
      context.signal.removeEventListener('abort', onAbort);
      clearTimeout(timer);
    }
    // A background grandchild may hold the pipes open: read what is there, then let go.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
    child.stdout.destroy();
    child.stderr.destroy();
    output.finish();

    const elapsed = Date.now() - started;
    if (stopped === 'abort') throw context.signal.reason ?? new Error('run aborted');
    if (stopped === 'timeout') {
      throw new CommandFailedError(`command timed out after ${timeoutMs} ms and its process group was killed`, exit.code, exit.signal, output.tail('stderr'));
    }
    if (exit.code !== 0) {
      const how = exit.code === null ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      throw new CommandFailedError(`command ${how}`, exit.code, exit.signal, output.tail('stderr'));
    }
    context.log.debug('command finished', { exit_code: 0, elapsed_ms: elapsed });
    return { exit_code: 0, stdout_tail: output.tail('stdout') };
  }
}
