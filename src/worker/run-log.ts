import type { RunLogLine } from '../db/schema.ts';
import type { RunLogger } from '../handlers/base-handler.ts';
import type { Logger } from '../log.ts';

/** Caps on what one run keeps of its log. */
export const RUN_LOG_MAX_LINES = 1000;
export const RUN_LOG_MAX_BYTES = 256 * 1024;

/**
 * A RunLogger that keeps the lines for the run row (capped: past the cap one line says how many
 * were dropped) and passes each to the process log with job_id and run_id.
 */
export function createRunLogger(processLog: Logger): RunLogger {
  const kept: RunLogLine[] = [];
  let bytes = 0;
  let dropped = 0;
  const write = (level: RunLogLine['level'], msg: string, data?: Record<string, unknown>) => {
    processLog[level](data ?? {}, msg);
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
