import { Hono } from 'hono';
import { NotFoundError, ValidationError } from '../../errors.ts';
import { defineJob } from '../../jobs/define-job.ts';
import type { JobState } from '../../db/schema.ts';
import { body, ownerScope, params, type ApiContext, type ApiEnv } from '../api-env.ts';
import { operation, type DataDeps } from '../data-deps.ts';
import type { RequestValidator } from '../request-validation.ts';
import { createdAnswer, jobView, patchedInput } from '../job-view.ts';
import { JobViewCache } from '../job-view-cache.ts';
import { DEFAULT_JOB_VIEW_CACHE_SIZE } from '../../config.ts';
import { findVisibleJob, listJobsPage, type JobListQuery } from '../queries/jobs.ts';
import { deleteFailures, listFailuresPage } from '../queries/failures.ts';
import { seedFailureView } from './failures.ts';
import { listRunsPage, type RunListQuery } from '../queries/runs.ts';
import { runView } from './runs.ts';
import { isNdschedulerJobBody, ndschedulerJobCalls } from '../compat/ndscheduler/job-routes.ts';

type StateParam = 'running' | 'paused' | 'active';
const JSON_TYPE = { 'content-type': 'application/json' };
const asState = (s: StateParam | undefined): 'running' | 'paused' | undefined => (s === 'active' ? 'running' : s);

