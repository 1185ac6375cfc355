// Shared set-up of the flow integration tests: a migrated database of the file's own, pg-boss,
// test handlers that record when they ran, and flows started from YAML text.
import { after } from 'node:test';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PgBoss } from 'pg-boss';
import { migratedDatabase, testLogger } from '../../helpers/database.ts';
import { BaseHandler, type HandlerContext, type JsonSchema } from '../../../src/handlers/base-handler.ts';
import { registryOf } from '../../../src/handlers/registry.ts';
import { startFlows, type Flows } from '../../../src/flows/startup.ts';
import type { FlowRunRow, FlowStepRow } from '../../../src/flows/schema.ts';
import { Noop } from '../../../handlers/noop.ts';

/** What the `probe` handler saw, by step key (`<flow_run_id>/<name>`). */
export const probes: Array<{ name: string; start: number; end: number; failed: boolean }> = [];
/** Names the `probe` handler fails for while they are in this set. */
export const failing = new Set<string>();
/** Names the `probe` handler fails for this many more times. */
export const failTimes = new Map<string, number>();

/** Sleeps `ms`, records start and end, fails while its name is in `failing`, returns {name, echo}. */
export class Probe extends BaseHandler<{ name: string; ms: number; echo?: unknown }, { name: string; echo: unknown }> {
  static override name = 'probe';
  static override kwargsSchema: JsonSchema = {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, ms: { type: 'integer', default: 0 }, echo: {} },
  };
  override async execute(kwargs: { name: string; ms: number; echo?: unknown }, context: HandlerContext) {
    const start = Date.now();
    await new Promise((r) => setTimeout(r, kwargs.ms));
    const times = failTimes.get(kwargs.name) ?? 0;
    if (times > 0) failTimes.set(kwargs.name, times - 1);
    const failed = failing.has(kwargs.name) || times > 0;
    probes.push({ name: kwargs.name, start, end: Date.now(), failed });
    context.log.info(`probe ${kwargs.name}`);
    if (failed) throw Object.assign(new Error(`probe ${kwargs.name} told to fail`), { exitCode: 3 });
    return { name: kwargs.name, echo: kwargs.echo ?? null };
  }
}

/** A database, pg-boss and flows from `files` (name → YAML text), stopped when the test file ends. */
export async function flowsFixture(files: Record<string, string>, options: { concurrency?: number } = {}) {
  const database = await migratedDatabase();
  const boss = new PgBoss({ connectionString: database.url, useListenNotify: true, max: 20 });
  boss.on('error', (err) => testLogger.error({ err }, 'pg-boss error'));
  await boss.start();
  after(() => boss.stop({ graceful: false, close: true }));
  const dir = await mkdtemp(join(tmpdir(), 'bosun-flows-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  const registry = registryOf([Probe, Noop] as never);
  const settled: Array<{ run: FlowRunRow; step: FlowStepRow }> = [];
  const flows: Flows = await startFlows({
    flowsDir: dir,
    db: database.db,
    boss,
    registry,
    logger: testLogger,
    host: 'test-host',
    worker: true,
    concurrency: options.concurrency ?? 8,
    shutdownTimeoutMs: 2000,
    onStepSettled: (run, step) => settled.push({ run, step }),
  });
  after(() => flows.stop());
  return { database, db: database.db, boss, flows, registry, settled };
}

/** Waits until the flow run is final (succeeded or failed); returns it with its steps. */
export async function finished(flows: Flows, flowRunId: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await flows.commands.get(flowRunId);
    if (got.run.status === 'succeeded' || got.run.status === 'failed') return got;
    if (Date.now() > deadline) throw new Error(`flow run ${flowRunId} still ${got.run.status}: ${got.steps.map((s) => `${s.step_id}=${s.status}`).join(' ')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Step statuses by id. */
export function statuses(steps: readonly FlowStepRow[]): Record<string, string> {
  return Object.fromEntries(steps.map((s) => [s.step_id, s.status]));
}
