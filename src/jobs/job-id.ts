/**
 * Which job ids bosun accepts for a new job: ones every route can address. A path segment of
 * "." or ".." is removed by every URL parser before it reaches bosun, and an id equal to a literal
 * segment of a route in the same place (`/jobs/clean-failed`) would be shadowed by that route.
 * `/` is allowed: percent-encoded (encodeURIComponent) it stays one segment. The same rule is
 * openapi.yaml's job_id pattern and the default-job file schema's; a test holds them equal and
 * derives the reserved ids from openapi.yaml's paths.
 */
import { ValidationError } from '../errors.ts';

export const MAX_JOB_ID_LENGTH = 200;

/** Literal segments that routes use where a job id goes (`/jobs/{job_id}`). */
export const RESERVED_JOB_IDS: readonly string[] = ['clean-failed'];

/** The rule as a JSON Schema / ECMAScript pattern. */
export const JOB_ID_PATTERN = `^(?!\\.{1,2}$)(?!(?:${RESERVED_JOB_IDS.join('|')})$)[A-Za-z0-9._:@/-]{1,${MAX_JOB_ID_LENGTH}}$`;
const JOB_ID = new RegExp(JOB_ID_PATTERN);

/** Refuses an id a new job may not have, saying why. Ids stored before the rule stay readable and deletable. */
export function checkJobId(value: string): string {
  if (value === '.' || value === '..') throw new ValidationError(`job_id ${JSON.stringify(value)} cannot be addressed in a URL; choose another`, { field: 'job_id' });
  if (RESERVED_JOB_IDS.includes(value)) {
    throw new ValidationError(`job_id ${JSON.stringify(value)} is taken by a route (/jobs/${value}); choose another`, { field: 'job_id' });
  }
  if (!JOB_ID.test(value)) {
    throw new ValidationError(`job_id ${JSON.stringify(value)} must be 1 to ${MAX_JOB_ID_LENGTH} characters of letters, digits and . _ : @ / - (no spaces)`, { field: 'job_id' });
  }
  return value;
}
