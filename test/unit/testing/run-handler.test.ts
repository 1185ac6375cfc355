import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BaseHandler, type HandlerContext, type JsonSchema } from '../../../src/handlers/base-handler.ts';
import { BosunError } from '../../../src/errors.ts';
import { HandlerRunError, runHandler } from '../../../src/testing/run-handler.ts';
import { Noop } from '../../../handlers/noop.ts';
import { Command } from '../../../handlers/command.ts';

interface GreetKwargs {
  name: string;
  greeting: string;
  api_token?: string;
}

class Greet extends BaseHandler<GreetKwargs> {
  static override name = 'greet';
  static override kwargsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: { name: { type: 'string', minLength: 1 }, greeting: { type: 'string', default: 'hello' }, api_token: { type: 'string' } },
  };
  static override validate = (kwargs: Record<string, unknown>) => {
    if (kwargs.name === 'nobody') throw new BosunError('invalid-kwargs', 'kwargs.name must name somebody', { field: 'kwargs.name' });
  };

  override async execute(kwargs: GreetKwargs, context: HandlerContext) {
    context.log.info('greeting', { name: kwargs.name, api_token: kwargs.api_token });
    if (kwargs.name === 'fail') throw new TypeError('cannot greet fail');
    return { text: `${kwargs.greeting}, ${kwargs.name}`, job: context.jobId, attempt: context.attempt };
  }
}

class WaitsForAbort extends BaseHandler {
  static override name = 'waits-for-abort';
  override async execute(_kwargs: Record<string, unknown>, context: HandlerContext) {
    context.log.info('waiting');
    await new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason as Error), { once: true }));
    return 'never';
  }
}

class StartsAJob extends BaseHandler {
  static override name = 'starts-a-job';
  override async execute(_kwargs: Record<string, unknown>, context: HandlerContext) {
    return { started: await context.jobs.runNow('other') };
  }
}


test('runHandler returns the result with the schema defaults applied and the context given', async () => {
  const { result, log } = await runHandler(Greet, { name: 'Ada' }, { job: { jobId: 'greeter', attempt: 2 } });
  assert.deepEqual(result, { text: 'hello, Ada', job: 'greeter', attempt: 2 });
  assert.equal(log.length, 1);
  assert.equal(log[0]!.level, 'info');
  assert.equal(log[0]!.msg, 'greeting');
});

test('runHandler redacts the log as a run keeps it', async () => {
  const { log } = await runHandler(Greet, { name: 'Ada', api_token: 's3cret-value' });
  assert.deepEqual(log[0]!.data, { name: 'Ada', api_token: '***' });
  assert.doesNotMatch(JSON.stringify(log), /s3cret-value/);
});

const refused: Array<[string, Record<string, unknown>, string]> = [
  ['a missing required argument', {}, 'kwargs.name'],
  ['an unknown argument', { name: 'Ada', nmae: 'x' }, 'kwargs.nmae'],
  ['a value of the wrong type', { name: 42 }, 'kwargs.name'],
  ["the handler's own validate hook", { name: 'nobody' }, 'kwargs.name'],
];
for (const [what, kwargs, field] of refused) {
  test(`runHandler refuses ${what} before execute() runs`, async () => {
    await assert.rejects(runHandler(Greet, kwargs), (error: unknown) => {
      assert.ok(error instanceof BosunError);
      assert.equal(error.code, 'invalid-kwargs');
      assert.equal(error.field, field);
      return true;
    });
  });
}

test('a handler that throws rejects with its error as the cause and the log kept so far', async () => {
  await assert.rejects(runHandler(Greet, { name: 'fail' }), (error: unknown) => {
    assert.ok(error instanceof HandlerRunError);
    assert.ok(error.cause instanceof TypeError);
    assert.equal(error.message, 'cannot greet fail');
    assert.deepEqual(
      error.log.map((l) => l.msg),
      ['greeting'],
    );
    return true;
  });
});

test('the signal given reaches the handler: aborting it ends the run', async () => {
  const controller = new AbortController();
  const running = runHandler(WaitsForAbort, {}, { signal: controller.signal });
  setTimeout(() => controller.abort(new Error('cancelled by the test')), 20);
  await assert.rejects(running, (error: unknown) => error instanceof HandlerRunError && error.message === 'cancelled by the test' && error.log.length === 1);
});

test('context.jobs is refused with a message unless the test passes one', async () => {
  await assert.rejects(runHandler(StartsAJob), /pass runHandler\(…, \{ jobs \}\)/);
  const started: string[] = [];
  const jobs = { create: async () => 'created', runNow: async (id: string) => (started.push(id), 'run-1') };
  const { result } = await runHandler(StartsAJob, {}, { jobs });
  assert.deepEqual(result, { started: 'run-1' });
  assert.deepEqual(started, ['other']);
});

test('a class that is not a valid handler is refused as the loader refuses it', async () => {
  class BadName extends BaseHandler {
    static override name = 'Bad Name';
    override async execute() {
      return null;
    }
  }
  await assert.rejects(runHandler(BadName), (error: unknown) => error instanceof BosunError && error.code === 'invalid-handler');
});

test('the built-in handlers run too: noop, and command in a real child process', async () => {
  assert.deepEqual((await runHandler(Noop)).result, {});
  const { result, log } = await runHandler(Command, { command: 'echo from-the-shell' });
  assert.equal(result.exit_code, 0);
  assert.ok(log.some((line) => line.msg.includes('from-the-shell')));
});
