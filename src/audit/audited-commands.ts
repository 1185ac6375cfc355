import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { JobCommands } from '../jobs/commands.ts';
import { findJob } from '../jobs/repository.ts';
import type { Logger } from '../log.ts';
import { findRun } from '../runs/repository.ts';
import { FINAL_RUN_STATUSES } from '../runs/run.ts';
import type { NewAuditEntry } from './audit-entry.ts';
import { definitionDiff, definitionSnapshot } from './definition-diff.ts';
import { insertAuditEntries } from './repository.ts';

export interface AuditDeps {
  db: Kysely<DB>;
  logger: Logger;
  /** Who is acting, asked at each call: a fixed name (`yaml-sync`) or the current request's user. */
  actor: string | (() => string);
}

/**
 * JobCommands that record each change they make in the audit log, as `actor`: created,
 * modified (with a field-by-field diff), deleted, paused, resumed, ran_now, cancelled, and the
 * service's pause and resume. Calls that change nothing record nothing. A create's entry is
 * written in the create's own transaction, and upsert's in the caller's when given one, so the
 * job and its entry commit together or not at all (a failing audit insert fails the create). The
 * other entries are written after the change commits; a failure to write one of those is
 * logged, not thrown, since the change itself has happened.
 */
export function auditedCommands(commands: JobCommands, deps: AuditDeps): JobCommands {
  const actor = () => (typeof deps.actor === 'string' ? deps.actor : deps.actor());
  const log = deps.logger.child({ component: 'audit' });
  const record = async (entries: NewAuditEntry[]) => {
    try {
      await insertAuditEntries(deps.db, entries);
    } catch (err) {
      log.error({ err, entries }, 'could not write the audit log');
    }
  };

  return {
    ...commands,

    create(def) {
      const who = actor();
      return commands.create(def, (stored) => ({ actor: who, action: 'created', job_id: stored.job_id, run_id: null, owner: stored.owner, detail: { definition: definitionSnapshot(stored) } }));
    },

    async upsert(defs, trx) {
      const results = await commands.upsert(defs, trx);
      const who = actor();
      const entries: NewAuditEntry[] = [];
      for (const { job, change, before: previous } of results) {
        if (change === 'created' || !previous) {
          entries.push({ actor: who, action: 'created', job_id: job.job_id, run_id: null, owner: job.owner, detail: { definition: definitionSnapshot(job) } });
        } else if (change === 'updated') {
          const diff = definitionDiff(previous, job);
          if (Object.keys(diff).length > 0) entries.push({ actor: who, action: 'modified', job_id: job.job_id, run_id: null, owner: job.owner, detail: { diff } });
        }
      }
      // In the caller's transaction the entries commit (or roll back) with the sync itself.
      if (trx) await insertAuditEntries(trx, entries);
      else await record(entries);
      return results;
    },

    async update(jobId, def) {
      const previous = await findJob(deps.db, jobId);
      const job = await commands.update(jobId, def);
      const diff = previous ? definitionDiff(previous, job) : {};
      if (Object.keys(diff).length > 0) await record([{ actor: actor(), action: 'modified', job_id: jobId, run_id: null, owner: job.owner, detail: { diff } }]);
      return job;
    },

    async setState(jobId, state) {
      const previous = await findJob(deps.db, jobId);
      const job = await commands.setState(jobId, state);
      if (previous?.state !== job.state) {
        await record([{ actor: actor(), action: state === 'paused' ? 'paused' : 'resumed', job_id: jobId, run_id: null, owner: job.owner, detail: { from: previous?.state ?? null, to: job.state } }]);
      }
      return job;
    },

    async remove(jobId) {
      const previous = await findJob(deps.db, jobId);
      await commands.remove(jobId);
      await record([{ actor: actor(), action: 'deleted', job_id: jobId, run_id: null, owner: previous?.owner ?? null, detail: previous ? { definition: definitionSnapshot(previous) } : {} }]);
    },

    async runNow(jobId) {
      const run = await commands.runNow(jobId);
      const job = await findJob(deps.db, jobId);
      await record([{ actor: actor(), action: 'ran_now', job_id: jobId, run_id: run.run_id, owner: job?.owner ?? null, detail: {} }]);
      return run;
    },

    async cancelRun(runId) {
      const previous = await findRun(deps.db, runId);
      const run = await commands.cancelRun(runId);
      // A run that had already finished is returned as it was: nothing was cancelled.
      if (previous && !FINAL_RUN_STATUSES.includes(previous.status) && run.status === 'cancelled') {
        const job = await findJob(deps.db, run.job_id);
        await record([{ actor: actor(), action: 'cancelled', job_id: run.job_id, run_id: runId, owner: job?.owner ?? null, detail: { from: previous.status } }]);
      }
      return run;
    },

    async setServiceState(state) {
      const previous = await commands.getServiceState();
      await commands.setServiceState(state);
      if (previous !== state) await record([{ actor: actor(), action: state === 'paused' ? 'service_paused' : 'service_resumed', job_id: null, run_id: null, owner: null, detail: {} }]);
    },
  };
}
