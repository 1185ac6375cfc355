import { sql } from 'kysely';
import type { RunLogLine } from '../db/schema.ts';
import type { Db } from '../jobs/repository.ts';

/** The log of one attempt still running, as far as it has got, made storable (src/worker/storable.ts). */
export interface RunningLog {
  run_id: string;
  attempt: number;
  log: readonly RunLogLine[];
}

/**
 * Stores the log lines of running attempts so far, so a reader (`bosun jobs run --wait`, the
 * dashboard) sees them before the run ends; the run's settle writes the whole log again. Only a
 * run still `running` in that attempt is written: a run settled meanwhile keeps its final log.
 * Rows are locked in run_id order, as touchRunning and the success settle lock them, so the
 * three cannot deadlock.
 */
export async function storeRunningLogs(db: Db, logs: readonly RunningLog[]): Promise<void> {
  if (logs.length === 0) return;
  const ids = logs.map((l) => l.run_id);
  const attempts = logs.map((l) => l.attempt);
  const texts = logs.map((l) => JSON.stringify(l.log));
  await sql`
    with v as (
      select * from unnest(${ids}::uuid[], ${attempts}::int[], ${texts}::jsonb[]) as v(run_id, attempt, log)
    ), locked as (
      select l.run_id from runs l where l.run_id = any(${ids}::uuid[]) and l.status = 'running' order by l.run_id for update
    )
    update runs r set log = v.log
    from v join locked k on k.run_id = v.run_id
    where r.run_id = k.run_id and r.attempt = v.attempt`.execute(db);
}
