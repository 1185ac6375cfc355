import { Hono } from 'hono';
import { defineJob } from '../../jobs/define-job.ts';
import { body, params, type ApiEnv } from '../api-env.ts';
import { operation, type DataDeps } from '../data-deps.ts';
import type { RequestValidator } from '../request-validation.ts';
import { createdAnswer } from '../job-view.ts';

/**
 * The seed service's `POST /jobs/{handler-name}`: kwargs in the body, schedule in the query.
 * One route serves every loaded handler; openapi.yaml describes each as its own path,
 * generated from the handler's kwargs schema, and the validator picks that one.
 */
export function handlerJobsRoutes(deps: DataDeps, validator: RequestValidator): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const now = deps.now ?? (() => new Date());
  operation(app, validator, 'POST', '/jobs/{handler}', async (c) => {
    const handler = c.req.param('handler');
    const schedule = params<Record<string, unknown>>(c);
    const kwargs = body<Record<string, unknown> | undefined>(c) ?? {};
    const warnings: string[] = [];
    const def = defineJob({ ...schedule, handler, kwargs }, { registry: deps.registry, now: now(), source: 'api', owner: c.get('identity').user, warnings });
    const job = await deps.commands.create(def);
    return c.json(createdAnswer(job, warnings), 201, { location: `/api/v1/jobs/${encodeURIComponent(job.job_id)}` });
  });
  return app;
}
