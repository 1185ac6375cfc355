// Runs one `function` call in a worker thread of its own, so that nothing the function does can
// end bosun or its other runs: the thread alone ends, and the run fails with a clear error.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { HandlerContext } from '../base-handler.ts';
import { OutputCapture } from '../output-capture.ts';
import { FunctionExited, FunctionOutOfMemory } from './function-errors.ts';
import { deserialiseError, serialiseError, type FromThread, type FunctionCall, type ToThread } from './thread-protocol.ts';

const THREAD_SCRIPT = new URL('./function-thread.ts', import.meta.url);
/** How long an aborted function has to settle on its own before its thread is stopped. */
export const ABORT_GRACE_MS = 2000;
/** Lines of console output a run keeps (stdout as info, stderr as warn), as `command` does. */
const MAX_OUTPUT_LINES = 1000;

export interface ThreadLimits {
  /** Heap of the thread (V8's old generation), in MB. */
  memoryMb: number;
  /** The thread's whole process.env (and that of programs it starts). */
  env: Record<string, string>;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

/**
 * Calls the function in a new worker thread and settles with what it returned (through JSON) or
 * threw. An abort of the context's signal reaches the function's `this.signal`; the thread is
 * stopped ABORT_GRACE_MS later if still running (an endless loop), and the promise rejects with
 * the abort reason.
 */
export function runInThread(call: FunctionCall, context: HandlerContext, limits: ThreadLimits): Promise<unknown> {
  const { signal } = context;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD_SCRIPT, {
      workerData: call,
      env: limits.env,
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb },
      stdout: true,
      stderr: true,
      name: `bosun function ${call.modulePath}#${call.exportName}`,
    });
    const output = new OutputCapture(context.log, MAX_OUTPUT_LINES, 0);
    worker.stdout.setEncoding('utf8').on('data', (chunk: string) => output.write('stdout', chunk));
    worker.stderr.setEncoding('utf8').on('data', (chunk: string) => output.write('stderr', chunk));

    let outcome: Outcome | undefined;
    let exited = false;
    let abortedFirst = false;
    let grace: NodeJS.Timeout | undefined;
    const send = (message: ToThread) => {
      if (!exited) worker.postMessage(message);
    };
    const onAbort = () => {
      if (outcome !== undefined) return;
      abortedFirst = true;
      send({ type: 'abort', reason: serialiseError(signal.reason) });
      grace = setTimeout(() => void worker.terminate(), ABORT_GRACE_MS);
    };
    signal.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (message: FromThread) => {
      switch (message.type) {
        case 'log':
          context.log[message.level](message.msg, message.data);
          break;
        case 'jobs': {
          const answer = message.method === 'create'
            ? context.jobs.create(message.args[0] as Record<string, unknown>, message.args[1] as { replace?: boolean } | undefined)
            : context.jobs.runNow(message.args[0] as string);
          answer.then(
            (value) => send({ type: 'jobs-reply', id: message.id, ok: true, value }),
            (err: unknown) => send({ type: 'jobs-reply', id: message.id, ok: false, error: serialiseError(err) }),
          );
          break;
        }
        case 'returned':
          outcome ??= { ok: true, value: JSON.parse(message.json) as unknown };
          break;
        case 'threw':
          outcome ??= { ok: false, error: deserialiseError(message.error) };
          break;
        case 'exiting':
          outcome ??= { ok: false, error: FunctionExited.calledExit(message.code, message.stack) };
          break;
      }
    });
    worker.on('error', (err: Error & { code?: string }) => {
      outcome ??= { ok: false, error: err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new FunctionOutOfMemory(limits.memoryMb) : err };
    });
    worker.on('exit', (code) => {
      exited = true;
      clearTimeout(grace);
      signal.removeEventListener('abort', onAbort);
      // The thread's last console lines arrive after its exit: the run log gets them first.
      void Promise.all([ended(worker.stdout), ended(worker.stderr)]).then(() => {
        output.finish();
        // Aborted before it ended: the run ends as the abort says (timed out, cancelled), whatever came after.
        if (abortedFirst) reject(signal.reason as Error);
        else if (outcome === undefined) reject(FunctionExited.unexplained(code));
        else if (outcome.ok) resolve(outcome.value);
        else reject(outcome.error);
      });
    });
  });
}

function ended(stream: NodeJS.ReadableStream & { readableEnded: boolean }): Promise<unknown> {
  return stream.readableEnded ? Promise.resolve() : once(stream, 'end').catch(() => undefined);
}
