// `bosun/testing`: a handler's execute() run as the worker runs it, without a database or a
// service, so a handler can be unit-tested in the user's own test runner.
import { randomUUID } from 'node:crypto';
import type { RunLogLine } from '../db/schema.ts';
import type { BaseHandler, HandlerClass, HandlerContext, JobControl } from '../handlers/base-handler.ts';
import { registryOf } from '../handlers/registry.ts';
import { createRunLogger } from '../worker/run-log.ts';

export type { RunLogLine };

/** The job and run a handler is told it runs for; every field has a test default. */
export interface TestJob {
  /** Default `test-job`. */
  jobId?: string;
  /** Default a fresh UUID. */
  runId?: string;
  /** Default 1. */
  attempt?: number;
  /** Default now. */
  scheduledFor?: Date;
}

export interface RunHandlerOptions {
  /** Handed to the handler as `context.signal`: abort it to test cancel and timeout handling. */
  signal?: AbortSignal;
  job?: TestJob;
  /** `context.jobs`; without it, a handler calling `create` or `runNow` fails with a message saying so. */
  jobs?: JobControl;
}

export interface HandlerRun<Result> {
  result: Result;
  /** The lines the handler logged, redacted and capped as a run keeps them. */
  log: readonly RunLogLine[];
}

/** The handler threw: `cause` is what it threw, `log` what it logged before. */
export class HandlerRunError extends Error {
  readonly log: readonly RunLogLine[];
  constructor(cause: unknown, log: readonly RunLogLine[]) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'HandlerRunError';
    this.log = log;
  }
}

/** A handler class as written (`class X extends BaseHandler<Kwargs, Result>`), its types kept. */
export type TestedHandler<Kwargs, Result> = (abstract new () => BaseHandler<Kwargs, Result>) &
  Pick<HandlerClass, 'name' | 'description' | 'kwargsSchema' | 'defaults' | 'powerful' | 'validate'>;

const QUIET = { debug() {}, info() {}, warn() {}, error() {} };

const NO_JOBS: JobControl = {
  create: () => Promise.reject(new Error('context.jobs.create is not available here: pass runHandler(…, { jobs }) to test it')),
  runNow: () => Promise.reject(new Error('context.jobs.runNow is not available here: pass runHandler(…, { jobs }) to test it')),
};

/**
 * Checks `Handler` as the loader does and `kwargs` against its schema (its defaults filled in,
 * its `validate` hook run; a refusal throws BosunError 'invalid-kwargs' naming the field), then
 * awaits `execute(kwargs, context)`. Resolves with its result and log; rejects with a
 * HandlerRunError when the handler throws.
 */
export async function runHandler<Kwargs, Result>(
  Handler: TestedHandler<Kwargs, Result>,
  kwargs: object = {},
  options: RunHandlerOptions = {},
): Promise<HandlerRun<Awaited<Result>>> {
  // The registry takes any kwargs type; the class is checked as the loader checks it.
  const cls = Handler as unknown as HandlerClass;
  const checked = registryOf([cls]).validateKwargs(cls, kwargs);
  const log = createRunLogger(QUIET);
  const context: HandlerContext = {
    jobId: options.job?.jobId ?? 'test-job',
    runId: options.job?.runId ?? randomUUID(),
    attempt: options.job?.attempt ?? 1,
    scheduledFor: options.job?.scheduledFor ?? new Date(),
    signal: options.signal ?? new AbortController().signal,
    log,
    jobs: options.jobs ?? NO_JOBS,
  };
  // A class the registry accepted has execute(); the schema stands for Kwargs from here on.
  const handler = new (Handler as unknown as new () => BaseHandler<Kwargs, Result>)();
  let result: Awaited<Result>;
  try {
    result = await handler.execute(checked as Kwargs, context);
  } catch (error) {
    throw new HandlerRunError(error, log.lines());
  }
  return { result, log: log.lines() };
}
