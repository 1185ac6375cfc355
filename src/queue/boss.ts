import { PgBoss } from 'pg-boss';
import type { Logger } from '../log.ts';

export type { PgBoss };

/** Starts pg-boss on bosun's database in its own schema; its errors are logged, never unhandled. */
export async function startBoss(url: string, schema: string, logger: Logger): Promise<PgBoss> {
  const log = logger.child({ component: 'pg-boss' });
  // propagateContext: each message carries the trace context of its send, so the span that
  // processes it continues the run's trace (a no-op until src/tracing registers an SDK).
  const boss = new PgBoss({ connectionString: url, schema, application_name: 'bosun-queue', useListenNotify: true, openTelemetry: { propagateContext: true } });
  // pg-boss emits 'error' for background failures (maintenance, lost connections);
  // an EventEmitter without a listener would crash the process on them.
  boss.on('error', (err) => log.error({ err }, 'pg-boss error'));
  boss.on('warning', (warning) => log.warn({ warning }, 'pg-boss warning'));
  await boss.start();
  return boss;
}
