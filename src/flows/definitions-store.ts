import { sql } from 'kysely';
import type { FlowDb, FlowDefinitionRow } from './schema.ts';

// The flows table (0014): flows defined through the API, as posted. Every write takes a new
// revision from one sequence, so a fingerprint of (name, revision) changes with any write.

/** Every API-defined flow, by name. */
export async function listFlowDefinitions(db: FlowDb): Promise<FlowDefinitionRow[]> {
  return db.selectFrom('flows').selectAll().orderBy('name').execute();
}

/** A digest of every (name, revision): equal digests, equal flows. Cheap enough to ask every second. */
export async function flowDefinitionsFingerprint(db: FlowDb): Promise<string> {
  const { rows } = await sql<{ fingerprint: string }>`
    select md5(coalesce(string_agg(name || ':' || revision, ',' order by name), '')) as fingerprint from flows`.execute(db);
  return rows[0]!.fingerprint;
}

/** How many flows are defined through the API. */
export async function countFlowDefinitions(db: FlowDb): Promise<number> {
  const { n } = await db.selectFrom('flows').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(n);
}

/** The API-defined flow `name`, locked for the transaction. */
export async function lockFlowDefinition(db: FlowDb, name: string): Promise<FlowDefinitionRow | undefined> {
  return db.selectFrom('flows').selectAll().where('name', '=', name).forUpdate().executeTakeFirst();
}

/** Stores a new flow; undefined when the name is taken. */
export async function insertFlowDefinition(db: FlowDb, name: string, definition: Record<string, unknown>, owner: string | null): Promise<FlowDefinitionRow | undefined> {
  return db
    .insertInto('flows')
    .values({ name, definition: JSON.stringify(definition), owner })
    .onConflict((oc) => oc.column('name').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Replaces a flow's definition (a new revision); its owner stays. */
export async function replaceFlowDefinition(db: FlowDb, name: string, definition: Record<string, unknown>): Promise<FlowDefinitionRow> {
  return db
    .updateTable('flows')
    .set({ definition: JSON.stringify(definition), revision: sql`nextval('flow_revisions')`, updated_at: sql`now()` } as never)
    .where('name', '=', name)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Deletes a flow; true when there was one. */
export async function deleteFlowDefinition(db: FlowDb, name: string): Promise<boolean> {
  const result = await db.deleteFrom('flows').where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Jobs whose kwargs start the flow (flow-scheduling and its kin), a few of them; with `notOwnedBy`, those of other owners only. */
export async function jobsStartingFlow(db: FlowDb, name: string, options: { notOwnedBy?: string | null; limit?: number } = {}): Promise<string[]> {
  let q = db.selectFrom('jobs').select('job_id').where(sql<boolean>`kwargs->>'flow_name' = ${name}`);
  if (options.notOwnedBy !== undefined) q = q.where(sql<boolean>`owner is distinct from ${options.notOwnedBy}`);
  const rows = await q.orderBy('job_id').limit(options.limit ?? 10).execute();
  return rows.map((r) => r.job_id);
}
