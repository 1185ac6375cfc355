// The process a `function` run happens in: it receives the call over IPC, imports the module,
// calls the export with the run context as `this`, and reports back on fd 3. Whatever the
// function does ends here: process.exit, a throw from a timer, an unhandled rejection or a heap
// blow-up end this process, never bosun's.
import { writeSync } from 'node:fs';
import type { HandlerContext, JobControl, RunLogger } from '../base-handler.ts';
import type { RunLogLine } from '../../db/schema.ts';
import { exportedFunction, importFunctionModule } from '../function-module.ts';
import { deserialiseError, serialiseError, type FromFunction, type FunctionCall, type ToFunction } from './protocol.ts';

/** bosun reads this process's reports on fd 3 (see run-in-process.ts). */
const REPORT_FD = 3;
const exitProcess = process.exit.bind(process);
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Writes one report synchronously: it is on its way even when the process exits right after. */
function report(message: FromFunction): void {
  const bytes = Buffer.from(`${JSON.stringify(message)}\n`);
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(REPORT_FD, bytes, offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') exitProcess(70); // bosun is gone
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}

let ended = false;
/** Reports how the function ended, then ends the process (stdout and stderr, pipes, are written synchronously). */
function end(message: FromFunction): never {
  if (!ended) {
    ended = true;
    report(message);
  }
  return exitProcess(0);
}

const exit = (code?: number | string | null): never => {
  const exitCode = Number(code ?? process.exitCode ?? 0) || 0;
  // The stack from the function's own call on, without this wrapper.
  const callSite: { stack?: string } = {};
  Error.captureStackTrace(callSite, exit);
  if (!ended) report({ type: 'exiting', code: exitCode, stack: callSite.stack ?? null });
  ended = true;
  return exitProcess(exitCode);
};
process.exit = exit as typeof process.exit;
process.on('uncaughtException', (err) => end({ type: 'threw', error: serialiseError(err) }));
process.on('unhandledRejection', (reason) => end({ type: 'threw', error: serialiseError(reason) }));
// bosun gone (killed, crashed): nothing would read what this run does.
process.on('disconnect', () => exitProcess(70));

const controller = new AbortController();
const pending = new Map<number, { resolve: (value: string) => void; reject: (err: Error) => void }>();
let lastRequest = 0;

// The IPC channel holds the process open, as bosun's own event loop held a function before: one
// waiting only for this.signal waits for the timeout or a cancel.
process.on('message', (message: ToFunction) => {
  switch (message.type) {
    case 'call':
      void callFunction(message.call).then(end);
      break;
    case 'abort':
      controller.abort(deserialiseError(message.reason));
      break;
    case 'jobs-reply': {
      const request = pending.get(message.id);
      if (request === undefined) return;
      pending.delete(message.id);
      if (message.ok) request.resolve(message.value);
      else request.reject(deserialiseError(message.error));
    }
  }
});

function askBosun(method: 'create' | 'runNow', args: unknown[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const id = ++lastRequest;
    report({ type: 'jobs', id, method, args: JSON.parse(JSON.stringify(args)) as unknown[] });
    pending.set(id, { resolve, reject });
  });
}

const jobs: JobControl = {
  create: (input, options) => askBosun('create', options === undefined ? [input] : [input, options]),
  runNow: (jobId) => askBosun('runNow', [jobId]),
};

/** What JSON cannot hold is dropped from log data, as the run log does. */
function jsonData(data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (data === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
  } catch {
    return { unserialisable: String(data) };
  }
}

function runLogger(): RunLogger {
  const lines: RunLogLine[] = [];
  const write = (level: RunLogLine['level']) => (msg: string, data?: Record<string, unknown>) => {
    const line: RunLogLine = { at: new Date().toISOString(), level, msg: String(msg) };
    const safe = jsonData(data);
    if (safe !== undefined) line.data = safe;
    lines.push(line);
    report(safe === undefined ? { type: 'log', level, msg: line.msg } : { type: 'log', level, msg: line.msg, data: safe });
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), lines: () => lines };
}

async function callFunction(call: FunctionCall): Promise<FromFunction> {
  const context: HandlerContext = {
    ...call.context,
    scheduledFor: new Date(call.context.scheduledFor),
    signal: controller.signal,
    log: runLogger(),
    jobs,
  };
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
