import type { Selectable } from 'kysely';
import type { RunsTable, RunStatus, RunTrigger, RunLogLine } from '../db/schema.ts';

export type { RunStatus, RunTrigger, RunLogLine };

/** One firing of a job for one scheduled instant (or a manual / flow run), with its outcome and log. */
export type Run = Selectable<RunsTable>;

/** Statuses a run ends in; a run in one of these never changes again. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'timed_out', 'cancelled', 'misfired', 'skipped'];
