import type { Kysely, Transaction } from 'kysely';
import type { PgBoss } from 'pg-boss';
import { hostname } from 'node:os';
import type { DB, JobState } from '../db/schema.ts';
import { NotFoundError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Run } from '../runs/run.ts';
import { endUnfinishedRun, findRun, getRun, insertRun } from '../runs/repository.ts';
import { enqueueAttempt, enqueueOccurrence, enqueueOccurrences } from '../scheduler/fire-queue.ts';
import { planFrom } from '../scheduler/plan.ts';
import { claimNewOccurrence, type Claim } from '../worker/claim.ts';
import { insertAuditEntries } from '../audit/repository.ts';
import type { NewAuditEntry } from '../audit/audit-entry.ts';
import { insertJobWithOccurrence } from './create-statement.ts';
import type { ReservedSlot } from '../worker/worker.ts';
import { inNewRunTrace } from '../tracing/enqueue-trace.ts';
import { reschedule, unschedule } from '../scheduler/reschedule.ts';
import { countManualRun, dispatchQueued, recordJobOutcome } from '../runs/job-bookkeeping.ts';
import { getServiceState, setServiceState, type ServiceState } from '../service-state/repository.ts';
import type { Job, JobDefinition, StoredDefinition } from './job.ts';
import { deleteJob, getJobForUpdate, getJobsForUpdate, insertJob, insertJobs, replaceDefinition, sameDefinition, updateJob, upsertJob, type JobChange } from './repository.ts';

/** Everything that changes jobs or runs: the API, YAML sync, the CLI and handlers all go through it. */
export interface JobCommands {
  /**
   * Stores a new job and schedules it; ConflictError when job_id exists. `audit` gives the
   * `created` entry to write with it (from the definition as stored, state included): the job,
   * its occurrence and the entry are written together or not at all.
   */
  create(def: JobDefinition, audit?: (stored: StoredDefinition) => NewAuditEntry): Promise<Job>;
  /**
   * Creates, replaces or leaves each job, all in one transaction (the caller's when given);
   * `before` is the job as stored before this call (undefined: it did not exist).
   */
  upsert(defs: JobDefinition[], trx?: Transaction<DB>): Promise<Array<{ job: Job; change: JobChange; before: Job | undefined }>>;
  /** Replaces a job's definition and reschedules it when its schedule or state changed. */
  update(jobId: string, def: JobDefinition): Promise<Job>;
  /** Pauses or resumes a job; resume plans the next occurrence from now (misfire rules apply). */
  setState(jobId: string, state: 'running' | 'paused'): Promise<Job>;
  /** Deletes a job, its runs and its pending occurrence (failures are kept). */
  remove(jobId: string): Promise<void>;
  /** Starts an extra run now; the schedule is unchanged. */
  runNow(jobId: string): Promise<Run>;
  /** Cancels a waiting or running run (its handler is aborted); a finished run is returned as it is. */
  cancelRun(runId: string): Promise<Run>;
  getServiceState(): Promise<ServiceState>;
  setServiceState(state: ServiceState): Promise<void>;
}

export interface JobCommandsDeps {
  db: Kysely<DB>;
  boss: PgBoss;
  logger: Logger;
  /** Told about each occurrence enqueued here, after commit, so a local worker can wake on time. */
  onEnqueued?: (jobId: string, instant: Date) => void;
  /** This process's name on the runs it starts (default: the machine's hostname). */
  host?: string;
  /** A free slot of this process's worker, if it has one (src/worker/worker.ts reserve()). */
  reserveSlot?: () => ReservedSlot | undefined;
  /** pg-boss's schema (a create writes its message with pg-boss's own insert); default `pgboss`. */
  queueSchema?: string;
}

/** A new job's first occurrence from `now`, and its state (finished when it has none); as reschedule() plans a job with no pending one. */
function firstInstant(def: JobDefinition, now: Date): { next_run_at: Date | null; state: JobState } {
  const next = def.state === 'running' ? planFrom({ schedule: def.schedule, run_count: 0, last_run_at: null }, now, 'new') : null;
  return { next_run_at: next, state: def.state === 'running' && next === null ? 'finished' : def.state };
}

