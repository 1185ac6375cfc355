import type { Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { DB } from '../db/schema.ts';
import { createJobCommands, type JobCommands } from '../jobs/commands.ts';
import type { Logger } from '../log.ts';
import { DEFAULT_AUDIT_RETENTION_MS, startRetention } from '../maintenance/retention.ts';
import { jobControlFor, type DefineJob } from '../worker/job-control.ts';
import { startWorker, type HandlerResolver, type Worker } from '../worker/worker.ts';
import { ensureFireQueue } from './fire-queue.ts';
import { startReaper } from './reaper.ts';
import type { RunEvent } from '../metrics/run-event.ts';

export interface EngineOptions {
  db: Kysely<DB>;
  boss: PgBoss;
  logger: Logger;
  /** Name recorded on runs and failures (several instances may share a host; add the pid). */
  host: string;
  /** `scheduler`: the reaper and retention; `worker`: fetching and running handlers. */
  scheduler: boolean;
  worker: boolean;
  concurrency: number;
  handlers: HandlerResolver;
  /** Lets handlers create jobs from raw input (context.jobs.create). */
  defineJob?: DefineJob;
  /** Finished runs and failures older than this are pruned. */
  retentionMs: number;
  /** Audit entries older than this are pruned; default DEFAULT_AUDIT_RETENTION_MS. */
  auditRetentionMs?: number;
  shutdownTimeoutMs: number;
  /** Passed to the worker: told as attempts start and end (metrics, tracing). */
  onRunEvent?: (event: RunEvent) => void;
  /** pg-boss's schema (the worker listens for its NOTIFY, a create writes its message there); default `pgboss`. */
  queueSchema?: string;
  /** Tuning, mostly for tests. */
  heartbeatMs?: number;
  silentAfterMs?: number;
  reaperIntervalMs?: number;
  overdueAfterMs?: number;
}

/** bosun's execution engine in one process: the commands every role uses, and the roles' loops. */
export interface Engine {
  commands: JobCommands;
  worker: Worker | undefined;
  /** Stops the worker (letting handlers finish), the reaper and retention; idempotent. */
  stop(): Promise<void>;
}

/** Starts the engine's parts for this process's roles. */
export async function startEngine(options: EngineOptions): Promise<Engine> {
  const { db, boss, logger, host } = options;
  await ensureFireQueue(boss);
  let worker: Worker | undefined;
  const commands = createJobCommands({ db, boss, logger, onEnqueued: (_jobId, instant) => worker?.wakeAt(instant), reserveSlot: () => worker?.reserve(), host: options.host, queueSchema: options.queueSchema });
  const stops: Array<() => Promise<void> | void> = [];
  try {
    if (options.worker) {
      worker = await startWorker({
        db,
        boss,
        logger,
        host,
        concurrency: options.concurrency,
        handlers: options.handlers,
        jobControl: (job) => jobControlFor(commands, options.defineJob, job),
        heartbeatMs: options.heartbeatMs,
        queueSchema: options.queueSchema,
        shutdownTimeoutMs: options.shutdownTimeoutMs,
        onRunEvent: options.onRunEvent,
      });
      const started = worker;
      stops.push(() => started.stop());
    }
    if (options.scheduler) {
      const heartbeatMs = options.heartbeatMs ?? 2000;
      stops.push(
        startReaper({
          db,
          boss,
          logger: logger.child({ component: 'reaper' }),
          host,
          silentAfterMs: options.silentAfterMs ?? Math.max(15_000, heartbeatMs * 5),
          overdueAfterMs: options.overdueAfterMs ?? 3000,
          intervalMs: options.reaperIntervalMs ?? 5000,
        }),
      );
      stops.push(await startRetention(boss, db, { runsMs: options.retentionMs, auditMs: options.auditRetentionMs ?? DEFAULT_AUDIT_RETENTION_MS }, logger));
    }
  } catch (err) {
    for (const stop of stops.reverse()) await stop();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    commands,
    worker,
    stop() {
      stopped ??= (async () => {
        for (const stop of [...stops].reverse()) {
          await Promise.resolve(stop()).catch((err: unknown) => logger.error({ err }, 'error while stopping the engine'));
        }
      })();
      return stopped;
    },
  };
}
