import type { Job } from '../jobs/job.ts';
import { keepRedacted } from '../redaction/keep-redacted.ts';
import { redactValue } from '../redaction/redact-value.ts';
import { describeSchedule } from '../schedule/index.ts';
import { isoOrNull as iso } from '../time/iso-instant.ts';
import { retryBackoffView } from '../worker/retry-delay.ts';

// A schedule's words, remembered by its JSON: a page of jobs repeats a few schedules, and
// describing one costs about five times stringifying it (describeSchedule depends on nothing
// else). null = a schedule it cannot describe. Bounded: cleared when full.
const WORDS_KEPT = 1000;
const words = new Map<string, string | null>();
function wordsOf(schedule: Job['schedule']): string | undefined {
  const key = JSON.stringify(schedule);
  let found = words.get(key);
  if (found === undefined) {
    try {
      found = describeSchedule(schedule);
    } catch {
      found = null; // a schedule stored by an older version still lists; only its words are missing
    }
    if (words.size >= WORDS_KEPT) words.clear();
    words.set(key, found);
  }
  return found ?? undefined;
}

/**
 * A job as the API answers it: the definition, the schedule fields as written (`when`,
 * `periodically`, … at the top level, as the seed service sent them), `state` as sent plus
 * the seed clients' `active`, and `next_run_time` / last run status and time. Secrets in the
 * kwargs are shown as `***` (src/redaction/); the stored job keeps them to run.
 */
export function jobView(job: Job): Record<string, unknown> {
  const input = job.schedule_input as Record<string, unknown>;
  const description = wordsOf(job.schedule);
  // Each instant is formatted once, though two names carry it (the seed's and bosun's).
  const nextRun = iso(job.next_run_at);
  const lastRun = iso(job.last_run_at);
  return {
    job_id: job.job_id,
    name: job.name,
    handler: job.handler,
    kwargs: redactValue(job.kwargs),
    description: job.description,
    state: job.state,
    active: job.state === 'running',
    when: input.when ?? null,
    periodically: input.periodically ?? null,
    cron: input.cron ?? null,
    misfire_grace_time: input.misfire_grace_time ?? null,
    timezone: job.schedule.timezone,
    schedule_input: input,
    schedule: job.schedule,
    ...(description === undefined ? {} : { schedule_description: description }),
    overlap: job.overlap,
    max_instances: job.max_instances,
    timeout_ms: job.timeout_ms,
    retries: job.retries,
    retry_delay_ms: job.retry_delay_ms,
    retry_backoff: retryBackoffView(job.retry_backoff),
    owner: job.owner,
    source: job.source,
    next_run_time: nextRun,
    next_run_at: nextRun,
    last_run_status: job.last_run_status,
    last_run_time: lastRun,
    last_run_at: lastRun,
    // Every run started, by the schedule or by hand; max_runs counts the scheduled ones alone.
    run_count: job.run_count + job.manual_run_count,
    scheduled_run_count: job.run_count,
    manual_run_count: job.manual_run_count,
    extended_properties: redactValue(job.extended_properties),
    labels: job.labels,
    on_finish: job.on_finish,
    created_at: iso(job.created_at),
    updated_at: iso(job.updated_at as unknown as Date),
  };
}

/**
 * A create's answer: `{"job": …}` as the seed service answered, and `warnings` when the input was
 * accepted with a reinterpretation the caller should know of (a `when` weekday that was ignored).
 */
export function createdAnswer(job: Job, warnings: readonly string[]): Record<string, unknown> {
  return warnings.length === 0 ? { job: jobView(job) } : { job: jobView(job), warnings };
}

/** The definition of a stored job as defineJob input, so a PATCH can change some fields and keep the rest. */
export function jobInput(job: Job): Record<string, unknown> {
  const ms = (value: number) => (value % 1000 === 0 ? `${value / 1000}s` : `PT${value / 1000}S`);
  return {
    job_id: job.job_id,
    ...(job.name === null ? {} : { name: job.name }),
    handler: job.handler,
    kwargs: job.kwargs,
    description: job.description,
    state: job.state === 'paused' ? 'paused' : 'running',
    ...(job.schedule_input as Record<string, unknown>),
    overlap: job.overlap,
    ...(job.max_instances === null ? {} : { max_instances: job.max_instances }),
    ...(job.timeout_ms === null ? {} : { timeout: ms(job.timeout_ms) }),
    retries: job.retries,
    retry_delay: ms(job.retry_delay_ms),
    retry_backoff: retryBackoffView(job.retry_backoff),
    extended_properties: job.extended_properties,
    labels: job.labels,
    on_finish: job.on_finish,
  };
}

/**
 * A PATCH's input: the stored definition with the patch over it (null clears a field). kwargs sent
 * back as the view showed them keep the stored secrets behind each `***` (src/redaction/keep-redacted.ts).
 */
export function patchedInput(job: Job, patch: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = { ...jobInput(job), ...patch, job_id: job.job_id };
  if (patch.kwargs !== undefined && patch.kwargs !== null) input.kwargs = keepRedacted(patch.kwargs, job.kwargs);
  if (patch.extended_properties !== undefined && patch.extended_properties !== null) {
    input.extended_properties = keepRedacted(patch.extended_properties, job.extended_properties);
  }
  return input;
}
