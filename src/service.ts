import type { Config } from './config.ts';
import type { Logger } from './log.ts';
import type { EmbeddedServer } from './db/embedded-postgres.ts';
import { serviceDatabase } from './db/connect-target.ts';
import { openDatabase, type Database } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { startBoss, stopBoss, type PgBoss } from './queue/boss.ts';
import { createApp } from './api/app.ts';
import { bindApi, type ApiListener } from './api/listener.ts';
import { serviceUrl } from './service-url.ts';
import { startDefaultJobs } from './default-jobs/startup.ts';
import { loadConfiguredHandlers } from './handlers/registry.ts';
import { createJobCommands } from './jobs/commands.ts';
import { ensureFireQueue } from './scheduler/fire-queue.ts';
import { apiDeps } from './api/api-deps.ts';
import { hostname } from 'node:os';
import { loadFlowCatalog, startFlows } from './flows/startup.ts';
import { startEngine } from './scheduler/engine.ts';
import { defineJob } from './jobs/define-job.ts';
import { assertMayDefine } from './auth/permitted-commands.ts';
import { jobIdentity } from './auth/handler-permission.ts';
import { knownFlowCatalog } from './flows/runtime.ts';
import { createMetrics } from './metrics/metrics.ts';
import { auditedCommands } from './audit/audited-commands.ts';
import { currentActor } from './audit/actor-context.ts';
import { YAML_SYNC_ACTOR } from './audit/audit-entry.ts';
import { fanOut } from './metrics/run-event.ts';
import { startTracing } from './tracing/tracing.ts';
import { createRunSpans, type RunSpans } from './tracing/run-spans.ts';

/** A running bosun: where it answers, and how to stop it. */
export interface Service {
  /** Base URL of the HTTP API, when this process runs the `api` role. */
  url: string | undefined;
  databaseUrl: string;
  database: Database;
  boss: PgBoss;
  /** Stops HTTP, then work in flight, then pg-boss, the pool and embedded Postgres; idempotent. */
  stop(): Promise<void>;
  /** After a second signal: stop the embedded Postgres at once and give up on the rest. */
  forceStop(): Promise<void>;
}

