// `--wait`: polls a run until it reaches a final status, showing progress meanwhile.
import { setTimeout as sleep } from 'node:timers/promises';
import { FINAL_RUN_STATUSES } from '../runs/run.ts';
import { unwrapOne, type ApiRun } from './api-shapes.ts';
import { UnreachableError, type HttpClient } from './http-client.ts';
import type { Progress } from './progress.ts';

export interface WaitOptions {
  /** Give up after this long (the run itself goes on). */
  timeoutMs: number;
  progress?: Progress;
  /** First poll interval; it grows to 2 s so a long run does not hammer the service. */
  intervalMs?: number;
}

/** The run once final, or `{ run, timedOut: true }` with its last known state. */
export async function waitForRun(client: HttpClient, runId: string, options: WaitOptions): Promise<{ run: ApiRun; timedOut: boolean }> {
  const deadline = Date.now() + options.timeoutMs;
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
