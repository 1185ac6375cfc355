import { AsyncLocalStorage } from 'node:async_hooks';

/** The attempt a piece of handler code belongs to, wherever it runs (timers, promises, callbacks). */
export interface AttemptScope {
  jobId: string;
  runId: string;
  handler: string;
  /** Ends the attempt as failed with `reason`, when it is still running; false when it had ended. */
  fail(reason: HandlerFault): boolean;
}

/**
 * Set around a handler's constructor and execute(): Node carries it into every timer, promise
 * and callback they start, and into the process's uncaughtException and unhandledRejection
 * listeners, so src/process/fatal.ts can tell which run an error escaped from.
 */
export const attemptScope = new AsyncLocalStorage<AttemptScope>();

/** Something a handler did outside its execute() promise that fails its attempt (never retried past the policy). */
export class HandlerFault extends Error {}

/** An exception thrown from a handler's timer or callback, or a rejection it left unhandled. */
export class UncaughtInHandler extends HandlerFault {
  constructor(what: 'uncaught exception' | 'unhandled rejection', err: unknown) {
    super(`${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    this.name = 'UncaughtInHandler';
    if (err instanceof Error && err.stack) this.stack = `${this.name}: ${this.message}\n${err.stack}`;
  }
}

/** A class handler called process.exit: the run fails, then bosun stops gracefully. */
export class HandlerCalledExit extends HandlerFault {
  constructor(code: unknown, scope: AttemptScope) {
    super(`process.exit(${code === undefined ? '' : String(code)}) called by handler ${scope.handler} in run ${scope.runId}`);
    this.name = 'HandlerCalledExit';
  }
}
