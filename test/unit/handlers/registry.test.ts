import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BaseHandler, type HandlerClass, type JsonSchema } from '../../../src/handlers/base-handler.ts';
import { BUILTIN_HANDLERS_DIR, loadHandlers, pascalCase, registryOf } from '../../../src/handlers/registry.ts';
import { BosunError } from '../../../src/errors.ts';

const BASE = pathToFileURL(join(BUILTIN_HANDLERS_DIR, '../src/handlers/base-handler.ts')).href;

class FlowScheduling extends BaseHandler {
  static override name = 'flow-scheduling';
  static override kwargsSchema: JsonSchema = {
    type: 'object',
    additionalProperties: false,
    required: ['flow_name'],
    properties: {
      flow_name: { type: 'string' },
      flow_arguments: { type: 'array', items: { type: 'object' }, default: [] },
      retries: { type: 'integer', minimum: 0 },
    },
  };
  override async execute() {
    return null;
  }
}

const registry = registryOf([FlowScheduling as unknown as HandlerClass]);

test('pascalCase turns a handler name into its class-style name', () => {
  assert.equal(pascalCase('flow-scheduling'), 'FlowScheduling');
  assert.equal(pascalCase('http'), 'Http');
});

test('a handler is found by its name and by its class-style name', () => {
  assert.equal(registry.resolve('flow-scheduling'), FlowScheduling);
  assert.equal(registry.resolve('FlowScheduling'), FlowScheduling);
});

test('an unknown handler names itself and the known ones, field handler', () => {
  assert.throws(
    () => registry.resolve('flow-schedulin'),
    (err: unknown) => err instanceof BosunError && err.code === 'unknown-handler' && err.field === 'handler' && /flow-schedulin'.*known handlers: flow-scheduling/.test(err.message),
  );
});

const kwargsCases: Array<[string, unknown, string | Record<string, unknown>]> = [
  ['defaults applied', { flow_name: 'f' }, { flow_name: 'f', flow_arguments: [] }],
  ['absent kwargs are an empty object', undefined, 'kwargs.flow_name'],
  ['missing required', {}, 'kwargs.flow_name'],
  ['wrong type', { flow_name: 3 }, 'kwargs.flow_name'],
  ['unknown argument', { flow_name: 'f', flow_nmae: 'g' }, 'kwargs.flow_nmae'],
  ['nested item', { flow_name: 'f', flow_arguments: [{}, 'x'] }, 'kwargs.flow_arguments.1'],
  ['minimum', { flow_name: 'f', retries: -1 }, 'kwargs.retries'],
  ['not an object', ['a'], 'kwargs'],
];
for (const [name, kwargs, expected] of kwargsCases) {
  test(`validateKwargs: ${name}`, () => {
    if (typeof expected === 'string') {
      assert.throws(
        () => registry.validateKwargs(FlowScheduling as unknown as HandlerClass, kwargs),
        (err: unknown) => err instanceof BosunError && err.code === 'invalid-kwargs' && err.field === expected && err.message.includes(expected),
      );
    } else {
      assert.deepEqual(registry.validateKwargs(FlowScheduling as unknown as HandlerClass, kwargs), expected);
    }
  });
}

test('validateKwargs does not change the caller’s object', () => {
  const input = { flow_name: 'f' };
  registry.validateKwargs(FlowScheduling as unknown as HandlerClass, input);
  assert.deepEqual(input, { flow_name: 'f' });
});

test('registryOf refuses a duplicate name, a non-kebab name and an invalid schema', () => {
  class Again extends FlowScheduling {
    static override name = 'flow-scheduling';
  }
  assert.throws(() => registryOf([FlowScheduling, Again] as unknown as HandlerClass[]), /'flow-scheduling' is already defined/);
  class NoName extends BaseHandler {
    override async execute() {
      return null;
    }
  }
  assert.throws(() => registryOf([NoName] as unknown as HandlerClass[]), /"NoName" is not kebab-case/);
  class BadSchema extends BaseHandler {
    static override name = 'bad-schema';
    static override kwargsSchema: JsonSchema = { type: 'object', properties: { a: { type: 'strung' } } };
    override async execute() {
      return null;
    }
  }
  assert.throws(() => registryOf([BadSchema] as unknown as HandlerClass[]), (err: unknown) => err instanceof BosunError && err.code === 'invalid-handler' && /bad-schema' has an invalid kwargs schema/.test(err.message));
});

test('loadHandlers finds the built-in handlers', async () => {
  const loaded = await loadHandlers();
  assert.deepEqual(loaded.list().map((h) => h.name), ['command', 'flow-scheduling', 'function', 'http', 'noop', 'selective-flow-scheduling']);
  assert.equal(loaded.resolve('Command').name, 'command');
  assert.equal(loaded.resolve('CallFunction').name, 'function');
  for (const h of loaded.list()) assert.ok(h.description.length > 20, `${h.name} describes itself`);
});

async function userDir(t: { after: (fn: () => Promise<void>) => void }, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-handlers-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const handlerFile = (cls: string, name: string, schema = "{ type: 'object' }") => `
import { BaseHandler } from '${BASE}';
export class ${cls} extends BaseHandler {
  static name = '${name}';
  static kwargsSchema = ${schema};
  async execute() { return { ok: true }; }
}
`;

test('loadHandlers adds a user folder, found by export name too', async (t) => {
  const dir = await userDir(t, { 'send-report.ts': handlerFile('SendReport', 'send-report'), 'notes.txt': 'not a handler', 'x.test.ts': 'throw new Error()' });
  const loaded = await loadHandlers([BUILTIN_HANDLERS_DIR, dir]);
  assert.equal(loaded.resolve('SendReport').name, 'send-report');
  assert.equal(loaded.list().length, 7);
});

const broken: Array<[string, Record<string, string>, RegExp]> = [
  ['a syntax error', { 'broken.ts': 'export class {' }, /broken\.ts: cannot load handler file/],
  ['a file exporting no handler', { 'empty.ts': 'export const x = 1;' }, /empty\.ts: exports no handler class/],
  ['a duplicate of a built-in', { 'mine.ts': handlerFile('MyHttp', 'http') }, /mine\.ts: handler name 'http' is already defined in .*handlers\/http\.ts/],
  ['an invalid schema', { 'bad.ts': handlerFile('Bad', 'bad', "{ type: 'object', properties: { a: { minLength: 'x' } } }") }, /bad\.ts: handler 'bad' has an invalid kwargs schema/],
  ['a throwing module', { 'boom.ts': 'throw new Error("kaboom");' }, /boom\.ts: cannot load handler file: kaboom/],
];
for (const [name, files, message] of broken) {
  test(`loadHandlers stops on ${name}, naming the file`, async (t) => {
    const dir = await userDir(t, files);
    await assert.rejects(loadHandlers([BUILTIN_HANDLERS_DIR, dir]), (err: unknown) => err instanceof BosunError && err.code === 'invalid-handler' && message.test(err.message));
  });
}

test('loadHandlers refuses a missing folder', async () => {
  await assert.rejects(loadHandlers(['/nonexistent/bosun-handlers']), /cannot read the handlers folder \/nonexistent\/bosun-handlers/);
});
