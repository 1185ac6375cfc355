import { Hono } from 'hono';
import { NotFoundError, ValidationError } from '../../../errors.ts';
import { ownerScope, params, type ApiContext, type ApiEnv } from '../../api-env.ts';
import { operation, type DataDeps } from '../../data-deps.ts';
import { findVisibleJob } from '../../queries/jobs.ts';
import { findVisibleRun } from '../../queries/runs.ts';
import type { RequestValidator } from '../../request-validation.ts';
import { auditLogsInRange, executionsInRange, jobOfRun, type RangeQuery } from './queries.ts';
import { auditLogView, executionView } from './views.ts';

// NDScheduler's range when none is given: the last ten minutes (its handlers/executions.py).
const DEFAULT_RANGE_MS = 10 * 60_000;

interface RangeParams {
  time_range_start?: string;
  time_range_end?: string;
  limit: number;
}

/** An instant of a range: ISO 8601, UTC when it names no offset (Python's `utcnow().isoformat()`). */
function instant(text: string, field: string): Date {
  const zoned = /(?:[zZ]|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const date = new Date(zoned);
  const year = date.getUTCFullYear();
  // Years PostgreSQL and every other instant of bosun hold (src/schedule/limits.ts keeps them so too).
  if (!/^\d{4}-\d\d-\d\d/.test(text) || Number.isNaN(date.getTime()) || year < 1900 || year > 9999) {
    throw new ValidationError(`${field} must be an ISO 8601 instant of the years 1900–9999 (2015-12-19T00:31:50.313Z), got '${text.slice(0, 60)}'`, { field });
  }
  return date;
}

function rangeOf(c: ApiContext, now: Date): RangeQuery {
  const q = params<RangeParams>(c);
  const end = q.time_range_end === undefined ? now : instant(q.time_range_end, 'time_range_end');
  const start = q.time_range_start === undefined ? new Date(end.getTime() - DEFAULT_RANGE_MS) : instant(q.time_range_start, 'time_range_start');
  if (start > end) throw new ValidationError('time_range_start is after time_range_end', { field: 'time_range_start' });
  return { start, end, limit: q.limit, owner: ownerScope(c.get('identity')) };
}

/**
 * NDScheduler's executions and audit logs: `GET /executions` (runs scheduled in a time range),
 * `GET /executions/{id}` (a run), `POST /executions/{job_id}` (run now → `{execution_id}`) and
 * `GET /logs` (the audit log in a time range), in its field names; each list at most `limit`
 * rows, `truncated` when more matched. A user sees only their own jobs', as everywhere.
 */
export function ndschedulerExecutionsRoutes(deps: DataDeps, validator: RequestValidator): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const now = deps.now ?? (() => new Date());

  operation(app, validator, 'GET', '/executions', async (c) => {
    const { executions, total } = await executionsInRange(deps.db, rangeOf(c, now()));
    return c.json({ executions: executions.map(({ run, job }) => executionView(run, job)), truncated: total > executions.length });
  });

  operation(app, validator, 'GET', '/executions/{id}', async (c) => {
    const id = params<{ id: string }>(c).id;
    const run = await findVisibleRun(deps.db, id, ownerScope(c.get('identity')));
    const job = run?.job_id ? await jobOfRun(deps.db, run.job_id) : undefined;
    if (!run || !job) throw new NotFoundError('execution', id);
    return c.json(executionView(run, job));
  });

  operation(app, validator, 'POST', '/executions/{id}', async (c) => {
    const id = params<{ id: string }>(c).id;
    const job = await findVisibleJob(deps.db, id, ownerScope(c.get('identity')));
    if (!job) throw new NotFoundError('job', id);
    const run = await deps.commands.runNow(job.job_id);
    return c.json({ execution_id: run.run_id });
  });

  operation(app, validator, 'GET', '/logs', async (c) => {
    const { entries, total } = await auditLogsInRange(deps.db, rangeOf(c, now()));
    return c.json({ logs: entries.map(({ entry, jobName }) => auditLogView(entry, jobName)), truncated: total > entries.length });
  });

  return app;
}
