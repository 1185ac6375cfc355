import { randomUUID } from 'node:crypto';
import { ValidationError } from '../../../errors.ts';
import type { HandlerRegistry } from '../../../handlers/registry.ts';
import { SCHEDULE_FIELDS } from '../../../jobs/define-job.ts';
import { CRON_FIELDS, cronOfFields, type CronField } from './cron-trigger.ts';
import { handlerOfJobClass, kwargsOfPubArgs } from './job-class.ts';

/**
 * NDScheduler's job body (its `ndscheduler/server/handlers/README.md`): `job_class_string`, `name`,
 * `pub_args`, and `trigger` `cron` or `interval` with `trigger_params`, or the older flat form with
 * the cron fields at the top level. Read here into the input of bosun's defineJob.
 */
export type NdschedulerJobBody = {
  job_class_string: string;
  name: string;
  pub_args?: unknown;
  trigger?: 'cron' | 'interval';
  trigger_params?: Record<string, unknown>;
  max_instances?: number;
} & Partial<Record<CronField, unknown>>;

/** What NDScheduler gives a job created through its API (its corescheduler/constants.py). */
export const NDSCHEDULER_DEFAULTS = { max_instances: 3, misfire_grace_time: '1 hour' } as const;

// The fields only NDScheduler's body has: a /jobs body with any of them is NDScheduler's.
const MARKERS = ['job_class_string', 'pub_args', 'trigger', 'trigger_params'];
const MAX_INTERVAL_SECONDS = 3_155_760_000;

/** Whether a body sent to /jobs is NDScheduler's rather than bosun's own. */
export function isNdschedulerJobBody(body: unknown): body is NdschedulerJobBody {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && MARKERS.some((k) => Object.hasOwn(body, k));
}

/** NDScheduler's job ids: 32 hex digits (a UUID without its dashes). */
export function ndschedulerJobId(): string {
  return randomUUID().replaceAll('-', '');
}

/**
 * The schedule fields of a body, every other one cleared (null): `cron` for a cron trigger or the
 * flat form, `periodically` (seconds) and a first run one interval from `now` for an interval
 * trigger, as APScheduler's IntervalTrigger starts.
 */
export function scheduleOfBody(body: NdschedulerJobBody, now: Date): Record<string, unknown> {
  const cleared: Record<string, unknown> = Object.fromEntries(SCHEDULE_FIELDS.map((f) => [f, null]));
  const params = body.trigger_params ?? {};
  if (body.trigger === undefined) {
    if (body.trigger_params !== undefined) throw new ValidationError("trigger is required with trigger_params ('cron' or 'interval')", { field: 'trigger' });
    const cron = cronOfFields(body, '');
    if (cron === undefined) throw new ValidationError(`give trigger and trigger_params, or the cron fields (${CRON_FIELDS.join(', ')})`, { field: 'trigger' });
    return { ...cleared, cron };
  }
  if (body.trigger === 'cron') {
    const unknown = Object.keys(params).find((k) => !(CRON_FIELDS as readonly string[]).includes(k) && k !== 'timezone');
    if (unknown !== undefined) throw new ValidationError(`unknown field 'trigger_params.${unknown}' (a cron trigger has: ${CRON_FIELDS.join(', ')}, timezone)`, { field: `trigger_params.${unknown}` });
    const cron = cronOfFields(params, 'trigger_params.');
    if (cron === undefined) throw new ValidationError(`trigger_params needs at least one of ${CRON_FIELDS.join(', ')}`, { field: 'trigger_params' });
    return { ...cleared, cron, timezone: params.timezone ?? null };
  }
  const unknown = Object.keys(params).find((k) => k !== 'interval');
  if (unknown !== undefined) throw new ValidationError(`unknown field 'trigger_params.${unknown}' (an interval trigger has: interval, in seconds)`, { field: `trigger_params.${unknown}` });
  const seconds = typeof params.interval === 'string' && params.interval.trim() !== '' ? Number(params.interval) : params.interval;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 1 || seconds > MAX_INTERVAL_SECONDS) {
    throw new ValidationError(`trigger_params.interval must be a number of seconds from 1 to ${MAX_INTERVAL_SECONDS}, got ${JSON.stringify(params.interval)?.slice(0, 50)}`, { field: 'trigger_params.interval' });
  }
  return { ...cleared, periodically: seconds, when: new Date(now.getTime() + seconds * 1000).toISOString() };
}

/**
 * The defineJob input of a body: its handler (handlerOfJobClass), kwargs (kwargsOfPubArgs),
 * name and schedule; `max_instances` and the misfire grace NDScheduler's defaults unless given.
 */
export function jobInputOfBody(body: NdschedulerJobBody, registry: HandlerRegistry, now: Date): Record<string, unknown> {
  if (typeof body.name !== 'string' || body.name.trim() === '') throw new ValidationError('name is required (NDScheduler: a job needs job_class_string and name)', { field: 'name' });
  if (typeof body.job_class_string !== 'string' || body.job_class_string === '') {
    throw new ValidationError('job_class_string is required (NDScheduler: a job needs job_class_string and name)', { field: 'job_class_string' });
  }
  const handler = handlerOfJobClass(body.job_class_string, registry);
  return {
    name: body.name,
    handler,
    kwargs: kwargsOfPubArgs(handler, body.pub_args),
    ...scheduleOfBody(body, now),
    misfire_grace_time: NDSCHEDULER_DEFAULTS.misfire_grace_time,
    max_instances: body.max_instances ?? NDSCHEDULER_DEFAULTS.max_instances,
  };
}
