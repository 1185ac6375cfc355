// What bosun does with errors nothing caught and with process.exit called by a class handler.
// Handlers running in this process (class handlers of handlers/ and BOSUN_HANDLERS_DIR) share its
// event loop: an error escaping from one of their timers or promises would otherwise end the
// process at once, PostgreSQL left running and every other run lost.
import type { Logger } from '../log.ts';
import { attemptScope, HandlerCalledExit, UncaughtInHandler } from '../worker/attempt-scope.ts';

export interface FatalOptions {
  logger: Logger;
  /** Stops the service gracefully (PostgreSQL last), then exits with a non-zero status; called once. */
  stop: () => void;
}

/**
 * Installs the process-wide listeners:
 * - an exception or rejection escaping from a handler's code (attemptScope) fails that run with
 *   `UncaughtInHandler` and nothing else; one from an attempt already ended is logged;
 * - a handler calling process.exit fails its run with `HandlerCalledExit` (not retried), is
 *   logged naming the run, and stops bosun gracefully; the call throws, so the handler's code
 *   goes no further;
 * - any other uncaught exception or unhandled rejection is logged at fatal with its stack and
 *   stops bosun gracefully.
 * Returns a function that removes them (tests).
 */
export function installFatalHandlers(options: FatalOptions): () => void {
  const { logger } = options;
  let stopping = false;
  // Outside every attempt's scope: what stop() starts must not be taken for the handler's doing.
  const stop = () => attemptScope.exit(() => {
    if (stopping) return;
    stopping = true;
    options.stop();
  });

  const escaped = (what: 'uncaught exception' | 'unhandled rejection') => (err: unknown) => {
    // process.exit's own throw, escaping from a handler's timer: already logged and acted on.
    if (err instanceof HandlerCalledExit) return;
    const scope = attemptScope.getStore();
    if (scope) {
      const fault = new UncaughtInHandler(what, err);
      const failed = scope.fail(fault);
      logger.error(
        { err, job_id: scope.jobId, run_id: scope.runId, handler: scope.handler },
        failed ? `${what} in handler ${scope.handler}: its run fails` : `${what} in handler ${scope.handler} after its attempt ended`,
      );
      return;
    }
    logger.fatal({ err }, `${what} in bosun: stopping`);
    stop();
  };
  const onException = escaped('uncaught exception');
  const onRejection = escaped('unhandled rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);

  const exit = process.exit;
  const intercepted = ((code?: number | string | null) => {
    const scope = attemptScope.getStore();
    if (!scope) return exit.call(process, code);
    const fault = new HandlerCalledExit(code, scope);
    logger.fatal({ job_id: scope.jobId, run_id: scope.runId, handler: scope.handler, code }, `${fault.message}: the run fails and bosun stops`);
    scope.fail(fault);
    stop();
    throw fault;
  }) as typeof process.exit;
  process.exit = intercepted;

  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
    if (process.exit === intercepted) process.exit = exit;
  };
}
