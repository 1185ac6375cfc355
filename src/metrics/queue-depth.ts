import { sql, type Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { DB } from '../db/schema.ts';
import { FIRE_QUEUE } from '../scheduler/fire-queue.ts';

/** Messages on the fire queue by state, counted from pg-boss's table. */
export async function queueDepth(db: Kysely<DB>, bossSchema: string): Promise<{ ready: number; deferred: number; active: number }> {
  // pg-boss's own getQueue() counts are a cache refreshed by its monitor; a scrape wants them now.
  const { rows } = await sql<{ ready: string; deferred: string; active: string }>`
    select count(*) filter (where state in ('created', 'retry') and start_after <= now()) as ready,
           count(*) filter (where state in ('created', 'retry') and start_after > now()) as deferred,
           count(*) filter (where state = 'active') as active
      from ${sql.table(`${bossSchema}.job`)}
     where name = ${FIRE_QUEUE}`.execute(db);
  const row = rows[0];
  return { ready: Number(row?.ready ?? 0), deferred: Number(row?.deferred ?? 0), active: Number(row?.active ?? 0) };
}

/** bosun_queue_depth{state}, read from the database on each scrape. */
export function registerQueueDepth(registry: Registry, db: Kysely<DB>, bossSchema: string): void {
  new Gauge({
    name: 'bosun_queue_depth',
    help: 'Messages on the fire queue: ready (due, waiting for a worker), deferred (due later), active (being handled)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const depth = await queueDepth(db, bossSchema);
      for (const [state, value] of Object.entries(depth)) this.set({ state }, value);
    },
  });
}
