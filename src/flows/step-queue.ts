import { randomUUID } from 'node:crypto';
import { fromKysely, type PgBoss } from 'pg-boss';
import type { FlowDb } from './schema.ts';

/** The pg-boss queue every flow step attempt travels through. */
export const FLOW_STEP_QUEUE = 'bosun-flow-step';

/** One attempt of one step of one flow run. */
export interface StepMessage {
  flow_run_id: string;
  step_id: string;
  attempt: number;
}

// pg-boss redelivers a message whose holder went silent past its expiry; a step without a
// timeout gets this long, one with a timeout that plus a minute.
const DEFAULT_EXPIRE_SECONDS = 15 * 60;

/** Creates the step queue if it does not exist (idempotent; every instance calls it at start). */
export async function ensureFlowStepQueue(boss: PgBoss): Promise<void> {
  if (await boss.getQueue(FLOW_STEP_QUEUE)) return;
  await boss
    .createQueue(FLOW_STEP_QUEUE, { retryLimit: 3, retryDelay: 1, expireInSeconds: DEFAULT_EXPIRE_SECONDS, deleteAfterSeconds: 86_400, notify: true })
    .catch(async (err: unknown) => {
      // Two instances starting together both see no queue; the loser's create fails harmlessly.
      if (!(await boss.getQueue(FLOW_STEP_QUEUE))) throw err;
    });
}

/** Enqueues step attempts in the caller's transaction, so they exist exactly when the state saying so commits. */
export async function enqueueSteps(boss: PgBoss, db: FlowDb, messages: Array<StepMessage & { startAfter?: Date; timeoutMs: number | null }>): Promise<void> {
  if (messages.length === 0) return;
  const jobs = messages.map(({ startAfter, timeoutMs, ...data }) => ({
    // Random ids: a rerun starts attempt 1 of a step again, and duplicates are harmless (only one claim wins).
    id: randomUUID(),
    data,
    ...(startAfter ? { startAfter } : {}),
    expireInSeconds: timeoutMs === null ? DEFAULT_EXPIRE_SECONDS : Math.ceil(timeoutMs / 1000) + 60,
  }));
  for (let i = 0; i < jobs.length; i += 1000) await boss.insert(FLOW_STEP_QUEUE, jobs.slice(i, i + 1000), { db: fromKysely(db) });
}
