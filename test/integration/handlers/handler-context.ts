// A HandlerContext for calling a handler directly: real AbortSignal, a run log that keeps its lines.
import type { HandlerContext, RunLogger } from '../../../src/handlers/base-handler.ts';
import type { RunLogLine } from '../../../src/db/schema.ts';

export function runLog(): RunLogger {
  const lines: RunLogLine[] = [];
  const add = (level: RunLogLine['level']) => (msg: string, data?: Record<string, unknown>) => void lines.push({ at: new Date().toISOString(), level, msg, ...(data ? { data } : {}) });
  return { debug: add('debug'), info: add('info'), warn: add('warn'), error: add('error'), lines: () => lines };
}

export function handlerContext(signal: AbortSignal = new AbortController().signal): HandlerContext {
  return {
    jobId: 'test-job',
    runId: '00000000-0000-0000-0000-000000000000',
    attempt: 1,
    scheduledFor: new Date(),
    signal,
    log: runLog(),
    jobs: {
      create: () => Promise.reject(new Error('not in this test')),
      runNow: () => Promise.reject(new Error('not in this test')),
    },
  };
}
