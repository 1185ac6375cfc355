// `--wait`: polls a run until it reaches a final status, showing progress and handing over
// the log lines as they appear (the worker stores a running attempt's lines at each heartbeat).
import { setTimeout as sleep } from 'node:timers/promises';
import { FINAL_RUN_STATUSES } from '../runs/run.ts';
import { unwrapOne, type ApiRun, type ApiRunLogLine } from './api-shapes.ts';
import { UnreachableError, type HttpClient } from './http-client.ts';
import type { Progress } from './progress.ts';

export interface WaitOptions {
  /** Give up after this long (the run itself goes on). */
  timeoutMs: number;
  progress?: Progress;
  /** First poll interval; it grows to 2 s so a long run does not hammer the service. */
  intervalMs?: number;
  /**
   * Called with each log line not seen before, in order. A new attempt starts a log of its
   * own: `attempt` says which one a line belongs to.
   */
  onLog?: (line: ApiRunLogLine, attempt: number) => void;
}

/** Hands each line of the run's log not handed before to `onLog`, across polls and attempts. */
export function logFollower(onLog: (line: ApiRunLogLine, attempt: number) => void): (run: ApiRun) => void {
  let attempt: number | undefined;
  let seen = 0;
  return (run) => {
    const log = run.log ?? [];
    const current = run.attempt ?? 1;
    // A retry (a new attempt) or a shorter log (a retry between two polls) starts over.
    if (current !== attempt || log.length < seen) {
      attempt = current;
      seen = 0;
    }
    for (; seen < log.length; seen++) onLog(log[seen]!, current);
  };
}

/** The run once final, or `{ run, timedOut: true }` with its last known state. */
export async function waitForRun(client: HttpClient, runId: string, options: WaitOptions): Promise<{ run: ApiRun; timedOut: boolean }> {
  const deadline = Date.now() + options.timeoutMs;
  const follow = options.onLog === undefined ? undefined : logFollower(options.onLog);
  let interval = options.intervalMs ?? 250;
  let unreachable = 0;
  let run: ApiRun | undefined;
  for (;;) {
    try {
      run = unwrapOne<ApiRun>(await client.request('GET', `/runs/${encodeURIComponent(runId)}`), 'run', 'run_id');
      unreachable = 0;
    } catch (error) {
      // A service restart while we wait should not abort the wait; three misses in a row do.
      if (!(error instanceof UnreachableError) || ++unreachable >= 3) throw error;
    }
    if (run) {
      follow?.(run);
      options.progress?.update(run.status ?? 'unknown');
      if (FINAL_RUN_STATUSES.includes(run.status as (typeof FINAL_RUN_STATUSES)[number])) return { run, timedOut: false };
    }
    if (Date.now() >= deadline) {
      if (!run) throw new UnreachableError(`run '${runId}' could not be read before --timeout ran out`);
      return { run, timedOut: true };
    }
    await sleep(Math.min(interval, Math.max(0, deadline - Date.now())));
    interval = Math.min(interval * 1.5, 2000);
  }
}
