import type { HandlerClass, HandlerContext } from '../handlers/base-handler.ts';
import { attemptScope, HandlerCalledExit, HandlerFault, type AttemptScope } from './attempt-scope.ts';
import { redactText } from '../redaction/redact-text.ts';

/** How one attempt ended, before it is stored. */
export type AttemptResult =
  | { status: 'succeeded'; result: unknown }
  /** `final`: not to be retried (the handler called process.exit: bosun is stopping). */
  | { status: 'failed' | 'timed_out'; error: ErrorInfo; final?: boolean }
  /** Ended from outside (cancel, reaper): the run row already says how; nothing to write. */
  | { status: 'abandoned'; reason: string };

export interface ErrorInfo {
  name: string;
  message: string;
  stack: string | null;
}

/** Why the worker aborted a handler, as AbortSignal reasons. */
export class AttemptTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}
export class AttemptCancelled extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'CancelledError';
  }
}
export class WorkerStopped extends Error {
  constructor() {
    super('the worker stopped before the handler finished');
    this.name = 'WorkerStopped';
  }
}

/**
 * Describes anything thrown, Error or not, with secrets in its message and stack redacted
 * (src/redaction/): the run's error, its failure row and a flow step keep this text.
 */
export function errorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) return { name: err.name || 'Error', message: redactText(err.message), stack: err.stack === undefined ? null : redactText(err.stack) };
  return { name: 'NonError', message: redactText(typeof err === 'string' ? err : JSON.stringify(err) ?? String(err)), stack: null };
}

/**
 * Runs one attempt of a handler. It ends at the first of: the handler settling, the timeout,
 * or `controller` being aborted from outside (cancel, shutdown). On timeout the handler's
 * signal is aborted and the attempt ends at once, even when the handler ignores the signal, so
 * the worker slot is freed; whatever the handler does afterwards is not recorded. The handler
 * runs in an attemptScope, so an error escaping from its timers or promises, or a call of
 * process.exit, fails this attempt (src/process/fatal.ts) instead of the process.
 */
export async function executeAttempt(
  handlerClass: HandlerClass,
  kwargs: Record<string, unknown>,
  context: Omit<HandlerContext, 'signal'>,
  controller: AbortController,
  timeoutMs: number | null,
): Promise<AttemptResult> {
  let timer: NodeJS.Timeout | undefined;
  const ended = new Promise<AttemptResult>((resolve) => {
    const onAbort = () => {
      const reason: unknown = controller.signal.reason;
      if (reason instanceof AttemptTimeout) resolve({ status: 'timed_out', error: errorInfo(reason) });
      else if (reason instanceof HandlerCalledExit) resolve({ status: 'failed', error: errorInfo(reason), final: true });
      else if (reason instanceof WorkerStopped || reason instanceof HandlerFault) resolve({ status: 'failed', error: errorInfo(reason) });
      else resolve({ status: 'abandoned', reason: reason instanceof Error ? reason.message : String(reason) });
    };
    if (controller.signal.aborted) onAbort();
    else controller.signal.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== null) timer = setTimeout(() => controller.abort(new AttemptTimeout(timeoutMs)), timeoutMs);
  });
  let settled = false;
  const scope: AttemptScope = {
    jobId: context.jobId,
    runId: context.runId,
    handler: (handlerClass as unknown as { name: string }).name,
    fail(reason) {
      if (settled) return false;
      controller.abort(reason);
      return true;
    },
  };
  const ran = attemptScope.run(scope, async (): Promise<AttemptResult> => {
    // Constructed inside the try: a constructor that throws fails the attempt like execute() would.
    const handler = new (handlerClass as unknown as new () => { execute(k: unknown, c: HandlerContext): Promise<unknown> })();
    const result = await handler.execute(kwargs, { ...context, signal: controller.signal });
    return { status: 'succeeded', result };
  }).catch((err: unknown): Promise<AttemptResult> => {
    // A handler that rethrows the abort reason ends the way the abort says, not as a failure.
    if (controller.signal.aborted && err === controller.signal.reason) return new Promise<never>(() => {});
    return Promise.resolve({ status: 'failed', error: errorInfo(err) });
  });
  try {
    return await Promise.race([ran, ended]);
  } finally {
    settled = true;
    clearTimeout(timer);
  }
}
