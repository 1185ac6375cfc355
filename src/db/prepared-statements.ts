import { createHash } from 'node:crypto';
import type pg from 'pg';

// Some statements run so often that parsing and planning them on every call (what an unnamed
// statement costs) is a large part of their price; named, each connection prepares them once.
// - pg-boss's job insert (send, insert: `… FROM json_to_recordset($1::text::json) …`): its text
//   depends only on the queue, never on the jobs (they travel in $1); planning it was ≈ 0.9 ms
//   of PostgreSQL's CPU, three times running it, and the largest cost of creating a job.
// - bosun's worker statements marked PREPARE (the claim's lock, run insert and job update, the
//   settle): arrays in, one text each. Named: 845 → 1 155–1 200 runs/s at concurrency 10, and
//   PostgreSQL CPU 10 → 6.5 s for 10 000 runs (bench/throughput.ts).
// - a create's one statement (job, pg-boss message, audit entry: src/jobs/create-statement.ts),
//   bosun's job insert, the bulk job insert and a lone audit entry, also marked PREPARE.
// Only texts matching these are named, so the prepared statements per connection stay few.
const REPEATED = 'json_to_recordset($1::text::json)';
/** Put in a statement's text (`${sql.raw(PREPARE)}`) to have it prepared once per connection. */
export const PREPARE = '/* bosun:prepare */';
const names = new Map<string, string>();

/** The statement name for a text worth preparing once per connection, else undefined. */
export function preparedName(text: string): string | undefined {
  // Every query passes here: the substring tests first, the map (which hashes the text) only on a match.
  if (!text.includes(PREPARE) && !text.includes(REPEATED)) return undefined;
  let name = names.get(text);
  if (name === undefined) {
    name = `bosun_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

// A prepared statement whose result type a migration changed (a column added to a table it
// selects `*` of: another instance upgraded while this one runs) fails with this, on that
// connection, every time. The failed call cannot be retried (its transaction is aborted), but
// from then on that connection sends the text unnamed, so the next attempt works.
const RESULT_TYPE_CHANGED = 'cached plan must not change result type';

/** Makes `client` send the statements preparedName() picks as named (prepared) statements. */
export function prepareRepeatedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (config: unknown, values?: unknown, callback?: unknown) => Promise<unknown>;
  const stale = new Set<string>();
  (client as unknown as { query: typeof query }).query = (config, values, callback) => {
    const name = typeof config === 'string' && Array.isArray(values) ? preparedName(config) : undefined;
    if (name === undefined || stale.has(name)) return query(config, values, callback);
    const sent = query({ name, text: config, values }, undefined, callback);
    // With a callback pg returns nothing; bosun (through kysely) and pg-boss use promises.
    return sent?.catch((err: unknown) => {
      if (err instanceof Error && err.message.includes(RESULT_TYPE_CHANGED)) stale.add(name);
      throw err;
    });
  };
}
