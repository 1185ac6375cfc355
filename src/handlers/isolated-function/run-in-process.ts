// Runs one `function` call in a Node process of its own, so that nothing the function does can
// end bosun or its other runs: that process alone ends, and the run fails with a clear error.
import { spawn, type ChildProcess } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { HandlerContext } from '../base-handler.ts';
import { OutputCapture } from '../output-capture.ts';
import { signalGroup } from '../process-group.ts';
import { FunctionExited, FunctionOutOfMemory } from './function-errors.ts';
import { deserialiseError, serialiseError, type FromFunction, type FunctionCall, type ToFunction } from './protocol.ts';

// Beside this file, and of its kind: .ts in a checkout, .js in the built package.
const FUNCTION_PROCESS = fileURLToPath(new URL(`./function-process${extname(import.meta.url)}`, import.meta.url));
/** How long an aborted function has to settle on its own before its process group is killed. */
export const ABORT_GRACE_MS = 2000;
/** Lines of console output a run keeps (stdout as info, stderr as warn), as `command` does. */
const MAX_OUTPUT_LINES = 1000;
/** Longest wait for the output of an ended process (a background grandchild may hold the pipes). */
const OUTPUT_DRAIN_MS = 1000;
const OUT_OF_MEMORY = /FATAL ERROR: .*(?:heap limit|out of memory)/;
const LEVELS: ReadonlySet<string> = new Set(['debug', 'info', 'warn', 'error']);

export interface IsolationLimits {
  /** Heap of the process (V8's --max-old-space-size), in MB. */
  memoryMb: number;
  /** The process's whole environment (and that of programs it starts). */
  env: Record<string, string>;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

/** Function processes still running: their groups are killed when bosun exits, however it exits. */
const live = new Set<ChildProcess>();
let killedOnExit = false;

/**
 * Keeps a function's process from outliving bosun. An exit of bosun's own (a stop, process.exit)
 * kills the live groups synchronously. A function in an endless loop cannot notice bosun's end by
 * itself, so a small shell beside it kills its group once bosun's pid is gone (kill -9, out of
 * memory); the shell ends with the group.
 */
function bindToBosun(child: ChildProcess): void {
  if (child.pid === undefined) return;
  if (!killedOnExit) {
    killedOnExit = true;
    process.once('exit', () => {
      for (const c of live) signalGroup(c, 'SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  spawn('/bin/sh', ['-c', 'while kill -0 "$0" 2>/dev/null && kill -0 -"$1" 2>/dev/null; do sleep 1; done; kill -0 "$0" 2>/dev/null || kill -KILL -"$1" 2>/dev/null', String(process.pid), String(child.pid)], {
    detached: true,
    stdio: 'ignore',
  })
    .on('error', () => {}) // no shell: the exit hook above still covers bosun's own exits
    .unref();
}

/**
 * Calls the function in a new process and settles with what it returned (through JSON) or threw.
 * An abort of the context's signal reaches the function's `this.signal`; ABORT_GRACE_MS later the
 * process group is killed if still there (an endless loop), and the promise rejects with the
 * abort reason.
 */
export function runInProcess(call: FunctionCall, context: HandlerContext, limits: IsolationLimits): Promise<unknown> {
  const { signal } = context;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    // A group of its own, so a kill reaches what the function started too; fd 3 carries its reports.
    const child = spawn(process.execPath, [`--max-old-space-size=${limits.memoryMb}`, FUNCTION_PROCESS], {
      env: limits.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'ipc'],
      serialization: 'json',
    });
    bindToBosun(child);
    const output = new OutputCapture(context.log, MAX_OUTPUT_LINES, 0);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => output.write('stdout', chunk));
    // V8 reports a heap past --max-old-space-size on stderr, then aborts the process.
    let outOfMemory = false;
    let stderrEnd = '';
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      output.write('stderr', chunk);
      outOfMemory ||= OUT_OF_MEMORY.test(stderrEnd + chunk);
      stderrEnd = chunk.slice(-100);
    });
    const closed = new Promise<void>((done) => child.once('close', () => done()));

    let outcome: Outcome | undefined;
    let abortedFirst = false;
    let kill: NodeJS.Timeout | undefined;
    const send = (message: ToFunction) => {
      if (child.connected) child.send(message, () => {}); // a process already gone has no answer to get
    };
    const killAfterGrace = () => {
      clearTimeout(kill);
      kill = setTimeout(() => signalGroup(child, 'SIGKILL'), ABORT_GRACE_MS);
    };
    const onAbort = () => {
      if (outcome !== undefined) return;
      abortedFirst = true;
      send({ type: 'abort', reason: serialiseError(signal.reason) });
      killAfterGrace();
    };
    signal.addEventListener('abort', onAbort, { once: true });

    /** The first way the function ended wins; its process ends itself, or is killed after the grace. */
    const settle = (ended: Outcome) => {
      if (outcome !== undefined) return;
      outcome = ended;
      killAfterGrace();
    };
    const answerJobs = (message: Extract<FromFunction, { type: 'jobs' }>) => {
      const [first, second] = message.args;
      Promise.resolve()
        .then(() => (message.method === 'create' ? context.jobs.create(first as Record<string, unknown>, second as { replace?: boolean } | undefined) : context.jobs.runNow(first as string)))
        .then(
          (value) => send({ type: 'jobs-reply', id: message.id, ok: true, value }),
          (err: unknown) => send({ type: 'jobs-reply', id: message.id, ok: false, error: serialiseError(err) }),
        );
    };
    // The function's code can write on fd 3 too: a report is read defensively, and one that
    // cannot be read fails the run rather than bosun.
    const onReport = (line: string) => {
      try {
        const message = JSON.parse(line) as FromFunction;
        switch (message.type) {
          case 'log':
            if (LEVELS.has(message.level)) context.log[message.level](String(message.msg), message.data);
            break;
          case 'jobs':
            answerJobs(message);
            break;
          case 'returned':
            settle({ ok: true, value: JSON.parse(message.json) as unknown });
            break;
          case 'threw':
            settle({ ok: false, error: deserialiseError(message.error) });
            break;
          case 'exiting':
            settle({ ok: false, error: FunctionExited.calledExit(Number(message.code), message.stack) });
            break;
        }
      } catch (err) {
        settle({ ok: false, error: new Error(`the function's process sent a report bosun could not read: ${(err as Error).message}`) });
      }
    };
    createInterface({ input: child.stdio[3] as Readable, crlfDelay: Infinity }).on('line', onReport);

    child.once('error', (err) => settle({ ok: false, error: new Error(`cannot start the function's process: ${err.message}`, { cause: err }) }));
    child.once('exit', (code, killedBy) => {
      clearTimeout(kill);
      signal.removeEventListener('abort', onAbort);
      void Promise.race([closed, new Promise((done) => setTimeout(done, OUTPUT_DRAIN_MS).unref())]).then(() => {
        output.finish();
        // Aborted before it ended: the run ends as the abort says (timed out, cancelled), whatever came after.
        if (abortedFirst) reject(signal.reason as Error);
        else if (outcome === undefined && outOfMemory) reject(new FunctionOutOfMemory(limits.memoryMb));
        else if (outcome === undefined) reject(FunctionExited.unexplained(code, killedBy));
        else if (outcome.ok) resolve(outcome.value);
        else reject(outcome.error);
      });
    });
    send({ type: 'call', call });
  });
}
