import type { Kysely } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { RunLogLine } from '../db/schema.ts';
import type { HandlerClass, HandlerContext, JobControl } from '../handlers/base-handler.ts';
import type { HandlerRegistry } from '../handlers/registry.ts';
import type { Logger } from '../log.ts';
import { errorInfo, executeAttempt, WorkerStopped, type AttemptResult } from '../worker/execute-attempt.ts';
import { failsForTheData, sqlState } from '../worker/data-error.ts';
import { retryDelayMs } from '../worker/retry-delay.ts';
import { createRunLogger } from '../worker/run-log.ts';
import { storableOutcome } from '../worker/storable.ts';
import { blockAfter, queueReady, recordStepFailure, type AdvanceDeps } from './advance.ts';
import { claimStep, countSteps, getFlowSteps, markQueued, settleStep, settleSucceeded } from './repository.ts';
import { fastCommit } from './fast-commit.ts';
import { runCache } from './run-cache.ts';
import type { FlowDB, FlowRunRow, FlowStepRow } from './schema.ts';
import { enqueueSteps, ensureFlowStepQueue, FLOW_STEP_QUEUE, type StepMessage } from './step-queue.ts';

export interface FlowWorkerOptions {
  db: Kysely<FlowDB>;
  boss: PgBoss;
  registry: HandlerRegistry;
  logger: Logger;
  host: string;
  /** Steps running at once in this process. */
  concurrency: number;
  /** What step handlers get as context.jobs. */
  jobControl: (run: FlowRunRow) => JobControl;
  shutdownTimeoutMs: number;
  /** Told after a step attempt settled (tests, metrics). */
  onStepSettled?: (run: FlowRunRow, step: FlowStepRow) => void;
}

export interface FlowWorker {
  inFlight(): number;
  /** Stops fetching, lets steps finish up to shutdownTimeoutMs, then aborts them (they fail by their retry policy); idempotent. */
  stop(): Promise<void>;
}

/** How an attempt ended, with the exit code when the handler's error or result carries one. */
type Ended = { result: AttemptResult; exitCode: number | null; lines: readonly RunLogLine[] };

/**
 * Runs flow steps from the step queue: claims a queued attempt, runs its handler exactly as the
 * engine runs a job's (executeAttempt: timeout, abort, run log, result cap), then settles it in
 * one transaction: the step row, a failure row for a failed attempt, the retry or the blocking
 * of its dependants, the queueing of dependants now ready, and last the run's counters and
 * aggregate status. The run's row is not locked for the settle, so the steps of one wide run
 * settle in parallel; only dependants' rows (in step_id order) and, at the end, the run's counter
 * update serialise.
 */
