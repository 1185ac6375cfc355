import type { Hono } from 'hono';
import { BosunError, ConflictError, ValidationError } from '../../../errors.ts';
import { defineJob } from '../../../jobs/define-job.ts';
import type { Job } from '../../../jobs/job.ts';
import { body, ownerScope, params, type ApiContext, type ApiEnv } from '../../api-env.ts';
import { operation, type DataDeps } from '../../data-deps.ts';
import { patchedInput } from '../../job-view.ts';
import type { RequestValidator } from '../../request-validation.ts';
import { isNdschedulerJobBody, jobInputOfBody, ndschedulerJobId, NDSCHEDULER_DEFAULTS, type NdschedulerJobBody } from './job-body.ts';
import { jobIdsNamed } from './queries.ts';

/**
 * NDScheduler's job calls beside bosun's own on /jobs (src/api/routes/jobs.ts hands them over,
 * told apart by the body's shape): create → 201 `{job_id}`; PUT with a body modifies, PATCH with
 * none pauses, OPTIONS resumes → `{job_id}`; and a job addressed by its name when that is unique.
 */
export interface NdschedulerJobCalls {
  /** `POST /jobs` with NDScheduler's body. */
  create(c: ApiContext, body: NdschedulerJobBody): Promise<Response>;
  /** `PUT /jobs/{job_id}` with NDScheduler's body: the job's class, name, arguments and trigger replaced, the rest kept. */
  modify(c: ApiContext, job: Job, body: NdschedulerJobBody): Promise<Response>;
  /** `PATCH /jobs/{job_id}` without a body. */
  pause(c: ApiContext, job: Job): Promise<Response>;
}

export { isNdschedulerJobBody };

/** The calls above for these deps, and the routes of their own (OPTIONS /jobs/{job_id}, PUT and DELETE /jobs?name=) on `app`. */
export function ndschedulerJobCalls(app: Hono<ApiEnv>, deps: DataDeps, validator: RequestValidator, visibleJob: (c: ApiContext, jobId: string) => Promise<Job>): NdschedulerJobCalls {
  const now = deps.now ?? (() => new Date());

  const calls: NdschedulerJobCalls = {
    async create(c, input) {
      const def = defineJob({ job_id: ndschedulerJobId(), ...jobInputOfBody(input, deps.registry, now()) }, { registry: deps.registry, now: now(), source: 'api', owner: c.get('identity').user });
      const job = await deps.commands.create(def);
      return c.json({ job_id: job.job_id }, 201, { location: `/api/v1/jobs/${encodeURIComponent(job.job_id)}` });
    },
    async modify(c, job, input) {
      const fields = jobInputOfBody(input, deps.registry, now());
      const grace = (job.schedule_input as Record<string, unknown>).misfire_grace_time ?? NDSCHEDULER_DEFAULTS.misfire_grace_time;
      const patch = { ...fields, misfire_grace_time: grace, max_instances: input.max_instances ?? job.max_instances };
      const def = defineJob(patchedInput(job, patch), { registry: deps.registry, now: now(), source: job.source, owner: job.owner });
      await deps.commands.update(job.job_id, def);
      return c.json({ job_id: job.job_id });
    },
    async pause(c, job) {
      await deps.commands.setState(job.job_id, 'paused');
      return c.json({ job_id: job.job_id });
    },
  };

  /** The one visible job called `name`; 404 when none is, 409 listing them when several are. */
  const namedJob = async (c: ApiContext, name: string): Promise<Job> => {
    const ids = await jobIdsNamed(deps.db, name, ownerScope(c.get('identity')));
    if (ids.length === 0) throw new BosunError('not-found', `no job is named '${name.slice(0, 200)}'`, { field: 'name', details: { name } });
    if (ids.length > 1) {
      const shown = ids.length === 10 ? `${ids.join(', ')}, …` : ids.join(', ');
      throw new ConflictError(`job name '${name.slice(0, 200)}' is not unique (jobs ${shown}): address the job by its id`, { field: 'name', details: { name, job_ids: ids } });
    }
    return visibleJob(c, ids[0]!);
  };

  operation(app, validator, 'PUT', '/jobs', async (c) => {
    const input = body<unknown>(c);
    if (!isNdschedulerJobBody(input)) throw new ValidationError('PUT /jobs?name= takes an NDScheduler job body (job_class_string, name, pub_args, trigger, trigger_params)', { field: 'body' });
    return calls.modify(c, await namedJob(c, params<{ name: string }>(c).name), input);
  });

  operation(app, validator, 'DELETE', '/jobs', async (c) => {
    const job = await namedJob(c, params<{ name: string }>(c).name);
    await deps.commands.remove(job.job_id);
    return c.json({ job_id: job.job_id, removed: [job.job_id] });
  });

  // A CORS preflight asks whether a request may be sent; it never resumes anything.
  operation(app, validator, 'OPTIONS', '/jobs/{job_id}', async (c) => {
    if (c.req.header('access-control-request-method') !== undefined) return c.notFound();
    const job = await visibleJob(c, params<{ job_id: string }>(c).job_id);
    await deps.commands.setState(job.job_id, 'running');
    return c.json({ job_id: job.job_id });
  });

  return calls;
}
