import type { HandlerRegistry } from '../handlers/registry.ts';
import { pascalCase } from '../handlers/registry.ts';
import { JOB_ID_PATTERN } from '../jobs/job-id.ts';
import { LABEL_NAME_PATTERN, MAX_EXTENDED_PROPERTIES_BYTES, MAX_LABEL_VALUE, MAX_LABELS } from '../jobs/job-metadata.ts';
import {
  MAX_DATES,
  MAX_INTERVAL_MS,
  MAX_RRULE_COUNT,
  MAX_RRULE_PERIODS,
  MAX_RUNS,
  MAX_SCHEDULE_TEXT,
  MAX_SHORT_DURATION_MS,
  MAX_WINDOW_DATES,
  MAX_YEAR,
  MIN_YEAR,
} from '../schedule/limits.ts';

const DURATION = {
  type: ['string', 'number'],
  minimum: 0,
  maxLength: MAX_SCHEDULE_TEXT,
  description: 'A duration: "90s", "5 minutes", "5:00:00" (h:mm:ss), "PT5H", or a number of seconds.',
};
/** `timeout`, `retry_delay`, `misfire_grace_time`: milliseconds in a PostgreSQL integer. */
const SHORT_DURATION = { ...DURATION, maximum: MAX_SHORT_DURATION_MS / 1000, description: `${DURATION.description} At most 24 days.` };
const INSTANT = {
  type: 'string',
  maxLength: MAX_SCHEDULE_TEXT,
  description: `ISO-8601 ("2026-12-01T08:00:00Z"), or the short form "Mon Feb 20, 14:56"; read in \`timezone\`. Years ${MIN_YEAR}–${MAX_YEAR}.`,
};

/** The job fields of a file, described for editors (the checks themselves are defineJob's). */
const JOB_PROPERTIES: Record<string, unknown> = {
  job_id: { type: 'string', pattern: JOB_ID_PATTERN, description: 'Unique id; the key the file is applied by. Required in a file. Not `.`, `..` or a route segment such as `clean-failed`.' },
  handler: { type: 'string', description: 'Name (`command`) or class name (`Command`) of a handler.' },
  kwargs: { type: 'object', description: "The handler's arguments. Without `kwargs:`, every key that is not a job field is one." },
  description: { type: ['string', 'null'], maxLength: 2000 },
  state: { enum: ['running', 'active', 'paused'], default: 'running', description: 'Applied when the file changes; a pause made through the API lasts until then.' },
  periodically: { ...DURATION, maximum: MAX_INTERVAL_MS / 1000, description: `Repeat interval, 1 second to 100 years. ${DURATION.description}` },
  cron: {
    description: '5-field cron (6 with seconds), or {minute, hour, day, month, day_of_week}, or [minute, hour, month, day, day_of_week].',
    type: ['string', 'object', 'array'],
  },
  rrule: {
    type: 'string',
    maxLength: MAX_SCHEDULE_TEXT,
    description: `RFC 5545 recurrence rule without DTSTART: "FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9". COUNT at most ${MAX_RRULE_COUNT}; occurrences at most ${MAX_RRULE_PERIODS} FREQ periods apart.`,
  },
  dates: { type: 'array', items: INSTANT, maxItems: MAX_DATES, description: 'Run at each of these instants.' },
  weekly: { type: 'object', description: '{days: "mon-fri" | [mon, fri], at: "09:00"}' },
  monthly: { type: 'object', description: '{days: [1, 15, last], at: "09:00"}' },
  when: { ...INSTANT, type: ['string', 'null'], description: `First run (one-shot) or anchor (repeating). ${INSTANT.description}` },
  timezone: { type: 'string', maxLength: MAX_SCHEDULE_TEXT, description: 'IANA zone (Europe/Paris); UTC when absent.' },
  until: { ...INSTANT, description: 'Nothing runs after this instant.' },
  max_runs: { type: 'integer', minimum: 1, maximum: MAX_RUNS },
  window: {
    type: 'object',
    properties: { dates: { type: 'array', maxItems: MAX_WINDOW_DATES } },
    description: 'Only inside: {between: ["09:00", "17:00"], days: "mon-fri", months: [jun, jul], monthdays: [1, 15, last], dates: ["2026-12-24"], from: "2026-06-01", to: "2026-08-31"} (dates inclusive, read in `timezone`).',
  },
  misfire_grace_time: { ...SHORT_DURATION, description: `How late a run may still start. ${SHORT_DURATION.description}` },
  name: { type: 'string', maxLength: 200, description: 'A label for people; not unique.' },
  overlap: { enum: ['skip', 'queue', 'allow'], default: 'skip' },
  max_instances: { type: 'integer', minimum: 1, maximum: 1000, description: 'At most this many runs of the job at once; absent: the overlap policy alone decides.' },
  timeout: { ...SHORT_DURATION, description: `Abort the run after this long. ${SHORT_DURATION.description}` },
  retries: { type: 'integer', minimum: 0, maximum: 100, default: 0 },
  retry_delay: SHORT_DURATION,
  retry_backoff: {
    anyOf: [{ type: 'boolean' }, { type: 'number', minimum: 1, maximum: 10 }],
    default: false,
    description: 'true doubles the retry delay each attempt; a number from 1 to 10 multiplies it by that factor; false keeps it fixed.',
  },
  extended_properties: { type: 'object', description: `Free metadata, kept as given and shown redacted. At most ${MAX_EXTENDED_PROPERTIES_BYTES} bytes of JSON.` },
  labels: {
    type: 'object',
    maxProperties: MAX_LABELS,
    propertyNames: { pattern: LABEL_NAME_PATTERN },
    additionalProperties: { type: ['string', 'number', 'boolean'], maxLength: MAX_LABEL_VALUE },
    description: 'Labels to filter job lists by (GET /jobs?label=team:data): {team: data}.',
  },
};

/**
 * The JSON Schema of a default-job file for these handlers, for editors (yaml-language-server)
 * and CI; schemas/job-file.schema.json is this for the built-in handlers.
 */
export function jobFileSchema(registry: HandlerRegistry): Record<string, unknown> {
  const handlers = registry.list();
  const names = handlers.flatMap((h) => [h.name, pascalCase(h.name)]);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'bosun default-job file',
    description: "One job per file in default-jobs/. Handler arguments go under `kwargs:`, or at the top level of the file when there is no `kwargs:`.",
    type: 'object',
    required: ['job_id', 'handler'],
    properties: { ...JOB_PROPERTIES, handler: { ...(JOB_PROPERTIES.handler as object), enum: names } },
    allOf: [
      // With `kwargs:`, only job fields may be at the top level.
      { if: { required: ['kwargs'] }, then: { additionalProperties: false, properties: Object.fromEntries(Object.keys(JOB_PROPERTIES).map((k) => [k, true])) } },
      ...handlers.map((h) => ({
        if: { required: ['handler'], properties: { handler: { enum: [h.name, pascalCase(h.name)] } } },
        then: { properties: { kwargs: { ...h.kwargsSchema, description: h.description } } },
      })),
    ],
  };
}