/** Jobs as resources, and the seed service's job routes (the handler endpoints are in handler-jobs.ts). */
export function jobsRoutes(deps: DataDeps, validator: RequestValidator): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const now = deps.now ?? (() => new Date());
  const views = new JobViewCache(deps.jobViewCacheSize ?? DEFAULT_JOB_VIEW_CACHE_SIZE);

  /** The job when the caller may see it; others' jobs are 404, exactly as missing ones. */
  const visibleJob = async (c: ApiContext, jobId: string) => {
    const job = await findVisibleJob(deps.db, jobId, ownerScope(c.get('identity')));
    if (!job) throw new NotFoundError('job', jobId);
    return job;
  };
  // NDScheduler's calls on the same paths, told apart by their body (src/api/compat/ndscheduler/).
  const ndscheduler = ndschedulerJobCalls(app, deps, validator, visibleJob);

  operation(app, validator, 'GET', '/jobs', async (c) => {
    const q = params<Omit<JobListQuery, 'state'> & { state?: StateParam; owner?: string }>(c);
    const scope = ownerScope(c.get('identity'));
    if (q.job_type === 'failed') return c.json(await failedJobsPage(q, scope ?? q.owner));
    const state = q.state === 'active' ? 'running' : (q.state as JobState | undefined);
    // Views found are held here: rendering the rows not found may push them out of the cache.
    const found = new Map<string, string>();
    const known = (jobId: string, version: string) => {
      const json = views.get(jobId, version);
      if (json !== undefined) found.set(jobId, json);
      return json !== undefined;
    };
    const { jobs, total } = await listJobsPage(deps.db, { ...q, state, owner: scope ?? q.owner }, known);
    // The views are JSON already: the page is written around them, as c.json would.
    const texts = jobs.map((j) => (j.job ? views.render(j.job, j.version) : found.get(j.job_id)!));
    return c.body(`{"jobs":[${texts.join(',')}],"jobs_count":${total},"total":${total},"limit":${q.limit},"offset":${q.offset}}`, 200, JSON_TYPE);
  });

  // The seed service's failed "jobs" are its failure records, newest first, in its envelope; the
  // jobs whose last run failed are `last_run_status=failed`. Filters of jobs alone are refused.
  const failedJobsPage = async (q: Omit<JobListQuery, 'state'> & { state?: StateParam }, owner: string | undefined) => {
    for (const field of ['state', 'search', 'last_run_status'] as const) {
      if (q[field] !== undefined && q[field] !== '') {
        throw new ValidationError(`${field} filters jobs; job_type=failed lists failure records (filter them by handler, or use GET /failures)`, { field });
      }
    }
    const { failures, total } = await listFailuresPage(deps.db, { owner, handler: q.handler, limit: q.limit, offset: q.offset });
    return { jobs: failures.map(seedFailureView), jobs_count: total, total, limit: q.limit, offset: q.offset };
  };

  operation(app, validator, 'POST', '/jobs', async (c) => {
    const input = body<Record<string, unknown>>(c);
    if (isNdschedulerJobBody(input)) return ndscheduler.create(c, input);
    const warnings: string[] = [];
    const def = defineJob(input, { registry: deps.registry, now: now(), source: 'api', owner: c.get('identity').user, warnings });
    const job = await deps.commands.create(def);
    return c.json(createdAnswer(job, warnings), 201, { location: `/api/v1/jobs/${encodeURIComponent(job.job_id)}` });
  });

  // Before /jobs/{job_id}: a literal segment must win over the parameter.
  operation(app, validator, 'DELETE', '/jobs/clean-failed', async (c) => {
    const removed = await deleteFailures(deps.db, { owner: ownerScope(c.get('identity')) });
    return c.json({ removed });
  });

  operation(app, validator, 'GET', '/jobs/{job_id}', async (c) => {
    return c.json({ job: jobView(await visibleJob(c, params<{ job_id: string }>(c).job_id)) });
  });

  operation(app, validator, 'PATCH', '/jobs/{job_id}', async (c) => {
    const job = await visibleJob(c, params<{ job_id: string }>(c).job_id);
    const patch = body<Record<string, unknown> | undefined>(c);
    // NDScheduler pauses a job with a PATCH without a body.
    if (patch === undefined) return ndscheduler.pause(c, job);
    // The stored definition with the patch over it, validated as a whole like a new job.
    const def = defineJob(patchedInput(job, patch), { registry: deps.registry, now: now(), source: job.source, owner: job.owner });
    return c.json({ job: jobView(await deps.commands.update(job.job_id, def)) });
  });

  operation(app, validator, 'PUT', '/jobs/{job_id}', async (c) => {
    const p = params<{ job_id: string; state?: StateParam }>(c);
    const job = await visibleJob(c, p.job_id);
    const input = body<unknown>(c);
    if (input !== undefined) {
      if (p.state !== undefined) throw new ValidationError('give ?state= (pause or resume) or an NDScheduler job body (modify), not both', { field: 'state' });
      if (!isNdschedulerJobBody(input)) throw new ValidationError('a PUT body is an NDScheduler job (job_class_string, name, pub_args, trigger, trigger_params); change bosun fields with PATCH', { field: 'body' });
      return ndscheduler.modify(c, job, input);
    }
    if (p.state === undefined) throw new ValidationError("'state' is required (running, paused or active), or an NDScheduler job body", { field: 'state' });
    return c.json({ job: jobView(await deps.commands.setState(job.job_id, asState(p.state)!)) });
  });

  operation(app, validator, 'DELETE', '/jobs/{job_id}', async (c) => {
    const job = await visibleJob(c, params<{ job_id: string }>(c).job_id);
    await deps.commands.remove(job.job_id);
    // `job_id` is NDScheduler's answer, `removed` bosun's.
    return c.json({ removed: [job.job_id], job_id: job.job_id });
  });

  operation(app, validator, 'POST', '/jobs/{job_id}/run', async (c) => {
    const job = await visibleJob(c, params<{ job_id: string }>(c).job_id);
    const run = await deps.commands.runNow(job.job_id);
    return c.json({ run: runView(run) }, 202, { location: `/api/v1/runs/${run.run_id}` });
  });

  operation(app, validator, 'GET', '/jobs/{job_id}/runs', async (c) => {
    const q = params<RunListQuery & { job_id: string }>(c);
    await visibleJob(c, q.job_id);
    const { runs, total } = await listRunsPage(deps.db, { ...q, owner: ownerScope(c.get('identity')) });
    return c.json({ runs: runs.map(runView), runs_count: total, total, limit: q.limit, offset: q.offset });
  });

  return app;
}
