import { hostname } from 'node:os';
import { Hono } from 'hono';
import { NotFoundError } from '../../errors.ts';
import type { Run } from '../../runs/run.ts';
import { body, ownerScope, params, type ApiContext, type ApiEnv } from '../api-env.ts';
import { operation, type DataDeps } from '../data-deps.ts';
import type { RequestValidator } from '../request-validation.ts';
import { findVisibleRun, listRunsPage, type RunListQuery, type RunSummary } from '../queries/runs.ts';
import { reportRunStatus, type StatusReport } from '../queries/run-callback.ts';
import { findVisibleStepRun, type StepRun } from '../queries/step-runs.ts';
import { isoOrNull as iso } from '../../time/iso-instant.ts';

/** A run as the API answers it: instants as ISO-8601 strings; the log only when the run was read alone. */
export function runView(run: Run | RunSummary | StepRun): Record<string, unknown> {
  const view: Record<string, unknown> = { flow_run_id: null, flow_name: null, step_id: null, step_status: null, ...run };
  for (const key of ['scheduled_for', 'started_at', 'finished_at', 'created_at', 'heartbeat_at'] as const) {
    if (key in view) view[key] = iso(view[key] as Date | null);
  }
  return view;
}

/** Runs: list with filters, one with its log, cancel, and the status callback for outside systems. */
export function runsRoutes(deps: DataDeps, validator: RequestValidator): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  const visibleRun = async (c: ApiContext, runId: string) => {
    const run = await findVisibleRun(deps.db, runId, ownerScope(c.get('identity')));
    if (!run) throw new NotFoundError('run', runId);
    return run;
  };

  operation(app, validator, 'GET', '/runs', async (c) => {
    const q = params<RunListQuery>(c);
    const { runs, total } = await listRunsPage(deps.db, { ...q, owner: ownerScope(c.get('identity')) });
    return c.json({ runs: runs.map(runView), runs_count: total, total, limit: q.limit, offset: q.offset });
  });

  // A flow step's run is a run too: read by its step_run_id (what its failure rows carry).
  operation(app, validator, 'GET', '/runs/{run_id}', async (c) => {
    const { run_id } = params<{ run_id: string }>(c);
    const owner = ownerScope(c.get('identity'));
    const run = (await findVisibleRun(deps.db, run_id, owner)) ?? (await findVisibleStepRun(deps.db, run_id, owner));
    if (!run) throw new NotFoundError('run', run_id);
    return c.json({ run: runView(run) });
  });

  operation(app, validator, 'POST', '/runs/{run_id}/cancel', async (c) => {
    const run = await visibleRun(c, params<{ run_id: string }>(c).run_id);
    return c.json({ run: runView(await deps.commands.cancelRun(run.run_id)) });
  });

  operation(app, validator, 'POST', '/runs/{run_id}/status', async (c) => {
    const { run_id } = params<{ run_id: string }>(c);
    const run = await reportRunStatus(deps.db, run_id, ownerScope(c.get('identity')), body<StatusReport>(c), hostname());
    return c.json({ success: true, run: runView(run) });
  });

  return app;
}
