import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import type { Job, JobDefinition } from '../jobs/job.ts';
import { sameDefinition } from '../jobs/repository.ts';
import type { Logger } from '../log.ts';
import { invalidJobFiles } from './job-file-error.ts';
import { loadJobFiles } from './load-job-files.ts';
import type { Placeholders } from './placeholders.ts';
import { jobsFromFilesOrIds, lockDefaultJobSync } from './yaml-jobs-query.ts';

/** The engine's one-transaction upsert (src/jobs/commands.ts); all or nothing. */
export interface JobUpserter {
  upsert(defs: JobDefinition[], trx?: Transaction<DB>): Promise<Array<{ job: Pick<Job, 'job_id'>; change: 'created' | 'updated' | 'unchanged' }>>;
}

export interface SyncOptions {
  dir: string;
  registry: HandlerRegistry;
  commands: JobUpserter;
  db: Kysely<DB>;
  logger: Logger;
  /** Pause jobs whose file was removed (BOSUN_PRUNE_DEFAULT_JOBS). */
  prune: boolean;
  now?: Date;
  /** The `${NAME}`s job files may use (src/default-jobs/placeholders.ts). */
  placeholders?: Placeholders;
}

/** What a sync did, by job_id. */
export interface SyncReport {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** From a file that no longer exists. */
  orphaned: string[];
  /** Orphans this sync paused (prune on). */
  disabled: string[];
}

/** A stored job as a definition again, to re-apply it with another state. */
function definitionOf(job: Job, state: 'running' | 'paused'): JobDefinition {
  return {
    job_id: job.job_id,
    handler: job.handler,
    kwargs: job.kwargs,
    description: job.description,
    schedule_input: job.schedule_input,
    schedule: job.schedule,
    state,
    overlap: job.overlap,
    timeout_ms: job.timeout_ms,
    retries: job.retries,
    retry_delay_ms: job.retry_delay_ms,
    retry_backoff: job.retry_backoff,
    owner: job.owner,
    source: job.source,
    name: job.name,
    max_instances: job.max_instances,
  };
}

/**
 * Validates every file of the default-jobs folder, then applies them all in one upsert.
 * A file's `state:` is applied only when its definition changed: a job paused through the API
 * stays paused across restarts until its file is edited. Any invalid file: nothing applied,
 * BosunError('invalid-job-file') listing every problem.
 */
export async function syncDefaultJobs(options: SyncOptions): Promise<SyncReport> {
  const { dir, registry, commands, db, logger, prune } = options;
  const loaded = await loadJobFiles(dir, registry, options.now ?? new Date(), options.placeholders);
  if (loaded.errors.length > 0) throw invalidJobFiles(loaded.errors);

  const ids = loaded.definitions.map((d) => d.definition.job_id);
  // Compare and write in one transaction, one instance at a time: two bosuns starting
  // together would otherwise both try to create the same new job.
  const { results, orphans, disabled } = await db.transaction().execute(async (trx) => {
    await lockDefaultJobSync(trx);
    const stored = new Map((await jobsFromFilesOrIds(trx, ids)).map((j) => [j.job_id, j]));
    const defs: JobDefinition[] = [];
    for (const { definition } of loaded.definitions) {
      const existing = stored.get(definition.job_id);
      if (existing !== undefined && !existing.source.startsWith('yaml:')) {
        logger.warn({ job_id: definition.job_id, source: existing.source, file: definition.source }, 'a default-job file takes over a job created another way');
      }
      if (existing !== undefined && (existing.state === 'running' || existing.state === 'paused')) {
        const asStored = { ...definition, state: existing.state };
        // Unedited file: keep the state set through the API (pause/resume), not the file's.
        defs.push(sameDefinition(existing, asStored) ? asStored : definition);
      } else {
        defs.push(definition);
      }
    }

    const current = new Set(ids);
    const orphans = [...stored.values()].filter((j) => j.source.startsWith('yaml:') && !current.has(j.job_id));
    const disabled: string[] = [];
    if (prune) {
      for (const job of orphans) {
        if (job.state !== 'running') continue;
        defs.push(definitionOf(job, 'paused'));
        disabled.push(job.job_id);
      }
    }

    const results = defs.length === 0 ? [] : await commands.upsert(defs, trx);
    return { results, orphans, disabled };
  });
  const report: SyncReport = { created: [], updated: [], unchanged: [], orphaned: orphans.map((j) => j.job_id), disabled };
  const pruned = new Set(disabled);
  for (const { job, change } of results) {
    if (pruned.has(job.job_id)) continue;
    report[change].push(job.job_id);
    if (change !== 'unchanged') logger.info({ job_id: job.job_id, change }, `default job ${change}`);
  }
  for (const job of orphans) {
    logger.warn(
      { job_id: job.job_id, source: job.source, state: pruned.has(job.job_id) ? 'paused' : job.state },
      pruned.has(job.job_id) ? 'default job paused: its file was removed' : 'default job whose file was removed (set BOSUN_PRUNE_DEFAULT_JOBS=true to pause such jobs)',
    );
  }
  logger.info(
    { dir, created: report.created.length, updated: report.updated.length, unchanged: report.unchanged.length, orphaned: report.orphaned.length, disabled: disabled.length },
    'default jobs synced',
  );
  return report;
}
