import { sql } from 'kysely';
import type { Transaction } from 'kysely';
import type { FlowDB } from './schema.ts';

/**
 * Claims and settles of steps commit without waiting for the WAL flush (most of their time, and
 * while a settle waits for it, the rows it locked stay locked). Visibility and locking are
 * unchanged. It loses nothing a caller relies on: pg-boss completes the step's message after the
 * settle, with a synchronous commit, which flushes the WAL up to and including the settle. Only a
 * crash of PostgreSQL itself in between can forget a settle; the message is then redelivered
 * after its expiry and the still-running step fails as WorkerLost (retried by its policy), the
 * same path as a worker that died. A claim forgotten that way lets the step run again after the
 * message's expiry, as with the engine's claim (src/worker/claim.ts).
 */
export async function fastCommit(trx: Transaction<FlowDB>): Promise<void> {
  await sql`set local synchronous_commit = off`.execute(trx);
}
