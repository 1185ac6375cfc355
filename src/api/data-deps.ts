import type { Hono, Handler } from 'hono';
import type { Db } from '../db/database.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import type { Job, JobDefinition } from '../jobs/job.ts';
import type { Run } from '../runs/run.ts';
import type { ApiEnv } from './api-env.ts';
import type { RequestValidator } from './request-validation.ts';

/** The engine's commands the API calls (src/jobs/commands.ts implements them); every write goes through here. */
export interface JobCommandsPort {
  create(def: JobDefinition): Promise<Job>;
  update(jobId: string, def: JobDefinition): Promise<Job>;
  setState(jobId: string, state: 'running' | 'paused'): Promise<Job>;
  remove(jobId: string): Promise<void>;
  runNow(jobId: string): Promise<Run>;
  cancelRun(runId: string): Promise<Run>;
  getServiceState(): Promise<'running' | 'paused'>;
  setServiceState(state: 'running' | 'paused'): Promise<void>;
}

/** What the job, run, failure and handler routes read and write. */
export interface DataDeps {
  db: Db;
  commands: JobCommandsPort;
  registry: HandlerRegistry;
  now?: () => Date;
  /** Job views kept as JSON by GET /jobs (src/api/job-view-cache.ts); 0 = none. */
  jobViewCacheSize?: number;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/** Registers one operation: the spec path (`/jobs/{job_id}`) names both the Hono route and its validator. */
export function operation(app: Hono<ApiEnv>, validator: RequestValidator, method: Method, specPath: string, handler: Handler<ApiEnv>): void {
  app.on(method, specPath.replace(/\{([^}]+)\}/g, ':$1'), validator.route(specPath), handler);
}
