import { sql, type Kysely } from 'kysely';
import type { DB, RunLogLine } from '../../db/schema.ts';
import { ConflictError, NotFoundError } from '../../errors.ts';
import { insertFailure } from '../../failures/repository.ts';
import { FINAL_RUN_STATUSES, type Run } from '../../runs/run.ts';
import { redactText } from '../../redaction/redact-text.ts';

/** What an outside system reports about a run (Tethys' status callback). */
export interface StatusReport {
  /** `running` reports progress only; `succeeded` / `failed` end the run. */
  status: 'running' | 'succeeded' | 'failed';
  message?: string;
  /** Percent done, 0-100. */
  progress?: number;
  result?: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Records a report in the run's log and, for a final status, ends the run (a failure row in
 * the same transaction, as every failure). A run that has already ended is a conflict.
 */
export async function reportRunStatus(db: Kysely<DB>, runId: string, owner: string | undefined, report: StatusReport, host: string): Promise<Run> {
  if (!UUID.test(runId)) throw new NotFoundError('run', runId);
  return db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('runs')
      .innerJoin('jobs', 'jobs.job_id', 'runs.job_id')
      .select(['runs.run_id', 'runs.status', 'runs.attempt', 'runs.job_id', 'jobs.handler', 'jobs.kwargs', 'jobs.owner'])
      .where('runs.run_id', '=', runId)
      .forUpdate('runs');
    if (owner !== undefined) query = query.where('jobs.owner', '=', owner);
    const run = await query.executeTakeFirst();
    if (!run) throw new NotFoundError('run', runId);
    if (FINAL_RUN_STATUSES.includes(run.status)) {
      throw new ConflictError(`run ${runId} has already ended (${run.status}); it cannot be reported on`, { field: 'status' });
    }
    // A reported message is copied into the run's log and error: shown redacted like every copy.
    const message = report.message === undefined ? undefined : redactText(report.message);
    const line: RunLogLine = {
      at: new Date().toISOString(),
      level: report.status === 'failed' ? 'error' : 'info',
      msg: message ?? `status reported: ${report.status}`,
      data: { source: 'status-callback', status: report.status, ...(report.progress === undefined ? {} : { progress: report.progress }) },
    };
    // Appended in SQL so concurrent reports and the handler's own lines are not overwritten.
    const log = sql`runs.log || ${JSON.stringify([line])}::jsonb` as never;
    const final = report.status !== 'running';
    const updated = await trx
      .updateTable('runs')
      .set({
        log,
        ...(final
          ? {
              status: report.status,
              started_at: sql<Date>`coalesce(started_at, now())`,
              finished_at: sql<Date>`now()`,
              result: report.result === undefined ? null : JSON.stringify(report.result),
              error: report.status === 'failed' ? (message ?? 'reported failed by the status callback') : null,
            }
          : {}),
      })
      .where('run_id', '=', runId)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (final) {
      await trx.updateTable('jobs').set({ last_run_status: report.status, last_run_at: sql<Date>`now()` }).where('job_id', '=', run.job_id).execute();
    }
    if (report.status === 'failed') {
      await insertFailure(trx, {
        job_id: run.job_id,
        run_id: runId,
        handler: run.handler,
        kwargs: run.kwargs,
        owner: run.owner,
        error_name: 'ReportedFailure',
        message: message ?? 'reported failed by the status callback',
        stack: null,
        attempt: run.attempt,
        host,
      });
    }
    return updated as Run;
  });
}
