import type { RunLogLine } from '../db/schema.ts';

/** A JSON Schema (draft 2020-12, as ajv reads it) describing a handler's kwargs. */
export type JsonSchema = Record<string, unknown>;

/** Writes lines into the run's own log (kept with the run, capped) and to the process log. */
export interface RunLogger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
  /** The lines logged so far (what will be stored). */
  lines(): readonly RunLogLine[];
}

/** What a handler may do to other jobs: create one (validated like any API input) or run one now. */
export interface JobControl {
  /** Creates (or replaces, when `replace`) a job from raw input; returns its job_id. */
  create(input: Record<string, unknown>, options?: { replace?: boolean }): Promise<string>;
  /** Starts an extra run of an existing job now; returns the run_id. */
  runNow(jobId: string): Promise<string>;
}

/** Everything a handler gets besides its kwargs. */
export interface HandlerContext {
  jobId: string;
  runId: string;
  attempt: number;
  /** The instant this run was scheduled for. */
  scheduledFor: Date;
  /** Aborted on timeout, cancel and shutdown: long work should listen to it. */
  signal: AbortSignal;
  log: RunLogger;
  jobs: JobControl;
}

/** Per-handler defaults a job may override. */
export interface HandlerDefaults {
  timeout?: string | number;
  retries?: number;
  retry_delay?: string | number;
  /** true (doubling), false (fixed) or a factor from 1 to 10. */
  retry_backoff?: boolean | number;
  misfire_grace_time?: string | number;
}

/**
 * Base class of every handler. A handler is one file in `handlers/`: a class that extends
 * this, names itself (`static name`, kebab-case), describes its kwargs with a JSON Schema,
 * and implements `execute()`. Throwing fails the run (retried by the job's policy); the
 * value returned becomes the run's result.
 */
export abstract class BaseHandler<Kwargs = Record<string, unknown>, Result = unknown> {
  /** The name jobs refer to, kebab-case (`flow-scheduling`); the class name works too. */
  declare static name: string;
  static description: string = '';
  static kwargsSchema: JsonSchema = { type: 'object' };
  static defaults: HandlerDefaults = {};
  /**
   * Whether jobs of this handler can do what the bosun process can (run programs, load code,
   * reach the network): creating or changing one then needs an admin token or a token granted
   * this handler (`bosun tokens create --handlers <name>`). `command`, `function` and `http` are.
   */
  static powerful: boolean = false;
  /**
   * Optional check beyond the JSON Schema, run by the registry's validateKwargs after the schema
   * passed (so at job creation: API, YAML, CLI), on the kwargs with defaults applied. Throw a
   * BosunError('invalid-kwargs', message, { field: 'kwargs.<name>' }) to refuse them (400).
   */
  declare static validate?: (kwargs: Record<string, unknown>) => void;

  abstract execute(kwargs: Kwargs, context: HandlerContext): Promise<Result>;
}

/** The class itself, as the registry holds it. */
export type HandlerClass = (abstract new () => BaseHandler) & {
  name: string;
  description: string;
  kwargsSchema: JsonSchema;
  defaults: HandlerDefaults;
  powerful?: boolean;
  validate?: (kwargs: Record<string, unknown>) => void;
};
