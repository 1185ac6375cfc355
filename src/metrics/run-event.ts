import type { Job } from '../jobs/job.ts';
import type { Run } from '../runs/run.ts';

/**
 * What a worker reports about runs as they happen (src/worker/worker.ts calls its optional
 * `onRunEvent` with these); metrics and tracing listen. A listener must not throw or block.
 */
export type RunEvent =
  /** An attempt of `run` is about to execute in this process. */
  | { kind: 'started'; job: Job; run: Run }
  /** An attempt ended and was recorded; `retrying` when another attempt is scheduled. */
  | { kind: 'ended'; job: Job; run: Run; status: 'succeeded' | 'failed' | 'timed_out'; ms: number; retrying: boolean }
  /** An attempt was ended from outside (cancelled, reaped): the run row already says how. */
  | { kind: 'abandoned'; job: Job; run: Run; ms: number }
  /** An occurrence recorded without executing: misfired, skipped, or queued behind a running run. */
  | { kind: 'recorded'; job: Job; run: Run };

/** A listener for RunEvents. */
export type RunObserver = (event: RunEvent) => void;

/** One observer that tells each of `observers` in turn; one that throws does not stop the others. */
export function fanOut(...observers: Array<RunObserver | undefined>): RunObserver {
  const list = observers.filter((o): o is RunObserver => o !== undefined);
  return (event) => {
    for (const observe of list) {
      try {
        observe(event);
      } catch {
        // Observability must never break a run.
      }
    }
  };
}
