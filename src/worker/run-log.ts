import type { RunLogLine } from '../db/schema.ts';
import type { RunLogger } from '../handlers/base-handler.ts';
import { isProgramOutput } from '../handlers/output-capture.ts';
import type { Logger } from '../log.ts';
import { redactText } from '../redaction/redact-text.ts';
import { redactFields } from '../redaction/redact-value.ts';

/** Caps on what one run keeps of its log. */
export const RUN_LOG_MAX_LINES = 1000;
export const RUN_LOG_MAX_BYTES = 256 * 1024;

/** What a run's lines are written to in the process log. */
export type ProcessLog = Record<RunLogLine['level'], (data: object, msg: string) => void>;

/**
 * The process log of one run: `logger`'s lines with `bindings` (job_id, run_id) on each. The
 * pino child is made at the first line written at an enabled level: making one redacts its
 * bindings, which costs more than a quick handler's whole run when nothing is logged (LOG_LEVEL=warn).
 */
export function lazyChildLog(logger: Logger, bindings: Record<string, unknown>): ProcessLog {
  let child: Logger | undefined;
  const write = (level: RunLogLine['level']) => (data: object, msg: string) => {
    if (logger.isLevelEnabled(level)) (child ??= logger.child(bindings))[level](data, msg);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/**
 * A RunLogger that keeps the lines for the run row (capped: past the cap one line says how many
 * were dropped) and passes each to the process log with job_id and run_id. Every line is redacted
 * first (src/redaction/), in both. A program's output (OutputCapture's lines) is the run's: the
 * process log gets it at debug level only, since a program may print anything, its environment too.
 */
export function createRunLogger(processLog: ProcessLog): RunLogger {
  const kept: RunLogLine[] = [];
  let bytes = 0;
  let dropped = 0;
  const write = (level: RunLogLine['level'], rawMsg: string, rawData?: Record<string, unknown>) => {
    const msg = redactText(rawMsg);
    const data = rawData === undefined ? undefined : redactFields(rawData);
    processLog[data !== undefined && isProgramOutput(data) ? 'debug' : level](data ?? {}, msg);
    const line: RunLogLine = data === undefined ? { at: new Date().toISOString(), level, msg } : { at: new Date().toISOString(), level, msg, data };
    let size: number;
    try {
      size = JSON.stringify(line).length;
    } catch {
      // Data that cannot be serialised (cycles, BigInt) is kept as its description only.
      line.data = { unserialisable: String(data) };
      size = JSON.stringify(line).length;
    }
    if (kept.length >= RUN_LOG_MAX_LINES || bytes + size > RUN_LOG_MAX_BYTES) {
      dropped++;
      return;
    }
    kept.push(line);
    bytes += size;
  };
  return {
    debug: (msg, data) => write('debug', msg, data),
    info: (msg, data) => write('info', msg, data),
    warn: (msg, data) => write('warn', msg, data),
    error: (msg, data) => write('error', msg, data),
    lines: () => (dropped === 0 ? kept : [...kept, { at: new Date().toISOString(), level: 'warn', msg: `log truncated: ${dropped} more line(s) dropped` }]),
  };
}
