import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { PgBoss } from 'pg-boss';
import type { DB } from '../db/schema.ts';
import type { HandlerClass, JobControl, RunLogger } from '../handlers/base-handler.ts';
import type { Job } from '../jobs/job.ts';
import type { Logger } from '../log.ts';
import { touchRunning } from '../runs/repository.ts';
import { storeRunningLogs, type RunningLog } from '../runs/running-log.ts';
import type { Run } from '../runs/run.ts';
import { FIRE_QUEUE, ensureFireQueue, type FireMessage } from '../scheduler/fire-queue.ts';
import { getServiceState } from '../service-state/repository.ts';
import { claimDueOccurrences, claimOccurrences, claimRunAttempt, type Claim, type OccurrenceMessage } from './claim.ts';
import { AttemptCancelled, WorkerStopped, errorInfo, executeAttempt, type AttemptResult } from './execute-attempt.ts';
import { createRunLogger, lazyChildLog } from './run-log.ts';
import { settleRunDurably } from './settle.ts';
import { storableOutcome } from './storable.ts';
import { createSuccessBatcher } from './success-batcher.ts';
import { WakeTimer } from './wake-timer.ts';
import { listenForQueue } from '../queue/queue-notify.ts';
import { refreshQueueStatistics } from '../queue/queue-statistics.ts';
import type { RunEvent } from '../metrics/run-event.ts';
import { inMessageTrace, untraced } from '../tracing/message-trace.ts';

/** What the worker needs of the handler registry (src/handlers/registry.ts provides it). */
export interface HandlerResolver {
  resolve(nameOrClassName: string): HandlerClass;
}

export interface WorkerOptions {
  db: Kysely<DB>;
  boss: PgBoss;
  handlers: HandlerResolver;
  logger: Logger;
  host: string;
  /** Handlers in flight at most in this process. */
  concurrency: number;
  /** Gives handlers of a job their context.jobs. */
  jobControl: (job: Job) => JobControl;
  /** How often running attempts prove they are alive (and learn they were cancelled). */
  heartbeatMs?: number;
  /** How often the service state and the due instants ahead are read. */
  pollMs?: number;
  /** pg-boss's schema (its NOTIFY channel is derived from it); default `pgboss`. */
  queueSchema?: string;
  /** How long the fetch loop sleeps with nothing to fetch when nothing wakes it (attempts enqueued elsewhere). */
  idlePollMs?: number;
  /** How long stop() lets running handlers finish before aborting them. */
  shutdownTimeoutMs?: number;
  /** Told as attempts start and end and occurrences are recorded (metrics, tracing); must not block. */
  onRunEvent?: (event: RunEvent) => void;
}

/** A worker slot taken ahead of a claim made elsewhere (a job created due now): start the claimed run in it, or give it back. */
export interface ReservedSlot {
  start(job: Job, run: Run): void;
  release(): void;
}

/** A running worker: fetches occurrences and attempts, runs handlers, records outcomes. */
export interface Worker {
  /** Takes a free slot, or undefined when none is free (or the worker is paused or stopping). */
  reserve(): ReservedSlot | undefined;
  /** Wakes the workers at an instant this process knows something comes due. */
  wakeAt(instant: Date): void;
  /** Handlers running now. */
  inFlight(): number;
  /** Stops fetching, lets handlers finish up to shutdownTimeoutMs, then aborts and records them; idempotent. */
  stop(): Promise<void>;
}

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
  attempt: number;
  log: RunLogger;
  /** How many lines of its log the heartbeat has stored. */
  stored: number;
}

/** Outcomes not yet written, as a multiple of the handler slots (see `recording` below). */
const MAX_RECORDING_FACTOR = 2;

