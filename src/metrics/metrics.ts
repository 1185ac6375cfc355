import type { Kysely } from 'kysely';
import type { MiddlewareHandler } from 'hono';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { DB } from '../db/schema.ts';
import { httpMetrics } from './http-metrics.ts';
import { registerQueueDepth } from './queue-depth.ts';
import type { RunObserver } from './run-event.ts';
import { createRunMetrics } from './run-metrics.ts';

/** The Prometheus metrics of one bosun process. */
export interface Metrics {
  registry: Registry;
  /** Pass to the worker as its onRunEvent. */
  observeRun: RunObserver;
  /** Hono middleware for the API's request metrics. */
  http: MiddlewareHandler;
  /** The exposition text and its content type, for GET /metrics. */
  render(): Promise<{ body: string; contentType: string }>;
}

/** Metrics on a registry of their own (so several services in one test process do not mix), with process metrics. */
export function createMetrics(options: { db?: Kysely<DB>; bossSchema?: string } = {}): Metrics {
  const registry = new Registry();
  // Unprefixed (process_*, nodejs_*), as the usual Node.js dashboards expect.
  collectDefaultMetrics({ register: registry });
  // Queue depth needs the database; an app built without one (tests of the HTTP layer) goes without.
  if (options.db) registerQueueDepth(registry, options.db, options.bossSchema ?? 'pgboss');
  return {
    registry,
    observeRun: createRunMetrics(registry),
    http: httpMetrics(registry),
    async render() {
      return { body: await registry.metrics(), contentType: registry.contentType };
    },
  };
}
