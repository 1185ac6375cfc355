import { createHash } from 'node:crypto';
import type pg from 'pg';

// pg-boss's job insert (send, insert: `… FROM json_to_recordset($1::text::json) …`) is a long
// statement whose text depends only on the queue, never on the jobs (they travel in $1). Sent
// unnamed, Postgres parses and plans it on every call: ≈ 0.9 ms of its CPU, three times what
// running it costs, and the largest cost of creating a job. Named, each connection prepares it
// once. Only texts matching this are named, so the prepared statements per connection stay few
// (one per queue and variant).
const REPEATED = 'json_to_recordset($1::text::json)';
const names = new Map<string, string>();

/** The statement name for a text worth preparing once per connection, else undefined. */
export function preparedName(text: string): string | undefined {
  // Every query passes here: the substring test first, the map (which hashes the text) only on a match.
  if (!text.includes(REPEATED)) return undefined;
  let name = names.get(text);
  if (name === undefined) {
    name = `bosun_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/** Makes `client` send the statements preparedName() picks as named (prepared) statements. */
export function prepareRepeatedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (config: unknown, values?: unknown, callback?: unknown) => unknown;
  (client as unknown as { query: typeof query }).query = (config, values, callback) => {
    const name = typeof config === 'string' && Array.isArray(values) ? preparedName(config) : undefined;
    return name === undefined ? query(config, values, callback) : query({ name, text: config, values }, undefined, callback);
  };
}