/** Starts every part this process's roles need, in dependency order; undoes what started on failure. */
export async function startService(config: Config, logger: Logger): Promise<Service> {
  const stack: Array<() => Promise<void>> = [];
  const unwind = async () => {
    while (stack.length > 0) {
      const step = stack.pop()!;
      await step().catch((err: unknown) => logger.error({ err }, 'error while stopping'));
    }
  };

  let embedded: EmbeddedServer | undefined;
  // Names this process in run rows, failure rows and traces.
  const host = `${hostname()}:${process.pid}`;
  try {
    // The API's port before any work: a taken PORT fails here, not after initdb, migrations, the
    // YAML sync and the workers. Requests get 503 until the app is handed over below.
    let listener: ApiListener | undefined;
    if (config.roles.has('api')) {
      const bound = await bindApi(config.host, config.port);
      listener = bound;
      stack.push(() => bound.close());
    }

    // OpenTelemetry first, so every span (pg-boss's included) has the SDK; its SDK is loaded
    // only when an OTLP endpoint is configured. Stopped last: spans of the shutdown are exported.
    let runSpans: RunSpans | undefined;
    if (config.tracing) {
      const tracing = await startTracing(config.tracing, host, logger);
      const spans = createRunSpans();
      runSpans = spans;
      stack.push(async () => {
        spans.end();
        await tracing.shutdown();
      });
    }

    const target = await serviceDatabase(config, logger);
    embedded = target.embedded;
    if (embedded) stack.push(() => embedded!.stop());
    const databaseUrl = target.url;

    const database = openDatabase(databaseUrl, logger, config.concurrency + 5);
    stack.push(() => database.close());
    await migrateToLatest(database.db);
    let migrated = true;

    const boss = await startBoss(databaseUrl, config.bossSchema, logger);
    stack.push(() => stopBoss(boss, { graceful: true, timeout: config.shutdownTimeoutMs }));

    // Every handler, then the default-jobs folder: a broken file stops startup here. Creating
    // default jobs enqueues their first occurrences, so the fire queue must exist first.
    await ensureFireQueue(boss);
    // The flows folder is read before the default-job files, so a job file naming an unknown
    // flow (flow-scheduling's flow_name) is refused here too.
    const handlers = await loadConfiguredHandlers(config);
    const flowCatalog = await loadFlowCatalog(config.flowsDir, handlers, logger);
    stack.push(async () => flowCatalog.uninstall());
    const { registry } = await startDefaultJobs({
      config,
      db: database.db,
      commands: auditedCommands(createJobCommands({ db: database.db, boss, logger, queueSchema: config.bossSchema }), { db: database.db, logger, actor: YAML_SYNC_ACTOR }),
      logger,
      registry: handlers,
      // The port actually bound (PORT=0 picks one), on an address this machine reaches it by.
      apiUrl: serviceUrl(config.host, listener?.port ?? config.port),
    });

    // Jobs created by handlers (context.jobs) are validated like API input, and may use powerful
    // handlers only as the creating job may (src/auth/handler-permission.ts jobIdentity).
    const defineHandlerJob = (input: Record<string, unknown>, owner: string | null) => {
      const def = defineJob(input, { registry, now: new Date(), source: 'api', owner });
      assertMayDefine(jobIdentity(owner), [def], registry, knownFlowCatalog());
      return def;
    };

    // Flows (docs/flows.md): started before the engine, so flow-scheduling runs find them.
    let engine: Awaited<ReturnType<typeof startEngine>> | undefined;
    const flows = await startFlows({
      catalog: flowCatalog.catalog,
      flowsDir: config.flowsDir,
      db: database.db,
      boss,
      registry,
      logger,
      host,
      worker: config.roles.has('worker'),
      concurrency: config.concurrency,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      jobs: () => engine && { commands: engine.commands, defineJob: defineHandlerJob },
    });
    stack.push(() => flows.stop());

    // The execution engine: the worker role runs handlers, the scheduler role the reaper and
    // retention; every role gets the commands (a local worker is woken by what they enqueue).
    const metrics = createMetrics({ db: database.db, bossSchema: config.bossSchema });
    engine = await startEngine({
      db: database.db,
      boss,
      logger,
      host,
      scheduler: config.roles.has('scheduler'),
      worker: config.roles.has('worker'),
      concurrency: config.concurrency,
      handlers: registry,
      defineJob: defineHandlerJob,
      retentionMs: config.retentionMs,
      auditRetentionMs: config.auditRetentionMs,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      queueSchema: config.bossSchema,
      onRunEvent: runSpans ? fanOut(metrics.observeRun, runSpans.observeRun) : metrics.observeRun,
    });
    const started = engine;
    stack.push(() => started.stop());

    let url: string | undefined;
    if (listener) {
      // What API callers change is recorded in the audit log as the token's user.
      const commands = auditedCommands(engine.commands, { db: database.db, logger, actor: () => currentActor() ?? 'system' });
      const app = createApp({ ...(await apiDeps(config, { database, boss, logger, registry, commands, ready: async () => migrated && (await database.ping()) })), metrics });
      listener.serve(app.fetch);
      url = listener.url;
      logger.info({ url, ui: `${url}/api/v1/ui/` }, 'bosun API listening');
    }

    let stopping: Promise<void> | undefined;
    return {
      url,
      databaseUrl,
      database,
      boss,
      stop() {
        stopping ??= (async () => {
          migrated = false;
          logger.info('stopping');
          // HTTP first: no request may reach parts already stopped.
          await listener?.close();
          await unwind();
          logger.info('stopped');
        })();
        return stopping;
      },
      async forceStop() {
        await embedded?.stop();
      },
    };
  } catch (err) {
    await unwind();
    throw err;
  }
}
