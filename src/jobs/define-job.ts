import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import { parseDuration, parseSchedule, type ScheduleInput } from '../schedule/index.ts';
import { MAX_SHORT_DURATION_MS } from '../schedule/limits.ts';
import { parseRetryBackoff } from '../worker/retry-delay.ts';
import { checkJobId } from './job-id.ts';
import { parseExtendedProperties, parseLabels, parseOnFinish } from './job-metadata.ts';
import type { JobDefinition, Overlap } from './job.ts';

/** What defineJob needs besides the input: the handlers, the clock, and who/what is defining the job. */
export interface DefineJobContext {
  registry: HandlerRegistry;
  now: Date;
  /** `api`, `cli` or `yaml:<path>`. */
  source: string;
  owner: string | null;
  /** Accept schedule times already past (committed YAML files, read again at every startup). */
  allowPast?: boolean;
  /** Collects what was accepted with a reinterpretation, for the answer to say (e.g. a `when` weekday ignored). */
  warnings?: string[];
}

export const SCHEDULE_FIELDS = [
  'periodically',
  'cron',
  'rrule',
  'dates',
  'weekly',
  'monthly',
  'when',
  'timezone',
  'until',
  'max_runs',
  'window',
  'misfire_grace_time',
] as const satisfies ReadonlyArray<keyof ScheduleInput>;

/** Every top-level field a job definition may have. */
export const JOB_FIELDS = [
  'job_id',
  'name',
  'handler',
  'kwargs',
  'description',
  'state',
  ...SCHEDULE_FIELDS,
  'overlap',
  'max_instances',
  'timeout',
  'retries',
  'retry_delay',
  'retry_backoff',
  'extended_properties',
  'labels',
  'on_finish',
] as const;

const OVERLAPS: readonly Overlap[] = ['skip', 'queue', 'allow'];
const MAX_DESCRIPTION = 2000;
const MAX_RETRIES = 100;
const MAX_NAME = 200;
/** The most runs of one job at once a definition may allow (each holds a worker slot). */
export const MAX_INSTANCES = 1000;

/** null and "" (YAML's empty value, an empty query parameter) mean "not given". */
function given(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

function jobId(value: unknown): string {
  if (!given(value)) return randomUUID();
  if (typeof value !== 'string') throw new ValidationError(`job_id must be a string, got ${JSON.stringify(value)}`, { field: 'job_id' });
  return checkJobId(value);
}

function state(value: unknown): 'running' | 'paused' {
  if (!given(value)) return 'running';
  if (value === 'running' || value === 'active') return 'running';
  if (value === 'paused') return 'paused';
  throw new ValidationError(`state must be 'running' (or its alias 'active') or 'paused', got ${JSON.stringify(value)}`, { field: 'state' });
}

function jobName(value: unknown): string | null {
  if (!given(value)) return null;
  if (typeof value !== 'string') throw new ValidationError(`name must be text, got ${JSON.stringify(value)}`, { field: 'name' });
  if (value.length > MAX_NAME) throw new ValidationError(`name must be at most ${MAX_NAME} characters`, { field: 'name' });
  return value;
}

function maxInstances(value: unknown): number | null {
  if (!given(value)) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_INSTANCES) {
    throw new ValidationError(`max_instances must be a whole number from 1 to ${MAX_INSTANCES}, got ${JSON.stringify(value)}`, { field: 'max_instances' });
  }
  return value;
}

function milliseconds(value: unknown, field: string, allowZero: boolean): number {
  // PostgreSQL `integer` columns hold the milliseconds.
  const ms = parseDuration(value, field, MAX_SHORT_DURATION_MS);
  if (!allowZero && ms === 0) throw new ValidationError(`${field} must be longer than 0`, { field });
  return ms;
}

/**
 * The one parser of untrusted job input (API body and query, YAML file, CLI): checks every
 * field, resolves the handler, validates kwargs against its schema, parses the schedule, and
 * fills in the handler's defaults. Throws a BosunError whose `field` names the input at fault.
 */
export function defineJob(input: Record<string, unknown>, ctx: DefineJobContext): JobDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError('a job definition must be an object of fields', { field: '' });
  }
  for (const key of Object.keys(input)) {
    if (!(JOB_FIELDS as readonly string[]).includes(key)) {
      throw new ValidationError(`unknown field '${key}' (a job has: ${JOB_FIELDS.join(', ')})`, { field: key });
    }
  }
  const id = jobId(input.job_id);
  if (!given(input.handler)) throw new ValidationError('handler is required (the name of a handler, e.g. command or http)', { field: 'handler' });
  if (typeof input.handler !== 'string') throw new ValidationError(`handler must be a string, got ${JSON.stringify(input.handler)}`, { field: 'handler' });
  const handler = ctx.registry.resolve(input.handler);
  const kwargs = ctx.registry.validateKwargs(handler, input.kwargs);
  const defaults = handler.defaults ?? {};

  let description: string | null = null;
  if (given(input.description)) {
    if (typeof input.description !== 'string') throw new ValidationError('description must be text', { field: 'description' });
    if (input.description.length > MAX_DESCRIPTION) throw new ValidationError(`description must be at most ${MAX_DESCRIPTION} characters`, { field: 'description' });
    description = input.description;
  }

  const scheduleInput: ScheduleInput = {};
  for (const field of SCHEDULE_FIELDS) if (given(input[field])) scheduleInput[field] = input[field];
  const effective: ScheduleInput = { ...scheduleInput };
  if (!given(effective.misfire_grace_time) && given(defaults.misfire_grace_time)) effective.misfire_grace_time = defaults.misfire_grace_time;
  const schedule = parseSchedule(effective, ctx.now, { allowPast: ctx.allowPast === true, warnings: ctx.warnings });

  let overlap: Overlap = 'skip';
  if (given(input.overlap)) {
    if (!OVERLAPS.includes(input.overlap as Overlap)) {
      throw new ValidationError(`overlap must be one of ${OVERLAPS.join(', ')}, got ${JSON.stringify(input.overlap)}`, { field: 'overlap' });
    }
    overlap = input.overlap as Overlap;
  }

  const timeout = given(input.timeout) ? input.timeout : defaults.timeout;
  const retries = given(input.retries) ? input.retries : (defaults.retries ?? 0);
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    throw new ValidationError(`retries must be a whole number from 0 to ${MAX_RETRIES}, got ${JSON.stringify(retries)}`, { field: 'retries' });
  }
  const retryDelay = given(input.retry_delay) ? input.retry_delay : defaults.retry_delay;
  const backoff = parseRetryBackoff(given(input.retry_backoff) ? input.retry_backoff : (defaults.retry_backoff ?? false));
  if ('error' in backoff) throw new ValidationError(backoff.error, { field: 'retry_backoff' });

  return {
    job_id: id,
    handler: handler.name,
    kwargs,
    description,
    schedule_input: scheduleInput,
    schedule,
    state: state(input.state),
    overlap,
    timeout_ms: given(timeout) ? milliseconds(timeout, 'timeout', false) : null,
    retries,
    retry_delay_ms: given(retryDelay) ? milliseconds(retryDelay, 'retry_delay', true) : 0,
    retry_backoff: backoff.factor,
    owner: ctx.owner,
    source: ctx.source,
    name: jobName(input.name),
    max_instances: maxInstances(input.max_instances),
    extended_properties: parseExtendedProperties(input.extended_properties),
    labels: parseLabels(input.labels),
    on_finish: parseOnFinish(input.on_finish, ctx.source),
  };
}

