import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB, JobsTable, JobState, OnFinish, RunStatus } from '../db/schema.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Schedule, ScheduleInput } from '../schedule/index.ts';
import type { Job, JobDefinition } from './job.ts';
import { PREPARE } from '../db/prepared-statements.ts';

/** A connection or an open transaction: every function here works in either. */
export type Db = Kysely<DB> | Transaction<DB>;

export type JobSortKey = 'job_id' | 'created_at' | 'updated_at' | 'next_run_at' | 'last_run_at';
export type JobSort = JobSortKey | `-${JobSortKey}`;
const SORT_KEYS: readonly JobSortKey[] = ['job_id', 'created_at', 'updated_at', 'next_run_at', 'last_run_at'];

export interface ListJobsQuery {
  owner?: string | undefined;
  state?: JobState | undefined;
  handler?: string | undefined;
  /** Case-insensitive substring of job_id or description. */
  search?: string | undefined;
  /** Only jobs whose last run ended in one of these statuses (the seed's `job_type=failed`). */
  lastRunStatus?: readonly RunStatus[] | undefined;
  /** Only jobs carrying every one of these labels with these values. */
  labels?: Readonly<Record<string, string>> | undefined;
  limit: number;
  offset: number;
  /** A column, `-column` for descending; job_id breaks ties. */
  sort?: JobSort | undefined;
}

export type JobChange = 'created' | 'updated' | 'unchanged';

/** Maps a stored row to the domain Job. */
export function rowToJob(row: Selectable<JobsTable>): Job {
  return {
    ...row,
    kwargs: row.kwargs ?? {},
    schedule_input: (row.schedule_input ?? {}) as ScheduleInput,
    schedule: row.schedule as unknown as Schedule,
  };
}

/** The error for a job_id already stored (every way of inserting a job refuses it alike). */
export function jobIdTaken(jobId: string): ConflictError {
  return new ConflictError(`job '${jobId}' already exists`, { field: 'job_id', details: { job_id: jobId } });
}

/** The columns a new job is inserted with, in this order, by the statements that spell them out (bulk, create). */
export const NEW_JOB_COLUMNS = sql.raw('job_id, handler, kwargs, description, schedule_input, schedule, state, overlap, timeout_ms, retries, retry_delay_ms, retry_backoff, owner, source, next_run_at, name, max_instances, extended_properties, labels, on_finish');

/** A definition as the columns of its row (JSON fields serialised). */
export function definitionValues(def: JobDefinition) {
  return {
    handler: def.handler,
    kwargs: JSON.stringify(def.kwargs),
    description: def.description,
    schedule_input: JSON.stringify(def.schedule_input),
    schedule: JSON.stringify(def.schedule),
    state: def.state,
    overlap: def.overlap,
    timeout_ms: def.timeout_ms,
    retries: def.retries,
    retry_delay_ms: def.retry_delay_ms,
    retry_backoff: def.retry_backoff,
    owner: def.owner,
    source: def.source,
    name: def.name ?? null,
    max_instances: def.max_instances ?? null,
    extended_properties: JSON.stringify(def.extended_properties ?? {}),
    labels: JSON.stringify(def.labels ?? {}),
    on_finish: def.on_finish ?? 'keep',
  };
}

/**
 * Inserts a new job, with its first planned instant (and the state that follows from it) when
 * given, so a create writes the row once; ConflictError (field job_id) when the id is taken.
 */
export async function insertJob(db: Db, def: JobDefinition, planned?: { next_run_at: Date | null; state: JobState }): Promise<Job> {
  const row = await db
    .insertInto('jobs')
    .values({ job_id: def.job_id, ...definitionValues(def), ...(planned && { state: planned.state, next_run_at: planned.next_run_at }) })
    .onConflict((oc) => oc.column('job_id').doNothing())
    .returningAll()
    .modifyEnd(sql.raw(PREPARE))
    .executeTakeFirst();
  if (!row) throw jobIdTaken(def.job_id);
  return rowToJob(row);
}

/**
 * Inserts new jobs with their first planned instant in one statement per 1000 (a bulk create
 * costs a few round trips, not a few per job); ConflictError when any id is taken meanwhile.
 * The columns travel as one array each: a VALUES list of 1000 rows is 15 000 parameters to
 * bind and a new plan every time (48 ms a chunk against 15 ms to execute it); arrays keep the
 * text fixed, so it is prepared once per connection.
 */
