import type { HandlerRegistry } from '../handlers/registry.ts';
import { pascalCase } from '../handlers/registry.ts';

const DURATION = { type: ['string', 'number'], description: 'A duration: "90s", "5 minutes", "5:00:00" (h:mm:ss), "PT5H", or a number of seconds.' };
const INSTANT = { type: 'string', description: 'ISO-8601 ("2026-12-01T08:00:00Z"), or the short form "Mon Feb 20, 14:56"; read in `timezone`.' };

/** The job fields of a file, described for editors (the checks themselves are defineJob's). */
const JOB_PROPERTIES: Record<string, unknown> = {
  job_id: { type: 'string', pattern: '^[A-Za-z0-9._:@/-]{1,200}$', description: 'Unique id; the key the file is applied by. Required in a file.' },
  handler: { type: 'string', description: 'Name (`command`) or class name (`Command`) of a handler.' },
  kwargs: { type: 'object', description: "The handler's arguments. Without `kwargs:`, every key that is not a job field is one." },
  description: { type: ['string', 'null'], maxLength: 2000 },
  state: { enum: ['running', 'active', 'paused'], default: 'running', description: 'Applied when the file changes; a pause made through the API lasts until then.' },
  periodically: { ...DURATION, description: `Repeat interval. ${DURATION.description}` },
  cron: {
    description: '5-field cron (6 with seconds), or {minute, hour, day, month, day_of_week}, or [minute, hour, month, day, day_of_week].',
    type: ['string', 'object', 'array'],
  },
  rrule: { type: 'string', description: 'RFC 5545 recurrence rule without DTSTART: "FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9".' },
  dates: { type: 'array', items: INSTANT, description: 'Run at each of these instants.' },
  weekly: { type: 'object', description: '{days: "mon-fri" | [mon, fri], at: "09:00"}' },
  monthly: { type: 'object', description: '{days: [1, 15, last], at: "09:00"}' },
  when: { ...INSTANT, type: ['string', 'null'], description: `First run (one-shot) or anchor (repeating). ${INSTANT.description}` },
  timezone: { type: 'string', description: 'IANA zone (Europe/Paris); UTC when absent.' },
  until: { ...INSTANT, description: 'Nothing runs after this instant.' },
  max_runs: { type: 'integer', minimum: 1 },
  window: { type: 'object', description: '{between: ["09:00", "17:00"], days: "mon-fri", months: [jun, jul]}' },
  misfire_grace_time: { ...DURATION, description: `How late a run may still start. ${DURATION.description}` },
  overlap: { enum: ['skip', 'queue', 'allow'], default: 'skip' },
  timeout: { ...DURATION, description: `Abort the run after this long. ${DURATION.description}` },
  retries: { type: 'integer', minimum: 0, maximum: 100, default: 0 },
  retry_delay: DURATION,
  retry_backoff: { type: 'boolean', default: false },
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
