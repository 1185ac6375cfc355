import type { Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { DB } from '../db/schema.ts';
import type { JobControl } from '../handlers/base-handler.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import type { JobCommands } from '../jobs/commands.ts';
import type { Logger } from '../log.ts';
import type { DefineJob } from '../worker/job-control.ts';
import { flowCatalog, type FlowCatalog } from './flow-catalog.ts';
import { createFlowCommands, type FlowCommands } from './flow-commands.ts';
import { startFlowWorker, type FlowWorker } from './flow-worker.ts';
import { invalidFlowFiles, loadFlowFiles } from './load-flow-files.ts';
import { installFlowCatalog, installFlows } from './runtime.ts';
import { withFlowTables, type FlowRunRow, type FlowStepRow } from './schema.ts';
import { ensureFlowStepQueue } from './step-queue.ts';
import { liveFlowCatalog } from './live-catalog.ts';
import { createFlowDefinitionCommands } from './flow-definitions.ts';

/** How often each instance looks for flows defined through the API on another one. */
export const FLOW_REFRESH_MS = 1000;

export interface FlowsOptions {
  flowsDir: string;
  db: Kysely<DB>;
  boss: PgBoss;
  registry: HandlerRegistry;
  logger: Logger;
  host: string;
  /** Run steps in this process (the worker role). */
  worker: boolean;
  concurrency: number;
  shutdownTimeoutMs: number;
  /**
   * What step handlers may do to jobs (context.jobs): the engine's commands and definer, read when
   * a step uses them, so flows can start before the engine (whose flow-scheduling runs need flows).
   */
  jobs?: () => { commands: Pick<JobCommands, 'create' | 'upsert' | 'runNow'>; defineJob?: DefineJob } | undefined;
  onStepSettled?: (run: FlowRunRow, step: FlowStepRow) => void;
  /** The flows already loaded by loadFlowCatalog (startup loads them before the default jobs); else read from flowsDir. */
  catalog?: FlowCatalog;
  /** How often to look for flows another instance defined (FLOW_REFRESH_MS by default). */
  refreshMs?: number;
}

export interface Flows {
  commands: FlowCommands;
  worker: FlowWorker | undefined;
  /** Stops the flow worker and uninstalls the flows; idempotent. */
  stop(): Promise<void>;
}

function stepJobControl(options: FlowsOptions, run: FlowRunRow): JobControl {
  return {
    async create(input, opts) {
      const jobs = options.jobs?.();
      if (!jobs?.defineJob) throw new Error('this bosun process cannot define jobs from flow steps');
      const def = jobs.defineJob(input, run.owner);
      if (opts?.replace) return (await jobs.commands.upsert([def]))[0]!.job.job_id;
      return (await jobs.commands.create(def)).job_id;
    },
    async runNow(jobId) {
      const jobs = options.jobs?.();
      if (!jobs) throw new Error('this bosun process cannot run jobs from flow steps');
      return (await jobs.commands.runNow(jobId)).run_id;
    },
  };
}

/**
 * Reads and checks every flow file (a broken one throws, naming file:line:column) and installs the
 * flows as the ones job definitions are checked against (flow-scheduling's flow_name), without a
 * database: startup calls it before validating the default-job files, `bosun validate` too.
 */
export async function loadFlowCatalog(flowsDir: string, registry: HandlerRegistry, logger: Logger): Promise<{ catalog: FlowCatalog; uninstall: () => void }> {
  const { flows, problems } = await loadFlowFiles(flowsDir, registry);
  if (problems.length > 0) throw invalidFlowFiles(problems);
  logger.info({ flows: flows.map((f) => f.name), dir: flowsDir }, 'flows loaded');
  const catalog = flowCatalog(flows);
  return { catalog, uninstall: installFlowCatalog(catalog) };
}

/**
 * Startup's step for flows: loads and checks every flow file (a broken one stops startup, naming
 * file:line:column), installs the flow commands for the API and the flow-scheduling handlers,
 * and with the worker role starts running steps.
 */
export async function startFlows(options: FlowsOptions): Promise<Flows> {
  const loaded = options.catalog ? undefined : await loadFlowCatalog(options.flowsDir, options.registry, options.logger);
  const catalog = options.catalog ?? loaded!.catalog;
  const db = withFlowTables(options.db);
  await ensureFlowStepQueue(options.boss);
  // From here on, jobs and permissions see the API-defined flows too.
  const live = liveFlowCatalog(catalog, db, options.registry, options.logger);
  await live.refresh();
  const uninstallCatalog = installFlowCatalog(live);
  const refresher = setInterval(() => {
    live.refresh().catch((err: unknown) => options.logger.warn({ err, component: 'flows' }, 'could not read the flows table; API-defined flows may be stale'));
  }, options.refreshMs ?? FLOW_REFRESH_MS);
  refresher.unref();
  const definitions = createFlowDefinitionCommands({ db, registry: options.registry, catalog: live, logger: options.logger });
  const commands = createFlowCommands({ db, boss: options.boss, registry: options.registry, catalog: live, definitions, logger: options.logger, host: options.host });
  const uninstallCommands = installFlows(commands);
  const uninstall = () => {
    clearInterval(refresher);
    uninstallCommands();
    uninstallCatalog();
    loaded?.uninstall();
  };
  let worker: FlowWorker | undefined;
  try {
    if (options.worker) {
      worker = await startFlowWorker({
        db,
        boss: options.boss,
        registry: options.registry,
        logger: options.logger,
        host: options.host,
        concurrency: options.concurrency,
        shutdownTimeoutMs: options.shutdownTimeoutMs,
        jobControl: (run) => stepJobControl(options, run),
        ...(options.onStepSettled ? { onStepSettled: options.onStepSettled } : {}),
      });
    }
  } catch (err) {
    uninstall();
    throw err;
  }
  let stopped: Promise<void> | undefined;
  return {
    commands,
    worker,
    stop() {
      stopped ??= (async () => {
        await worker?.stop();
        uninstall();
      })();
      return stopped;
    },
  };
}
