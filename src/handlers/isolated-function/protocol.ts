// What bosun and a function's process say to each other, as JSON: bosun writes on the IPC
// channel, the process writes lines on its fd 3 (synchronously, so nothing is lost when it exits).
// Errors cross as plain descriptions and are rebuilt on the other side.
import type { RunLogLine } from '../../db/schema.ts';

/** An error as it crosses between processes. */
export interface SerialisedError {
  name: string;
  message: string;
  stack: string | null;
  /** A string `code` (Node's ERR_*, bosun's problem codes), when the error had one. */
  code?: string;
}

/** The call a process makes: everything it needs, with the module already resolved inside the functions folder. */
export interface FunctionCall {
  /** Real path of the module, checked to be inside the functions folder. */
  file: string;
  /** The module as the job names it, for messages. */
  modulePath: string;
  exportName: string;
  args: unknown[];
  context: { jobId: string; runId: string; attempt: number; scheduledFor: string };
}

/** bosun → the function's process. */
export type ToFunction =
  | { type: 'call'; call: FunctionCall }
  | { type: 'abort'; reason: SerialisedError }
  | { type: 'jobs-reply'; id: number; ok: true; value: string }
  | { type: 'jobs-reply'; id: number; ok: false; error: SerialisedError };

/** The function's process → bosun. The process ends itself right after `returned` or `threw`. */
export type FromFunction =
  | { type: 'log'; level: RunLogLine['level']; msg: string; data?: Record<string, unknown> }
  | { type: 'jobs'; id: number; method: 'create' | 'runNow'; args: unknown[] }
  | { type: 'returned'; json: string }
  | { type: 'threw'; error: SerialisedError }
  /** The function called process.exit(); `stack` is where. */
  | { type: 'exiting'; code: number; stack: string | null };

export function serialiseError(err: unknown): SerialisedError {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { name: err.name || 'Error', message: err.message, stack: err.stack ?? null, ...(typeof code === 'string' ? { code } : {}) };
  }
  let message: string;
  try {
    message = typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
  } catch {
    message = String(err);
  }
  return { name: 'NonError', message, stack: null };
}

const BUILT_IN: Record<string, new (message: string) => Error> = { Error, RangeError, TypeError, SyntaxError, ReferenceError, EvalError, URIError };

/** The error again, of its built-in class when it had one, else an Error carrying its name. */
export function deserialiseError(e: SerialisedError): Error {
  const err = new (BUILT_IN[e.name] ?? Error)(e.message);
  if (err.name !== e.name) err.name = e.name;
  err.stack = e.stack ?? `${e.name}: ${e.message}`;
  if (e.code !== undefined) (err as Error & { code?: string }).code = e.code;
  return err;
}
