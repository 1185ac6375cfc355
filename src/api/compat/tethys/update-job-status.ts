/**
 * Tethys' job status callback, `GET /update-job-status/{job_id}/`, served at the root (the URL
 * outside systems were given) and under /api/v1: it reports on the job's current run and answers
 * `{"success": true}`. Bare, it is Tethys' "look again": a progress line in the run's log. bosun
 * adds `status` (and `message`) so a caller can also end the run, as POST /runs/{run_id}/status does.
 * `?delay=N` applies the report N seconds later, to the run current then, as Tethys schedules it.
 */
import { hostname } from 'node:os';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { BosunError, ConflictError, NotFoundError } from '../../../errors.ts';
import type { DB } from '../../../db/schema.ts';
import type { Logger } from '../../../log.ts';
import { canonicalOrigin, crossOriginRefusal } from '../../guards/same-origin-writes.ts';
import { ownerScope, params, type ApiEnv } from '../../api-env.ts';
import { operation, type DataDeps } from '../../data-deps.ts';
import { findVisibleJob } from '../../queries/jobs.ts';
import { reportRunStatus, type StatusReport } from '../../queries/run-callback.ts';
import type { RequestValidator } from '../../request-validation.ts';
import { runView } from '../../routes/runs.ts';
import { currentRunId } from './current-run.ts';

/** The longest `delay` accepted, in seconds. */
export const MAX_STATUS_DELAY_S = 3600;
/** Delayed reports one process holds at once; more are 503 until some are applied. */
export const MAX_DELAYED_REPORTS = 1000;

interface Query {
  job_id: string;
  delay?: number;
  status?: StatusReport['status'];
  message?: string;
}

export interface TethysDeps {
  logger: Logger;
  /** Browser origins allowed to change things (the edge policy's), besides bosun's own. */
  allowedOrigins: readonly string[];
}

/** The callback's routes, to be mounted at the root and under /api/v1. */
export function tethysStatusRoutes(data: DataDeps, validator: RequestValidator, deps: TethysDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const allowed = new Set(deps.allowedOrigins.map(canonicalOrigin).filter((o): o is string => o !== undefined));
  const log = deps.logger.child({ component: 'tethys-status' });
  const delayed = new DelayedReports(MAX_DELAYED_REPORTS);

  operation(app, validator, 'GET', '/update-job-status/{job_id}/', async (c) => {
    // A GET that changes a run: a page of another site must not be able to make a browser send it
    // (an <img src>), so it is held to the rule of writes (src/api/guards/same-origin-writes.ts).
    const refusal = crossOriginRefusal(
      { method: 'POST', host: c.req.header('host') ?? new URL(c.req.url).host, origin: c.req.header('origin'), fetchSite: c.req.header('sec-fetch-site') },
      allowed,
    );
    if (refusal !== undefined) throw new BosunError('forbidden', `${refusal}: the status callback changes a run`, { field: c.req.header('origin') === undefined ? 'Sec-Fetch-Site' : 'Origin' });

    const q = params<Query>(c);
    const owner = ownerScope(c.get('identity'));
    if (!(await findVisibleJob(data.db, q.job_id, owner))) throw new NotFoundError('job', q.job_id);
    const report: StatusReport = { status: q.status ?? 'running', ...(q.message === undefined ? {} : { message: q.message }) };
    if (q.delay !== undefined && q.delay > 0) {
      delayed.add(q.delay * 1000, () =>
        applyReport(data.db, q.job_id, owner, report).catch((err: unknown) => log.warn({ err, job_id: q.job_id }, 'a delayed status report could not be applied')),
      );
      return c.json({ success: true, delay: q.delay });
    }
    const run = await applyReport(data.db, q.job_id, owner, report);
    return c.json({ success: true, run: run === undefined ? null : runView(run) });
  });

  return app;
}

/**
 * Reports on the job's current run. A bare look-again on a job with no run in progress changes
 * nothing (Tethys answered success to it alike); a report that would end a run needs one (409).
 */
async function applyReport(db: Kysely<DB>, jobId: string, owner: string | undefined, report: StatusReport) {
  const runId = await currentRunId(db, jobId, owner);
  if (runId === undefined) {
    if (report.status === 'running') return undefined;
    throw new ConflictError(`job ${jobId} has no run in progress to report '${report.status}' on`, { field: 'status' });
  }
  try {
    return await reportRunStatus(db, runId, owner, report, hostname());
  } catch (err) {
    // The run ended since it was found: a look-again has nothing left to look at.
    if (err instanceof ConflictError && report.status === 'running') return undefined;
    throw err;
  }
}

/**
 * Reports waiting for their delay, held by this process (not stored: a restart drops them) and
 * bounded, so callers cannot pile up timers. The timers do not keep the process alive.
 */
class DelayedReports {
  #pending = 0;
  readonly #max: number;
  constructor(max: number) {
    this.#max = max;
  }

  add(delayMs: number, apply: () => Promise<unknown>): void {
    if (this.#pending >= this.#max) {
      throw new BosunError('unavailable', `${this.#max} delayed status reports are already waiting; report without delay, or later`, { field: 'delay' });
    }
    this.#pending++;
    setTimeout(() => {
      this.#pending--;
      void apply();
    }, delayMs).unref();
  }
}