export async function insertJobs(db: Db, jobs: Array<{ def: JobDefinition; next_run_at: Date | null; state: JobState }>): Promise<Job[]> {
  const out: Job[] = [];
  for (let i = 0; i < jobs.length; i += 1000) {
    const chunk = jobs.slice(i, i + 1000);
    const rows = chunk.map(({ def, next_run_at, state }) => ({ job_id: def.job_id, ...definitionValues(def), state, next_run_at }));
    const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((r) => r[key]);
    const { rows: stored } = await sql<Selectable<JobsTable>>`
      ${sql.raw(PREPARE)} insert into jobs (${NEW_JOB_COLUMNS})
      select * from unnest(
        ${column('job_id')}::text[], ${column('handler')}::text[], ${column('kwargs')}::jsonb[], ${column('description')}::text[],
        ${column('schedule_input')}::jsonb[], ${column('schedule')}::jsonb[], ${column('state')}::text[], ${column('overlap')}::text[],
        ${column('timeout_ms')}::int[], ${column('retries')}::int[], ${column('retry_delay_ms')}::int[], ${column('retry_backoff')}::float8[],
        ${column('owner')}::text[], ${column('source')}::text[], ${column('next_run_at')}::timestamptz[], ${column('name')}::text[], ${column('max_instances')}::int[],
        ${column('extended_properties')}::jsonb[], ${column('labels')}::jsonb[], ${column('on_finish')}::text[])
      on conflict (job_id) do nothing
      returning *`.execute(db);
    if (stored.length !== chunk.length) {
      const inserted = new Set(stored.map((r) => r.job_id));
      const taken = chunk.find((j) => !inserted.has(j.def.job_id))!.def.job_id;
      throw jobIdTaken(taken);
    }
    out.push(...stored.map(rowToJob));
  }
  return out;
}

/** The jobs with these ids that exist, locked for the rest of the transaction (in job_id order, so bulk writers cannot deadlock). */
export async function getJobsForUpdate(db: Db, jobIds: string[]): Promise<Map<string, Job>> {
  const found = new Map<string, Job>();
  for (let i = 0; i < jobIds.length; i += 5000) {
    const rows = await db.selectFrom('jobs').selectAll().where('job_id', 'in', jobIds.slice(i, i + 5000)).orderBy('job_id').forUpdate().execute();
    for (const row of rows) found.set(row.job_id, rowToJob(row));
  }
  return found;
}

/**
 * Whether a stored job already has this definition. The schedule is compared as the user wrote
 * it (schedule_input), since parsing "no `when`" again yields a new anchor each time; a job the
 * scheduler finished counts as `running`, so re-applying the same file does not revive it.
 */
export function sameDefinition(job: Job, def: JobDefinition): boolean {
  const state = job.state === 'finished' ? 'running' : job.state;
  return (
    job.handler === def.handler &&
    stableJson(job.kwargs) === stableJson(def.kwargs) &&
    job.description === def.description &&
    stableJson(job.schedule_input) === stableJson(def.schedule_input) &&
    state === def.state &&
    job.overlap === def.overlap &&
    job.timeout_ms === def.timeout_ms &&
    job.retries === def.retries &&
    job.retry_delay_ms === def.retry_delay_ms &&
    job.retry_backoff === def.retry_backoff &&
    job.owner === def.owner &&
    job.source === def.source &&
    job.name === (def.name ?? null) &&
    job.max_instances === (def.max_instances ?? null) &&
    stableJson(job.extended_properties) === stableJson(def.extended_properties ?? {}) &&
    stableJson(job.labels) === stableJson(def.labels ?? {}) &&
    job.on_finish === (def.on_finish ?? 'keep')
  );
}

/** Inserts, replaces or leaves a job by job_id; `unchanged` when the stored definition is identical. */
export async function upsertJob(db: Db, def: JobDefinition): Promise<{ job: Job; change: JobChange; previous: Job | undefined }> {
  const existing = await getJobForUpdate(db, def.job_id);
  if (!existing) return { job: await insertJob(db, def), change: 'created', previous: undefined };
  if (sameDefinition(existing, def)) return { job: existing, change: 'unchanged', previous: existing };
  return { job: await updateJob(db, def.job_id, definitionValues(def)), change: 'updated', previous: existing };
}

