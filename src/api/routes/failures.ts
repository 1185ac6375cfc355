import { Hono } from 'hono';
import { NotFoundError } from '../../errors.ts';
import type { Failure } from '../../failures/failure.ts';
import { ownerScope, params, type ApiEnv } from '../api-env.ts';
import { operation, type DataDeps } from '../data-deps.ts';
import type { RequestValidator } from '../request-validation.ts';
import { deleteFailures, findVisibleFailure, listFailuresPage, type FailureFilter } from '../queries/failures.ts';
import type { PageQuery } from '../queries/pagination.ts';
import { isoInstant } from '../../time/iso-instant.ts';
import { redactValue } from '../../redaction/redact-value.ts';

/** A failure as the API answers it. */
export function failureView(f: Failure): Record<string, unknown> {
  return { ...f, failed_at: f.failed_at instanceof Date ? isoInstant(f.failed_at) : f.failed_at };
}

/**
 * A failure as the seed service's clients read it from `GET /jobs?job_type=failed`: bosun's fields
 * beside the seed's names for them (`exc_str` is the error's text, as Python's str(exc)). The
 * kwargs are shown redacted, as everywhere they are copied (src/redaction/).
 */
export function seedFailureView(f: Failure): Record<string, unknown> {
  const kwargs = redactValue(f.kwargs);
  return {
    ...failureView(f),
    kwargs,
    exc_str: f.message,
    exc_traceback: f.stack ?? `${f.error_name}: ${f.message}`,
    failed_job_id: f.job_id,
    failed_job_handler: f.handler,
    failed_handler_kwargs: kwargs,
  };
}

/** Failures: every failed attempt, listed, read one by one, and cleared. */
export function failuresRoutes(deps: DataDeps, validator: RequestValidator): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  operation(app, validator, 'GET', '/failures', async (c) => {
    const q = params<FailureFilter & PageQuery>(c);
    const { failures, total } = await listFailuresPage(deps.db, { ...q, owner: ownerScope(c.get('identity')) });
    return c.json({ failures: failures.map(failureView), failures_count: total, total, limit: q.limit, offset: q.offset });
  });

  operation(app, validator, 'GET', '/failures/{failure_id}', async (c) => {
    const { failure_id } = params<{ failure_id: string }>(c);
    const failure = await findVisibleFailure(deps.db, failure_id, ownerScope(c.get('identity')));
    if (!failure) throw new NotFoundError('failure', failure_id);
    return c.json({ failure: failureView(failure) });
  });

  operation(app, validator, 'DELETE', '/failures/{failure_id}', async (c) => {
    const { failure_id } = params<{ failure_id: string }>(c);
    const removed = await deleteFailures(deps.db, { failure_id, owner: ownerScope(c.get('identity')) });
    if (removed.length === 0) throw new NotFoundError('failure', failure_id);
    return c.json({ removed });
  });

  operation(app, validator, 'DELETE', '/failures', async (c) => {
    const q = params<FailureFilter>(c);
    return c.json({ removed: await deleteFailures(deps.db, { ...q, owner: ownerScope(c.get('identity')) }) });
  });

  return app;
}