/** The JobCommands of one bosun process. */
export function createJobCommands(deps: JobCommandsDeps): JobCommands {
  const { db, boss } = deps;
  const log = deps.logger.child({ component: 'jobs' });
  const host = deps.host ?? hostname();
  const queueSchema = deps.queueSchema ?? 'pgboss';

  const announce = (jobs: Job[]) => {
    for (const job of jobs) if (job.next_run_at !== null) deps.onEnqueued?.(job.job_id, job.next_run_at);
  };
  // A run started here, not through the queue, still begins its own trace (as an enqueue would).
  const startHere = (slot: ReservedSlot, job: Job, run: Run) =>
    void inNewRunTrace({ job_id: job.job_id, run_id: run.run_id, attempt: run.attempt }, async () => slot.start(job, run));
  const locked = async (trx: Transaction<DB>, jobId: string) => {
    const job = await getJobForUpdate(trx, jobId);
    if (!job) throw new NotFoundError('job', jobId);
    return job;
  };

  // New jobs (the bulk of a first sync or a bulk create) are inserted with their first instant
  // and enqueued in a few multi-row statements; unchanged ones (the bulk of every later sync) are
  // told apart from the rows already locked here, with no statement each; changed ones go one by
  // one (each may need its pending occurrence replaced).
  const upsertIn = async (trx: Transaction<DB>, defs: JobDefinition[]) => {
    const existing = await getJobsForUpdate(trx, [...new Set(defs.map((d) => d.job_id))]);
    const now = new Date();
    const fresh = new Map<string, JobDefinition>();
    for (const def of defs) if (!existing.has(def.job_id) && !fresh.has(def.job_id)) fresh.set(def.job_id, def);
    const planned = [...fresh.values()].map((def) => ({ def, ...firstInstant(def, now) }));
    const created = new Map((await insertJobs(trx, planned)).map((job) => [job.job_id, job]));
    await enqueueOccurrences(boss, trx, [...created.values()].flatMap((job) => (job.next_run_at ? [{ job_id: job.job_id, scheduled_for: job.next_run_at }] : [])));
    const out: Array<{ job: Job; change: JobChange; before: Job | undefined }> = [];
    const written = new Set<string>();
    for (const def of defs) {
      const before = existing.get(def.job_id);
      const job = created.get(def.job_id);
      if (job && fresh.get(def.job_id) === def) {
        out.push({ job, change: 'created', before });
        written.add(def.job_id);
        continue;
      }
      if (before && !written.has(def.job_id) && sameDefinition(before, def)) {
        out.push({ job: before, change: 'unchanged', before });
        continue;
      }
      written.add(def.job_id);
      // An existing job, or the same job_id given twice in one call (the later one wins, as before).
      const { job: stored, change, previous } = await upsertJob(trx, def);
      if (change === 'unchanged') out.push({ job: stored, change, before });
      else out.push({ job: await rescheduleIfNeeded(trx, stored, previous), change, before });
    }
    return out;
  };

  // A definition change that leaves the schedule and state alone keeps the pending occurrence;
  // a new schedule starts from now, a state change alone is a resume (or a pause).
  const rescheduleIfNeeded = async (trx: Transaction<DB>, job: Job, previous: Job | undefined) => {
    const newSchedule = previous === undefined || JSON.stringify(previous.schedule_input) !== JSON.stringify(job.schedule_input);
    return newSchedule || previous.state !== job.state ? reschedule(trx, boss, job, newSchedule ? 'new' : 'resume') : job;
  };

  return {
    async create(def, audit) {
      // Planned before the insert, so the row is written once (not inserted, then updated with
      // its next_run_at); the same rules as reschedule() for a job with no pending occurrence.
      // Taken before the write, as in runNow, so a due occurrence is NOTIFYed.
      const now = new Date();
      const planned = firstInstant(def, now);
      const next = planned.next_run_at;
      const due = next !== null && next <= now;
      const entry = audit?.({ ...def, state: planned.state });
      // Due now with a free slot here: its first occurrence is claimed in the create's
      // transaction and starts as soon as it commits, without a round through the queue
      // (claimNewOccurrence). Otherwise the job, its message and its entry are one statement.
      const slot = due ? deps.reserveSlot?.() : undefined;
      let claimed: Claim | undefined;
      let job: Job;
      try {
        job = slot
          ? await db.transaction().execute(async (trx) => {
              const job = await insertJob(trx, def, planned);
              claimed = await claimNewOccurrence(trx, { db, boss, host, queueSchema }, job.job_id, next!);
              if (claimed.kind === 'paused') await enqueueOccurrence(boss, trx, job.job_id, next!);
              await insertAuditEntries(trx, entry ? [entry] : []);
              return job;
            })
          : await insertJobWithOccurrence(db, boss, queueSchema, def, { planned, due, audit: entry });
      } catch (err) {
        slot?.release();
        throw err;
      }
      log.info({ job_id: job.job_id, next_run_at: job.next_run_at }, 'job created');
      const started = claimed?.kind === 'execute' ? claimed : undefined;
      if (started) startHere(slot!, started.job, started.run);
      else slot?.release();
      // The job as created is returned either way; the local worker wakes for the occurrence it holds now.
      announce([(claimed?.kind !== 'paused' && claimed?.job) || job]);
      return job;
    },

    async upsert(defs, trx) {
      const results = trx ? await upsertIn(trx, defs) : await db.transaction().execute((t) => upsertIn(t, defs));
      // With the caller's transaction the commit is theirs; the local worker's lookahead still finds the occurrence.
      if (!trx) announce(results.filter((r) => r.change !== 'unchanged').map((r) => r.job));
      return results;
    },

    async update(jobId, def) {
      if (def.job_id !== jobId) def = { ...def, job_id: jobId };
      const job = await db.transaction().execute(async (trx) => {
        const previous = await locked(trx, jobId);
        if (sameDefinition(previous, def)) return previous;
        return rescheduleIfNeeded(trx, await replaceDefinition(trx, def), previous);
      });
      log.info({ job_id: jobId, next_run_at: job.next_run_at }, 'job updated');
      announce([job]);
      return job;
    },

    async setState(jobId, state) {
      const job = await db.transaction().execute(async (trx) => {
        const current = await locked(trx, jobId);
        if (state === 'paused') {
          if (current.state === 'paused') return current;
          return unschedule(trx, boss, await updateJob(trx, jobId, { state: 'paused' }));
        }
        if (current.state === 'running') return current;
        return reschedule(trx, boss, await updateJob(trx, jobId, { state: 'running' }), 'resume');
      });
      log.info({ job_id: jobId, state: job.state, next_run_at: job.next_run_at }, `job ${state === 'paused' ? 'paused' : 'resumed'}`);
      announce([job]);
      return job;
    },

    async remove(jobId) {
      await db.transaction().execute(async (trx) => {
        await unschedule(trx, boss, await locked(trx, jobId));
        await deleteJob(trx, jobId);
      });
      log.info({ job_id: jobId }, 'job deleted');
    },

    async runNow(jobId) {
      // Taken before the transaction: pg-boss NOTIFYs workers only for a message whose start_after
      // is not after the transaction's now(); an instant taken inside it would wait for a poll (2 s).
      const now = new Date();
      // With a free slot here (and the service not paused) the run starts here as soon as this
      // commits, without a round through the queue.
      const slot = deps.reserveSlot?.();
      let result: { job: Job; run: Run; here: boolean };
      try {
        result = await db.transaction().execute(async (trx) => {
          const job = await locked(trx, jobId);
          const here = slot !== undefined && (await getServiceState(trx)) === 'running';
          const run = await insertRun(trx, { job_id: jobId, scheduled_for: now, trigger: 'manual', status: here ? 'running' : 'scheduled', host: here ? host : null });
          await countManualRun(trx, jobId);
          if (!here) await enqueueAttempt(boss, trx, jobId, run.run_id, 1, now);
          return { job, run, here };
        });
      } catch (err) {
        slot?.release();
        throw err;
      }
      const { job, run, here } = result;
      log.info({ job_id: jobId, run_id: run.run_id }, 'run started by request');
      if (here) startHere(slot!, job, run);
      else {
        slot?.release();
        deps.onEnqueued?.(jobId, now);
      }
      return run;
    },

    async cancelRun(runId) {
      const existing = await findRun(db, runId);
      if (!existing) throw new NotFoundError('run', runId);
      const cancelled = await db.transaction().execute(async (trx) => {
        // Lock the job first, as every writer of its runs does, so a settle cannot interleave.
        await getJobForUpdate(trx, existing.job_id);
        const run = await endUnfinishedRun(trx, runId, 'cancelled', `cancelled by request on ${host}`);
        if (run) {
          await recordJobOutcome(trx, run);
          await dispatchQueued(trx, boss, run.job_id);
        }
        return run;
      });
      if (!cancelled) return getRun(db, runId);
      log.info({ job_id: cancelled.job_id, run_id: runId }, 'run cancelled');
      return cancelled;
    },

    getServiceState: () => getServiceState(db),
    async setServiceState(state) {
      await setServiceState(db, state);
      log.info({ state }, `service ${state === 'paused' ? 'paused' : 'resumed'}`);
    },
  };
}
