import type { Selectable } from 'kysely';
import type { FailuresTable } from '../db/schema.ts';

/** One failed attempt of a run: the error with its stack and the kwargs as they were. */
export type Failure = Selectable<FailuresTable>;
