import { Hono } from 'hono';
import { ownerScope, params, type ApiEnv } from '../api-env.ts';
import { operation, type DataDeps } from '../data-deps.ts';
import type { RequestValidator } from '../request-validation.ts';
import type { AuditAction, AuditEntry } from '../../audit/audit-entry.ts';
import { listAuditEntries } from '../../audit/repository.ts';
import { isoInstant } from '../../time/iso-instant.ts';

interface AuditParams {
  job_id?: string;
  actor?: string;
  action?: AuditAction;
  since?: string;
  until?: string;
  limit: number;
  offset: number;
}

const entryView = (e: AuditEntry) => ({ ...e, at: isoInstant(e.at) });

/** `GET /audit`: who did what to which job, newest first; a non-admin sees entries about their own jobs. */
export function auditRoutes(deps: DataDeps, validator: RequestValidator): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  operation(app, validator, 'GET', '/audit', async (c) => {
    const q = params<AuditParams>(c);
    const { entries, total } = await listAuditEntries(deps.db, {
      job_id: q.job_id,
      actor: q.actor,
      action: q.action,
      since: q.since === undefined ? undefined : new Date(q.since),
      until: q.until === undefined ? undefined : new Date(q.until),
      owner: ownerScope(c.get('identity')),
      limit: q.limit,
      offset: q.offset,
    });
    return c.json({ entries: entries.map(entryView), total, limit: q.limit, offset: q.offset });
  });
  return app;
}
