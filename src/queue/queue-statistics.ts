import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

/**
 * A backlog arriving on a queue table whose planner statistics were taken while it held few
 * waiting messages makes pg-boss's fetch plan badly: the statistics say "a handful of rows
 * match", so PostgreSQL reads every waiting message and sorts them all to hand out ten (measured:
 * 2–20 ms a fetch with 5 000–10 000 waiting, against 0.5 ms with fresh statistics). Autovacuum
 * fixes it, but only on its next round (a minute by default) and only once 10 % of the table has
 * changed, which a retained history of completed messages can put far off. So a worker that sees
 * a backlog asks for fresh statistics itself, when enough changed since the last ones.
 */
export const STALE_AFTER_CHANGES = 1000;
const MIN_INTERVAL = '30 seconds';

/**
 * Analyzes `queue`'s table in `schema` when it was never analyzed (a new install's first burst:
 * without statistics every take sorts all waiting messages), or when at least STALE_AFTER_CHANGES
 * rows changed since its statistics were last taken and either those are older than 30 s or more
 * rows changed than they counted (an analyze of the empty queue a moment before a backlog must not
 * hold the next one off); true when it did. One statement.
 */
export async function refreshQueueStatistics(db: Kysely<DB>, schema: string, queue: string): Promise<boolean> {
  const { rows } = await sql<{ analyze: string | null }>`
    select format('analyze %I.%I', ${schema}::text, q.table_name) as analyze
    from ${sql.id(schema, 'queue')} q
    join pg_stat_user_tables s on s.schemaname = ${schema} and s.relname = q.table_name
    join pg_class c on c.oid = s.relid
    where q.name = ${queue}
      and (s.n_mod_since_analyze >= ${STALE_AFTER_CHANGES} or c.reltuples < 0)
      and (coalesce(greatest(s.last_analyze, s.last_autoanalyze), '-infinity') < now() - ${MIN_INTERVAL}::interval
        or s.n_mod_since_analyze > greatest(c.reltuples, 0))`.execute(db);
  const statement = rows[0]?.analyze;
  if (!statement) return false;
  await sql.raw(statement).execute(db);
  return true;
}
