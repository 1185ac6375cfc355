import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migratedDatabase } from '../../helpers/database.ts';
import { pruneOld } from '../../../src/maintenance/retention.ts';
import type { AuditLogTable } from '../../../src/audit/audit-entry.ts';
import type { RunStatus } from '../../../src/runs/run.ts';

const { db } = await migratedDatabase();
const withAudit = db.withTables<{ audit_log: AuditLogTable }>();
const DAY = 86_400_000;

test('retention prunes finished runs, failures and audit entries older than their retention, and nothing else', async () => {
  const now = new Date('2026-06-30T12:00:00Z');
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  await db.insertInto('jobs').values({ job_id: 'r', handler: 'noop', kwargs: '{}', schedule_input: '{}', schedule: '{}', state: 'running' }).execute();
  const run = (id: string, status: RunStatus, finishedDaysAgo: number | null, scheduledDaysAgo: number) => ({
    run_id: id,
    job_id: 'r',
    scheduled_for: ago(scheduledDaysAgo),
    trigger: 'manual' as const,
    status,
    host: null,
    started_at: finishedDaysAgo === null ? null : ago(finishedDaysAgo),
    finished_at: finishedDaysAgo === null ? null : ago(finishedDaysAgo),
    result: null,
    error: null,
  });
  await db
    .insertInto('runs')
    .values([
      run('00000000-0000-4000-8000-000000000001', 'succeeded', 40, 40), // old, finished: pruned
      run('00000000-0000-4000-8000-000000000002', 'failed', 31, 31), // old, finished: pruned
      run('00000000-0000-4000-8000-000000000003', 'succeeded', 29, 29), // within retention: kept
      run('00000000-0000-4000-8000-000000000004', 'running', null, 40), // old but not finished: kept
      run('00000000-0000-4000-8000-000000000005', 'scheduled', null, 45), // waiting: kept
    ])
    .execute();
  const failure = (days: number) => ({ job_id: 'r', run_id: null, handler: 'noop', kwargs: '{}', owner: null, error_name: 'E', message: 'm', stack: null, host: null, failed_at: ago(days) });
  await db.insertInto('failures').values([failure(45), failure(31), failure(1)]).execute();

  const audit = (days: number) => ({ actor: 'alice', action: 'created' as const, job_id: 'r', run_id: null, owner: null, detail: '{}', at: ago(days) });
  await withAudit.insertInto('audit_log').values([audit(400), audit(366), audit(364), audit(40)]).execute();

  const retention = { runsMs: 30 * DAY, auditMs: 365 * DAY };
  assert.deepEqual(await pruneOld(db, retention, now), { runs: 2, failures: 2, audit: 2 });
  const runsLeft = (await db.selectFrom('runs').select('run_id').orderBy('run_id').execute()).map((r) => r.run_id.slice(-1));
  assert.deepEqual(runsLeft, ['3', '4', '5']);
  assert.equal((await db.selectFrom('failures').select('failure_id').execute()).length, 1);
  const auditLeft = await withAudit.selectFrom('audit_log').select('at').orderBy('at').execute();
  assert.deepEqual(auditLeft.map((e) => e.at.toISOString()), [ago(364), ago(40)].map((d) => d.toISOString()), 'audit entries are kept longer than runs');
  assert.deepEqual(await pruneOld(db, retention, now), { runs: 0, failures: 0, audit: 0 }, 'a second pass finds nothing');
});