/** The job, or NotFoundError. */
export async function getJob(db: Db, jobId: string): Promise<Job> {
  const row = await db.selectFrom('jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
  if (!row) throw new NotFoundError('job', jobId);
  return rowToJob(row);
}

/** The job, or undefined. */
export async function findJob(db: Db, jobId: string): Promise<Job | undefined> {
  const row = await db.selectFrom('jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
  return row ? rowToJob(row) : undefined;
}

/** The job locked for the rest of the transaction (serialises writers of one job), or undefined. */
export async function getJobForUpdate(db: Db, jobId: string): Promise<Job | undefined> {
  const row = await db.selectFrom('jobs').selectAll().where('job_id', '=', jobId).forUpdate().executeTakeFirst();
  return row ? rowToJob(row) : undefined;
}

/** A page of jobs matching the filters, and how many match in all. */
export async function listJobs(db: Db, query: ListJobsQuery): Promise<{ jobs: Job[]; total: number }> {
  let base = db.selectFrom('jobs');
  if (query.owner !== undefined) base = base.where('owner', '=', query.owner);
  if (query.state !== undefined) base = base.where('state', '=', query.state);
  if (query.handler !== undefined) base = base.where('handler', '=', query.handler);
  if (query.lastRunStatus !== undefined && query.lastRunStatus.length > 0) base = base.where('last_run_status', 'in', [...query.lastRunStatus]);
  // Containment, as the partial GIN index jobs_labels answers it (its predicate repeated so the planner may use it).
  if (query.labels !== undefined && Object.keys(query.labels).length > 0) {
    base = base.where(sql<boolean>`labels @> ${JSON.stringify(query.labels)}::jsonb and labels <> '{}'::jsonb`);
  }
  if (query.search !== undefined && query.search !== '') {
    const pattern = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    base = base.where((eb) => eb.or([eb('job_id', 'ilike', pattern), eb('description', 'ilike', pattern)]));
  }
  const sort = query.sort ?? 'job_id';
  const descending = sort.startsWith('-');
  const key = (descending ? sort.slice(1) : sort) as JobSortKey;
  if (!SORT_KEYS.includes(key)) throw new Error(`unknown sort key '${sort}'`);
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy(key, (ob) => (descending ? ob.desc().nullsLast() : ob.asc().nullsLast()))
      .orderBy('job_id', 'asc')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { jobs: rows.map(rowToJob), total: Number(count.n) };
}

/** Column values of a job that callers may change. */
export interface JobPatch {
  handler?: string;
  kwargs?: string;
  description?: string | null;
  schedule_input?: string;
  schedule?: string;
  state?: JobState;
  overlap?: JobDefinition['overlap'];
  timeout_ms?: number | null;
  retries?: number;
  retry_delay_ms?: number;
  retry_backoff?: number;
  owner?: string | null;
  source?: string;
  name?: string | null;
  max_instances?: number | null;
  extended_properties?: string;
  labels?: string;
  on_finish?: OnFinish;
  next_run_at?: Date | null;
  last_run_at?: Date | null;
  last_run_status?: RunStatus | null;
  run_count?: number;
}

/** Applies a patch (JSON columns already serialised) and bumps updated_at; NotFoundError when absent. */
export async function updateJob(db: Db, jobId: string, patch: JobPatch): Promise<Job> {
  const row = await db
    .updateTable('jobs')
    // schema.ts types updated_at as Generated<ColumnType>, which kysely's update typing rejects.
    .set({ ...patch, updated_at: sql<Date>`now()` as never })
    .where('job_id', '=', jobId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new NotFoundError('job', jobId);
  return rowToJob(row);
}

/** Replaces a job's whole definition, keeping its bookkeeping (run_count, last run). */
export async function replaceDefinition(db: Db, def: JobDefinition): Promise<Job> {
  return updateJob(db, def.job_id, definitionValues(def));
}

/** Deletes a job (its runs go with it; failures stay); NotFoundError when absent. */
export async function deleteJob(db: Db, jobId: string): Promise<Job> {
  const row = await db.deleteFrom('jobs').where('job_id', '=', jobId).returningAll().executeTakeFirst();
  if (!row) throw new NotFoundError('job', jobId);
  return rowToJob(row);
}

/** JSON with object keys sorted, so two equal values compare equal whatever their key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
