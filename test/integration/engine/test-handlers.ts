// Handlers the engine tests run: each records what happened to it in memory, keyed by run.
import { BaseHandler, type HandlerClass, type HandlerContext } from '../../../src/handlers/base-handler.ts';

export interface Call {
  jobId: string;
  runId: string;
  attempt: number;
  scheduledFor: Date;
  startedAt: number;
}

/** Every execute() call seen in this process, in order. */
export const calls: Call[] = [];
const record = (c: HandlerContext) => calls.push({ jobId: c.jobId, runId: c.runId, attempt: c.attempt, scheduledFor: c.scheduledFor, startedAt: Date.now() });

export class TestNoop extends BaseHandler {
  static override name = 'test-noop';
  override async execute(kwargs: Record<string, unknown>, context: HandlerContext) {
    record(context);
    context.log.info('hello from the handler', { kwargs });
    return { ok: true };
  }
}

/** Sleeps `ms` (kwargs.ms), honouring its signal. */
export class TestSleep extends BaseHandler<{ ms: number }> {
  static override name = 'test-sleep';
  override async execute(kwargs: { ms: number }, context: HandlerContext) {
    record(context);
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, kwargs.ms);
      context.signal.addEventListener('abort', () => {
        clearTimeout(t);
        reject(context.signal.reason as Error);
      });
    });
    return { slept: kwargs.ms };
  }
}

/** Never settles and ignores its signal: only the engine's timeout can end it. */
export class TestStubborn extends BaseHandler {
  static override name = 'test-stubborn';
  override async execute(_kwargs: Record<string, unknown>, context: HandlerContext) {
    record(context);
    return new Promise(() => {});
  }
}

/** Fails until attempt kwargs.succeedOn (never when absent). */
export class TestFlaky extends BaseHandler<{ succeedOn?: number }> {
  static override name = 'test-flaky';
  override async execute(kwargs: { succeedOn?: number }, context: HandlerContext) {
    record(context);
    if (kwargs.succeedOn !== undefined && context.attempt >= kwargs.succeedOn) return { attempt: context.attempt };
    throw new RangeError(`attempt ${context.attempt} failed on purpose`);
  }
}

export const ALL_TEST_HANDLERS: HandlerClass[] = [TestNoop, TestSleep, TestStubborn, TestFlaky];

/** Hangs (honouring its signal) on its first attempt, succeeds on later ones: for crash tests. */
export class TestSlowFirst extends BaseHandler {
  static override name = 'test-slow-first';
  override async execute(_kwargs: Record<string, unknown>, context: HandlerContext) {
    record(context);
    if (context.attempt === 1) await new Promise((resolve) => setTimeout(resolve, 60_000));
    return { attempt: context.attempt };
  }
}

ALL_TEST_HANDLERS.push(TestSlowFirst);