export async function startFlowWorker(options: FlowWorkerOptions): Promise<FlowWorker> {
  const { db, boss, logger, host } = options;
  const log = logger.child({ component: 'flow-worker' });
  const advance: AdvanceDeps = { boss, registry: options.registry, host };
  const inFlight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  const runs = runCache(db);
  await ensureFlowStepQueue(boss);
  const workerIds: string[] = [];
  let nextWake = 0;
  const wake = (count: number) => {
    for (let i = 0; i < Math.min(count, workerIds.length); i++) boss.notifyWorker(workerIds[nextWake++ % workerIds.length]!);
  };

  const run = async (flowRun: FlowRunRow, step: FlowStepRow, controller: AbortController): Promise<Ended> => {
    const stepLog = logger.child({ job_id: flowRun.job_id, run_id: step.step_run_id, flow_run_id: flowRun.flow_run_id, step_id: step.step_id, attempt: step.attempt });
    const lines = createRunLogger(stepLog);
    let handler: HandlerClass;
    try {
      handler = options.registry.resolve(step.handler);
    } catch (err) {
      return { result: { status: 'failed', error: { ...errorInfo(err), name: 'UnknownHandler' } }, exitCode: null, lines: lines.lines() };
    }
    // A subclass that notes the exit code a failing handler's error carries (command's CommandFailedError).
    let exitCode: number | null = null;
    const Noting = class extends (handler as unknown as new () => { execute(k: unknown, c: HandlerContext): Promise<unknown> }) {
      override async execute(kwargs: unknown, context: HandlerContext): Promise<unknown> {
        try {
          return await super.execute(kwargs, context);
        } catch (err) {
          const code = (err as { exitCode?: unknown } | null)?.exitCode;
          if (typeof code === 'number') exitCode = code;
          throw err;
        }
      }
    } as unknown as HandlerClass;
    // Named as the handler, for the errors that name it (HandlerCalledExit, UncaughtInHandler).
    Object.defineProperty(Noting, 'name', { value: handler.name });
    const context: Omit<HandlerContext, 'signal'> = {
      jobId: flowRun.job_id ?? `flow:${flowRun.flow_name}`,
      runId: step.step_run_id,
      attempt: step.attempt,
      scheduledFor: step.queued_at ?? new Date(),
      log: lines,
      jobs: options.jobControl(flowRun),
    };
    const started = Date.now();
    stepLog.info('flow step started');
    const result = await executeAttempt(Noting, step.resolved_kwargs ?? {}, context, controller, step.timeout_ms);
    if (result.status === 'succeeded') {
      const code = (result.result as { exit_code?: unknown } | null)?.exit_code;
      exitCode = typeof code === 'number' ? code : 0;
    }
    stepLog.info({ status: result.status, ms: Date.now() - started }, 'flow step ended');
    return { result, exitCode, lines: lines.lines() };
  };

  // A step whose outcome the database refuses for a reason in the data (storable.ts makes that
  // rare) is recorded failed with that reason, rather than left running until its message expires.
  const settle = async (message: StepMessage, ended: Ended): Promise<void> => {
    try {
      await settleOnce(message, ended);
    } catch (err) {
      if (!failsForTheData(err) || ended.result.status === 'abandoned') throw err;
      const state = sqlState(err);
      const reason = `the database refused the outcome: ${err instanceof Error ? err.message : String(err)}${state ? ` (SQLSTATE ${state})` : ''}`;
      log.error({ err, flow_run_id: message.flow_run_id, step_id: message.step_id }, 'the outcome of a flow step cannot be stored; recording it as failed');
      const lines: RunLogLine[] = [{ at: new Date().toISOString(), level: 'error', msg: `the outcome could not be stored: ${reason}` }];
      await settleOnce(message, { result: { status: 'failed', error: { name: 'UnstorableOutcome', message: reason, stack: null } }, exitCode: ended.exitCode, lines });
    }
  };

  const settleOnce = async (message: StepMessage, ended: Ended): Promise<void> => {
    const { exitCode } = ended;
    if (ended.result.status === 'abandoned') return;
    // What PostgreSQL cannot hold as it is (NUL, lone surrogates, sizes past the caps) is stored made safe.
    const safe = storableOutcome(ended.result.status === 'succeeded' ? { result: ended.result.result, log: ended.lines } : { error: ended.result.error, log: ended.lines });
    const result: AttemptResult = ended.result.status === 'succeeded' ? { status: 'succeeded', result: safe.result } : { status: ended.result.status, error: safe.error! };
    const lines = safe.log;
    // The run's fixed fields (arguments, job, owner): read once, without a lock; nothing here changes them.
    const flowRun = await runs.get(message.flow_run_id);
    const settled = await db.transaction().execute(async (trx) => {
      await fastCommit(trx);
      if (result.status === 'succeeded') {
        // The hot path: one statement stores the step, advances its dependants and counts it out.
        const done = await settleSucceeded(trx, message.flow_run_id, message.step_id, message.attempt, { result: result.result, exit_code: exitCode, log: lines });
        if (!done) return undefined;
        if (done.ready.length === 0) return { run: done.run, step: done.step, queued: 0 };
        const advanced = await queueReady(trx, advance, flowRun, await getFlowSteps(trx, message.flow_run_id, done.ready));
        const run = advanced.ended > 0 ? await countSteps(trx, message.flow_run_id, advanced.ended, advanced.bad) : done.run;
        return { run, step: done.step, queued: advanced.queued };
      }
      const outcome = { status: result.status, error: `${result.error.name}: ${result.error.message}`, exit_code: exitCode, log: lines };
      const stored = await settleStep(trx, message.flow_run_id, message.step_id, message.attempt, outcome);
      if (!stored) return undefined;
      await recordStepFailure(trx, flowRun, stored, result.error, host);
      if (stored.attempt <= stored.retries) {
        const delay = retryDelayMs(stored.attempt, stored.retry_delay_ms, stored.retry_backoff);
        await markQueued(trx, flowRun.flow_run_id, stored.attempt + 1, [{ step_id: stored.step_id, resolved: stored.resolved_kwargs ?? {} }]);
        await enqueueSteps(boss, trx, [{ ...message, attempt: stored.attempt + 1, startAfter: new Date(Date.now() + delay), timeoutMs: stored.timeout_ms }]);
        return { run: flowRun, step: stored, queued: 0, retryInMs: delay };
      }
      const counted = await blockAfter(trx, flowRun.flow_run_id, [stored.step_id]);
      // Last statement: the run's row is held from here to the commit only.
      return { run: await countSteps(trx, flowRun.flow_run_id, counted.ended, counted.bad), step: stored, queued: 0 };
    });
    if (settled) {
      // Wake idle local workers for the steps just queued (pg-boss does not burst at batchSize 1).
      if (settled.queued > 0) wake(settled.queued);
      // pg-boss does not notify deferred messages: wake a local worker when the retry is due.
      const retryIn = 'retryInMs' in settled ? settled.retryInMs : undefined;
      if (retryIn !== undefined) setTimeout(() => wake(1), retryIn + 5).unref();
      if (settled.run.status === 'succeeded' || settled.run.status === 'failed') {
        log.info({ flow_run_id: settled.run.flow_run_id, flow_name: settled.run.flow_name, job_id: settled.run.job_id, status: settled.run.status }, 'flow run finished');
      }
      options.onStepSettled?.(settled.run, settled.step);
    }
  };

  const handle = async (message: StepMessage): Promise<void> => {
    const key = `${message.flow_run_id}/${message.step_id}`;
    const step = await claimStep(db, message.flow_run_id, message.step_id, message.attempt, host);
    const claimed = step && { step, flowRun: await runs.get(message.flow_run_id) };
    if (!claimed) {
      // pg-boss redelivers a message whose holder went silent past its expiry. If the step is still
      // `running` that attempt and no local handler holds it, its worker is gone: fail the attempt.
      const [step] = await getFlowSteps(db, message.flow_run_id, [message.step_id]);
      if (step && step.status === 'running' && step.attempt === message.attempt && !inFlight.has(key)) {
        await settle(message, { result: { status: 'failed', error: { name: 'WorkerLost', message: `the worker running this step (${step.host}) stopped answering`, stack: null } }, exitCode: null, lines: [] });
      }
      return;
    }
    const controller = new AbortController();
    let finish!: () => void;
    inFlight.set(key, { controller, done: new Promise<void>((r) => (finish = r)) });
    try {
      const ended = await run(claimed.flowRun, claimed.step, controller);
      await settle(message, ended);
    } finally {
      inFlight.delete(key);
      finish();
    }
  };

  // One pg-boss worker per slot, batch 1, so a long step never holds up others fetched with it. A
  // worker that just finished a step asks again at once (a burst, which pg-boss only does for
  // batches > 1); otherwise it waits for a NOTIFY or its poll.
  for (let i = 0; i < options.concurrency; i++) {
    const slot = i;
    workerIds.push(
      await boss.work<StepMessage>(FLOW_STEP_QUEUE, { batchSize: 1, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 }, async ([message]) => {
        if (!message) return;
        try {
          await handle(message.data);
        } finally {
          const id = workerIds[slot];
          if (id !== undefined) boss.notifyWorker(id);
        }
      }),
    );
  }
  log.info({ concurrency: options.concurrency }, 'flow worker started');

  let stopped: Promise<void> | undefined;
  return {
    inFlight: () => inFlight.size,
    stop() {
      stopped ??= (async () => {
        await boss.offWork(FLOW_STEP_QUEUE, { wait: false }).catch(() => {});
        const running = [...inFlight.values()];
        if (running.length > 0) {
          const grace = new Promise<'late'>((r) => setTimeout(() => r('late'), options.shutdownTimeoutMs).unref());
          if ((await Promise.race([Promise.all(running.map((r) => r.done)), grace])) === 'late') {
            for (const r of inFlight.values()) r.controller.abort(new WorkerStopped());
            await Promise.all([...inFlight.values()].map((r) => r.done));
          }
        }
        log.info('flow worker stopped');
      })();
      return stopped;
    },
  };
}
