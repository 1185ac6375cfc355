// The worker thread a `function` run happens in: imports the module, calls the export with the
// run context as `this`, and reports back. Whatever the function does ends here: process.exit,
// a throw from a timer or an unhandled rejection end this thread, never bosun's.
import { parentPort, workerData } from 'node:worker_threads';
import type { HandlerContext, JobControl, RunLogger } from '../base-handler.ts';
import type { RunLogLine } from '../../db/schema.ts';
import { exportedFunction, importFunctionModule } from '../function-module.ts';
import { deserialiseError, serialiseError, type FromThread, type FunctionCall, type ToThread } from './thread-protocol.ts';

const port = parentPort!;
const call = workerData as FunctionCall;
const post = (message: FromThread) => port.postMessage(message);
const exitThread = process.exit.bind(process);

let ended = false;
/** Reports how the function ended, then ends the thread (which flushes its stdout and stderr first). */
function end(message: FromThread): never {
  if (!ended) {
    ended = true;
    post(message);
  }
  return exitThread(0);
}

const exit = (code?: number | string | null): never => {
  const exitCode = Number(code ?? process.exitCode ?? 0) || 0;
  // The stack from the function's own call on, without this wrapper.
  const callSite: { stack?: string } = {};
  Error.captureStackTrace(callSite, exit);
  if (!ended) post({ type: 'exiting', code: exitCode, stack: callSite.stack ?? null });
  ended = true;
  return exitThread(exitCode);
};
process.exit = exit as typeof process.exit;
process.on('uncaughtException', (err) => end({ type: 'threw', error: serialiseError(err) }));
process.on('unhandledRejection', (reason) => end({ type: 'threw', error: serialiseError(reason) }));

const controller = new AbortController();
const pending = new Map<number, { resolve: (value: string) => void; reject: (err: Error) => void }>();
let lastRequest = 0;

// The port holds the thread open, as bosun's own event loop held a function before: one waiting
// only for this.signal waits for the timeout or a cancel.
port.on('message', (message: ToThread) => {
  if (message.type === 'abort') {
    controller.abort(deserialiseError(message.reason));
    return;
  }
  const request = pending.get(message.id);
  if (request === undefined) return;
  pending.delete(message.id);
  if (message.ok) request.resolve(message.value);
  else request.reject(deserialiseError(message.error));
});

function askBosun(method: 'create' | 'runNow', args: unknown[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = ++lastRequest;
    post({ type: 'jobs', id, method, args });
    pending.set(id, { resolve, reject });
  });
}

const jobs: JobControl = {
  create: (input, options) => askBosun('create', options === undefined ? [input] : [input, options]),
  runNow: (jobId) => askBosun('runNow', [jobId]),
};

/** Log data must cross by structured clone: what JSON cannot hold is dropped, as the run log does. */
function cloneable(data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (data === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
  } catch {
    return { unserialisable: String(data) };
  }
}

const lines: RunLogLine[] = [];
const write = (level: RunLogLine['level']) => (msg: string, data?: Record<string, unknown>) => {
  const safe = cloneable(data);
  lines.push(safe === undefined ? { at: new Date().toISOString(), level, msg: String(msg) } : { at: new Date().toISOString(), level, msg: String(msg), data: safe });
  post(safe === undefined ? { type: 'log', level, msg: String(msg) } : { type: 'log', level, msg: String(msg), data: safe });
};
const log: RunLogger = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), lines: () => lines };

const context: HandlerContext = {
  ...call.context,
  scheduledFor: new Date(call.context.scheduledFor),
  signal: controller.signal,
  log,
  jobs,
};

async function callFunction(): Promise<FromThread> {
  try {
    const fn = exportedFunction(await importFunctionModule(call.file), call.exportName, call.modulePath);
    controller.signal.throwIfAborted();
    const value = await fn.apply(context, call.args);
    // The result is stored as JSON: what JSON cannot hold is dropped here, as before isolation.
    return { type: 'returned', json: value === undefined ? 'null' : (JSON.stringify(value) ?? 'null') };
  } catch (err) {
    return { type: 'threw', error: serialiseError(err) };
  }
}

void callFunction().then(end);
