import { sql } from 'kysely';
import type { Db } from '../jobs/repository.ts';

/** Whether the whole service fires jobs (`running`) or holds every occurrence (`paused`). */
export type ServiceState = 'running' | 'paused';

const KEY = 'service_state';

/** The service-wide state every instance obeys; `running` until someone pauses it. */
export async function getServiceState(db: Db): Promise<ServiceState> {
  const row = await db.selectFrom('service_settings').select('value').where('key', '=', KEY).executeTakeFirst();
  const state = (row?.value as { state?: unknown } | undefined)?.state;
  return state === 'paused' ? 'paused' : 'running';
}

/** Sets the service-wide state. */
export async function setServiceState(db: Db, state: ServiceState): Promise<void> {
  const value = JSON.stringify({ state });
  await db
    .insertInto('service_settings')
    .values({ key: KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: sql<Date>`now()` }))
    .execute();
}