/** Starts the fire queue's fetch loop with `concurrency` handler slots, woken at due instants by a local timer. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { db, boss, logger, host } = options;
  const log = logger.child({ component: 'worker' });
  const heartbeatMs = options.heartbeatMs ?? 2000;
  const pollMs = options.pollMs ?? 1000;
  const queueSchema = options.queueSchema ?? 'pgboss';
  const idlePollMs = options.idlePollMs ?? 2000;
  const inFlight = new Map<string, InFlight>();
  let paused = false;
  let stopping = false;

  const notify = (event: RunEvent) => {
    try {
      options.onRunEvent?.(event);
    } catch (err) {
      log.warn({ err, job_id: event.run.job_id, run_id: event.run.run_id }, 'run event listener failed');
    }
  };
  // One fetch loop per process (below) sleeps between fetches; a due instant, a NOTIFY or a
  // freed slot wakes it. `woken` remembers a wake that came while a fetch was in flight, which
  // would otherwise be lost if that fetch came back empty.
  let woken = false;
  // Whether the last fetch filled every free slot: a backlog, the time fresh queue statistics pay.
  let backlog = false;
  let statisticsAnalyzedAt = 0;
  let checkingStatistics = false;
  // Asked when a backlog starts and at every poll while it lasts, until it analyzes; then not for
  // 10 s. A burst is not yet in PostgreSQL's change counts when it starts (a busy backend reports
  // them about once a second), so the first asking often finds too few changes: waiting 10 s after
  // that (as before) left a never-analyzed queue planned as if it held a handful of rows, each take
  // sorting every waiting message (12 ms a take with 10 000 waiting, against 0.3; bench/RESULTS.md).
  const refreshStatistics = async () => {
    if (checkingStatistics || paused || stopping || Date.now() - statisticsAnalyzedAt < 10_000) return;
    checkingStatistics = true;
    try {
      if (await refreshQueueStatistics(db, queueSchema, FIRE_QUEUE)) {
        statisticsAnalyzedAt = Date.now();
        log.debug('analyzed the fire queue: a backlog arrived since its statistics were taken');
      }
    } catch (err) {
      log.warn({ err }, 'could not refresh the fire queue statistics');
    } finally {
      checkingStatistics = false;
    }
  };
  let sleeping: (() => void) | undefined;
  const wake = () => {
    woken = true;
    sleeping?.();
  };
  // Resolved once the loop has looked at the queue: when it first sleeps, or starts a second
  // pass (startWorker waits for it). A job created due now just after the start then finds the
  // slots free (a pass holds them while it claims).
  let looked!: () => void;
  const firstLook = new Promise<void>((resolve) => (looked = resolve));
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      looked();
      if (woken || stopping) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        sleeping = undefined;
        resolve();
      }
      sleeping = done;
    });
  const timer = new WakeTimer(() => wake());
  const listening = await listenForQueue(boss, queueSchema, FIRE_QUEUE, wake).catch((err: unknown) => {
    log.warn({ err }, 'no NOTIFY for the fire queue: polling only');
    return undefined;
  });

  await ensureFireQueue(boss);

  // Claims one message, waiting while the service is paused (fetched just as it was paused: it is
  // held, and pg-boss redelivers it if we stop). An occurrence is claimed as a batch of one, its
  // message completed with it (`completed`); an attempt's message is the caller's to complete.
  const claim = async (message: { id: string; data: FireMessage }): Promise<{ result: Claim; completed: boolean }> => {
    const deps = { db, boss, host, queueSchema };
    const { id, data } = message;
    for (;;) {
      if (data.kind === 'occurrence') {
        const claims = await claimOccurrences(deps, [{ id, job_id: data.job_id, scheduled_for: new Date(data.scheduled_for) }]);
        if (claims !== 'paused') return { result: claims.get(id)!, completed: true };
      } else {
        const result = await claimRunAttempt(deps, data.job_id, data.run_id, data.attempt);
        if (result.kind !== 'paused') return { result, completed: false };
      }
      if (stopping) throw new Error('worker stopping while the service is paused');
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  const successes = createSuccessBatcher({ db, boss, host, logger }, options.concurrency);

  // Runs the handler, calls handlerDone when it has ended (the slot may be reused), then records the outcome.
  const execute = async (job: Job, run: Run, handlerDone: () => void): Promise<void> => {
    const runLog = lazyChildLog(logger, { job_id: job.job_id, run_id: run.run_id, attempt: run.attempt });
    const lines = createRunLogger(runLog);
    const controller = new AbortController();
    let finish!: () => void;
    inFlight.set(run.run_id, { controller, done: new Promise<void>((r) => (finish = r)), attempt: run.attempt, log: lines, stored: 0 });
    const started = Date.now();
    runLog.info({ scheduled_for: run.scheduled_for, late_ms: started - run.scheduled_for.getTime(), trigger: run.trigger }, 'run started');
    notify({ kind: 'started', job, run });
    // Every start is matched by one end event, however the attempt ends (the in-progress gauge counts on it).
    let ended = false;
    const end = (event: RunEvent) => {
      ended = true;
      notify(event);
    };
    try {
      let result: AttemptResult;
      let handler: HandlerClass | undefined;
      try {
        handler = options.handlers.resolve(job.handler);
      } catch (err) {
        result = { status: 'failed', error: { ...errorInfo(err), name: 'UnknownHandler' } };
      }
      if (handler) {
        const context = { jobId: job.job_id, runId: run.run_id, attempt: run.attempt, scheduledFor: run.scheduled_for, log: lines, jobs: options.jobControl(job) };
        result = await executeAttempt(handler, job.kwargs, context, controller, job.timeout_ms);
      }
      result = result!;
      handlerDone();
      if (result.status === 'abandoned') {
        runLog.info({ reason: result.reason }, 'run ended from outside');
        end({ kind: 'abandoned', job, run, ms: Date.now() - started });
        return;
      }
      const ending = result.status === 'succeeded' ? result : { status: result.status, error: result.error, final: result.final };
      // Successes go through the batcher (several per transaction under load); failures keep their own transaction.
      const settled =
        ending.status === 'succeeded'
          ? { run: await successes.settle(job, { run, result: ending.result, log: lines.lines() }), retryAt: null }
          : await settleRunDurably({ db, boss, host, logger }, job, run, ending, lines.lines());
      if (settled.retryAt) timer.arm(settled.retryAt);
      if (settled.run) end({ kind: 'ended', job, run: settled.run, status: settled.run.status === 'failed' ? 'failed' : ending.status, ms: Date.now() - started, retrying: settled.retryAt !== null });
      else end({ kind: 'abandoned', job, run, ms: Date.now() - started });
      runLog.info({ status: settled.run?.status ?? 'gone', ms: Date.now() - started, retry_at: settled.retryAt }, 'run ended');
    } finally {
      // Not recorded (the database unreachable for minutes): the reaper ends the run.
      if (!ended) notify({ kind: 'abandoned', job, run, ms: Date.now() - started });
      inFlight.delete(run.run_id);
      finish();
    }
  };

  // Slots taken: a claim in progress or a handler running. Bounded by `concurrency`. A slot is
  // freed when its handler ends, before its outcome is recorded, so the next claims overlap
  // those writes. `recording` (outcomes not yet written) is bounded by twice `concurrency`: with
  // short handlers a whole batch ends at once, and a bound of `concurrency` would hold the next
  // claim until that batch's settle commits (claim, run, settle, strictly in turn: measured 1 330
  // against 2 400 runs/s at concurrency 100).
  let used = 0;
  let recording = 0;
  const recordingFull = () => recording >= MAX_RECORDING_FACTOR * options.concurrency;
  // Whether the loop's last pass may have left work waiting for a slot (none was free, or it
  // filled every free one). Only then does a freed slot wake it: otherwise the queue held nothing
  // more, and what comes due later wakes it itself (timer, NOTIFY, idle poll). A pass holds the
  // free slots while it claims, so a job created due now would find none and go the long way.
  let saturated = false;
  const slotFreed = () => {
    if (saturated) wake();
  };
  const release = () => {
    used--;
    slotFreed();
  };
  const dispatching = new Set<Promise<void>>();

  const startRun = (job: Job, run: Run) => {
    let released = false;
    const handlerDone = () => {
      released = true;
      recording++;
      release();
    };
    void execute(job, run, handlerDone)
      .catch((err: unknown) => log.error({ err, job_id: job.job_id, run_id: run.run_id }, 'run failed to record'))
      .finally(() => {
        if (!released) return release();
        recording--;
        slotFreed();
      });
  };

  // Acts on what a claim decided: arms the next instant, tells of occurrences recorded without
  // running (misfired, skipped, queued, superseded by a later one), starts the run. True when it
  // started one (the slot is then the run's).
  const act = (result: Claim): boolean => {
    if (result.kind !== 'paused' && result.next) timer.arm(result.next);
    if (result.kind === 'done' && result.job) for (const recorded of [result.superseded, result.recorded]) if (recorded) notify({ kind: 'recorded', job: result.job, run: recorded });
    if (result.kind === 'done' && result.unplannable) {
      const { job_id, error } = result.unplannable;
      log.error({ job_id, field: error.field, err: error }, 'the job stops firing: its schedule cannot be planned; change the job to plan it again');
    }
    if (result.kind !== 'execute') return false;
    if (result.superseded) notify({ kind: 'recorded', job: result.job, run: result.superseded });
    startRun(result.job, result.run);
    return true;
  };

  // Fetches and claims up to `free` due occurrences in one transaction (claimDueOccurrences), in
  // slots taken meanwhile; returns how many messages it took. One that fails writes nothing: its
  // messages wait, and pg-boss's fetch (the loop's next step) takes them. While the takes find
  // one-shot jobs alone, they take only those, in one round trip (`oneShotsOnly`).
  let oneShotsOnly = false;
  const claimDue = async (free: number): Promise<number> => {
    used += free;
    let started = 0;
    const only = oneShotsOnly;
    oneShotsOnly = false;
    try {
      const due = await untraced(() => claimDueOccurrences({ db, boss, host, queueSchema }, free, { oneShotsOnly: only }));
      if (due === 'paused') {
        if (!paused) log.info('service paused: not fetching');
        paused = true;
        return 0;
      }
      oneShotsOnly = due.oneShotsNext;
      // Each in its message's `process bosun-fire` span, which continues the run's trace.
      for (const { message, claim } of due.claims) if (await inMessageTrace(FIRE_QUEUE, message, async () => act(claim))) started++;
      return due.claims.length;
    } catch (err) {
      log.warn({ err }, 'could not claim due occurrences at once; fetching them one by one');
      return 0;
    } finally {
      used -= free - started;
    }
  };

  // Claims a fetched batch: the first occurrence of each job in one transaction with the
  // messages completed in it (claimOccurrences); attempts, a second occurrence of a job, and a
  // batch whose transaction failed (or met a paused service), one message at a time. An attempt's
  // message is completed after its claim (the run row is committed; the reaper, not pg-boss,
  // recovers a lost run); a message whose claim failed is failed, so pg-boss offers it again
  // after its retry delay.
  const dispatch = async (messages: Array<{ id: string; data: FireMessage }>): Promise<void> => {
    const jobs = new Set<string>();
    const batched: OccurrenceMessage[] = [];
    for (const { id, data } of messages) {
      if (data.kind !== 'occurrence' || jobs.has(data.job_id)) continue;
      jobs.add(data.job_id);
      batched.push({ id, job_id: data.job_id, scheduled_for: new Date(data.scheduled_for) });
    }
    const batch =
      batched.length === 0
        ? undefined
        : claimOccurrences({ db, boss, host, queueSchema }, batched).catch((err: unknown) => {
            log.warn({ err, messages: batched.length }, 'could not claim a fetched batch at once; claiming its messages one by one');
            return undefined;
          });
    const inBatch = new Set(batched.map((m) => m.id));
    const done: string[] = [];
    const failed: Array<{ id: string; err: unknown }> = [];
    await Promise.all(
      // Each in its message's `process bosun-fire` span, which continues the run's trace.
      messages.map((message) =>
        inMessageTrace(FIRE_QUEUE, message, async () => {
          let executing = false;
          try {
            const claims = inBatch.has(message.id) ? await batch : undefined;
            let result = claims instanceof Map ? claims.get(message.id) : undefined;
            if (!result) {
              const claimed = await claim(message);
              result = claimed.result;
              if (!claimed.completed) done.push(message.id);
            }
            executing = act(result);
          } catch (err) {
            failed.push({ id: message.id, err });
          } finally {
            if (!executing) release();
          }
        }),
      ),
    );
    if (done.length > 0) await boss.complete(FIRE_QUEUE, done).catch((err: unknown) => log.warn({ err }, 'could not complete fire messages (the reaper recovers them)'));
    for (const { id, err } of failed) {
      log.error({ err, message_id: id }, 'could not claim a fire message; pg-boss offers it again');
      await boss.fail(FIRE_QUEUE, id, { message: err instanceof Error ? err.message : String(err) }).catch(() => {});
    }
  };

  // The fetch loop: asks for as many messages as there are free slots, fetches again at once
  // while it gets some (a backlog drains at the database's pace, not the poll's), and sleeps
  // when the queue is empty or every slot is taken until woken (due instant, NOTIFY, a slot
  // freed) or the idle poll. Occurrences are fetched with their claim (claimDue); pg-boss's own
  // fetch then takes what that leaves (attempts, messages of a claim that failed) when the claim
  // found fewer than it asked for, and at least every second meanwhile, so a backlog of
  // occurrences cannot hold attempts back.
  let bossFetchedAt = 0;
  const fetchLoop = async () => {
    for (let round = 0; !stopping; round++) {
      if (round > 0) looked();
      // Handlers that end at once (short ones started by the last claim) give their slots back
      // first, so a backlog is claimed in full batches rather than one slot at a time.
      await new Promise((resolve) => setImmediate(resolve));
      const free = recordingFull() ? 0 : options.concurrency - used;
      saturated = free <= 0;
      if (paused || free <= 0) {
        await sleep(idlePollMs);
        woken = false;
        continue;
      }
      woken = false;
      const taken = await claimDue(free);
      if (taken === free && !backlog) void refreshStatistics();
      backlog = taken === free;
      saturated = backlog;
      if (paused || stopping) continue;
      const rest = recordingFull() ? 0 : options.concurrency - used;
      if (rest <= 0 || (taken === free && Date.now() - bossFetchedAt < 1000)) continue;
      bossFetchedAt = Date.now();
      let messages: Array<{ id: string; data: FireMessage }>;
      try {
        messages = await untraced(() => boss.fetch<FireMessage>(FIRE_QUEUE, { batchSize: rest }));
      } catch (err) {
        log.error({ err }, 'fetching fire messages failed');
        await sleep(idlePollMs);
        continue;
      }
      backlog ||= messages.length === rest;
      saturated = backlog;
      if (messages.length === 0) {
        // Fewer occurrences than asked for and no other message: nothing more is due.
        if (taken < free) await sleep(idlePollMs);
        continue;
      }
      used += messages.length;
      const pass = dispatch(messages);
      dispatching.add(pass);
      void pass.finally(() => dispatching.delete(pass));
    }
  };

  // Heartbeat: proves this process's attempts alive, and aborts those cancelled (or reaped) meanwhile.
  const beat = async () => {
    const ids = [...inFlight.keys()];
    if (ids.length === 0) return;
    const alive = await touchRunning(db, ids);
    for (const id of ids) if (!alive.has(id)) inFlight.get(id)?.controller.abort(new AttemptCancelled('the run was cancelled'));
    // Lines logged since the last beat are stored, so a run's log can be followed while it runs.
    const grown: RunningLog[] = [];
    for (const id of ids) {
      const run = inFlight.get(id);
      if (run === undefined || !alive.has(id)) continue;
      const lines = run.log.lines();
      if (lines.length === run.stored) continue;
      run.stored = lines.length;
      grown.push({ run_id: id, attempt: run.attempt, log: storableOutcome({ log: lines }).log });
    }
    await storeRunningLogs(db, grown);
  };

  // Service pause: stop fetching altogether, so paused occurrences wait in the queue and are
  // coalesced on resume instead of each being misfired as it comes due.
  const poll = async () => {
    const state = await getServiceState(db);
    if (state === 'paused' && !paused) {
      paused = true;
      log.info('service paused: not fetching');
    } else if (state === 'running' && paused && !stopping) {
      paused = false;
      log.info('service resumed: fetching');
      wake();
    }
    if (!paused) {
      const due = await db
        .selectFrom('jobs')
        .select((eb) => ['next_run_at', eb.fn.countAll<string>().as('n')])
        .where('state', '=', 'running')
        .where('next_run_at', '>', sql<Date>`now()`)
        .where('next_run_at', '<=', sql<Date>`now() + ${`${pollMs * 3} milliseconds`}::interval`)
        .groupBy('next_run_at')
        .limit(5000)
        .execute();
      for (const row of due) if (row.next_run_at) timer.arm(row.next_run_at, Number(row.n));
    }
    if (backlog) {
      backlog = false;
      await refreshStatistics();
    }
  };

  const loop = (ms: number, fn: () => Promise<void>, what: string) => {
    let running = false;
    const handle = setInterval(() => {
      if (running) return;
      running = true;
      fn()
        .catch((err: unknown) => log.error({ err }, `${what} failed`))
        .finally(() => (running = false));
    }, ms);
    return handle;
  };

  paused = (await getServiceState(db)) === 'paused';
  const fetching = fetchLoop().finally(() => looked());
  const heartbeatLoop = loop(heartbeatMs, beat, 'heartbeat');
  const pollLoop = loop(pollMs, poll, 'worker poll');
  await poll().catch((err: unknown) => log.error({ err }, 'worker poll failed'));
  await firstLook;
  log.info({ concurrency: options.concurrency, host }, 'worker started');

  let stopped: Promise<void> | undefined;
  return {
    reserve() {
      if (stopping || paused || used >= options.concurrency || recordingFull()) return undefined;
      used++;
      let taken = false;
      return {
        start(job, run) {
          if (taken) return;
          taken = true;
          startRun(job, run);
        },
        release() {
          if (taken) return;
          taken = true;
          release();
        },
      };
    },
    wakeAt: (instant) => timer.arm(instant),
    inFlight: () => inFlight.size,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(pollLoop);
        timer.stop();
        await listening?.close().catch(() => {});
        wake();
        await fetching;
        await Promise.all([...dispatching]);
        const running = [...inFlight.values()];
        if (running.length > 0) {
          log.info({ running: running.length }, 'waiting for running handlers');
          const grace = new Promise<'late'>((r) => setTimeout(() => r('late'), options.shutdownTimeoutMs ?? 30_000).unref());
          if ((await Promise.race([Promise.all(running.map((r) => r.done)), grace])) === 'late') {
            for (const r of inFlight.values()) r.controller.abort(new WorkerStopped());
            await Promise.all([...inFlight.values()].map((r) => r.done));
          }
        }
        clearInterval(heartbeatLoop);
        log.info('worker stopped');
      })();
      return stopped;
    },
  };
}
