// The `function` handler: a module from the allowed folder, a named export, args; anything
// outside the folder refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHandlers } from '../../../src/handlers/registry.ts';
import { CallFunction, type FunctionKwargs } from '../../../handlers/function.ts';
import { handlerContext } from './handler-context.ts';

const registry = await loadHandlers();
const handler = registry.resolve('function');
const run = (kwargs: Record<string, unknown>, ctx = handlerContext()) => new CallFunction().execute(registry.validateKwargs(handler, kwargs) as unknown as FunctionKwargs, ctx);

let root: string;
before(async () => {
  root = await mkdtemp(join(tmpdir(), 'bosun-fn-'));
  await mkdir(join(root, 'functions/reports'), { recursive: true });
  await writeFile(join(root, 'functions/reports/sum.ts'), `
export function sum(...numbers: number[]) { return { total: numbers.reduce((a, b) => a + b, 0) }; }
export async function greet(name: string, options: { shout?: boolean }) { return options.shout ? name.toUpperCase() : name; }
export default function () { return this.jobId; }
export function fail() { throw new RangeError('out of range'); }
export function nothing() {}
`);
  await writeFile(join(root, 'secret.ts'), 'export default () => "secret";');
  await symlink(join(root, 'secret.ts'), join(root, 'functions/link.ts'));
  process.env.BOSUN_FUNCTIONS_DIR = join(root, 'functions');
});
after(async () => {
  delete process.env.BOSUN_FUNCTIONS_DIR;
  await rm(root, { recursive: true, force: true });
});

test('calls a named export with args; its return value is the result', async () => {
  assert.deepEqual(await run({ module: 'reports/sum.ts', function: 'sum', args: [1, 2, 3] }), { total: 6 });
});

test('kwargs come as one last argument', async () => {
  assert.equal(await run({ module: 'reports/sum.ts', function: 'greet', args: ['ada'], kwargs: { shout: true } }), 'ADA');
});

test('the default export by default, with the run context as this', async () => {
  assert.equal(await run({ module: 'reports/sum.ts' }), 'test-job');
});

test('undefined becomes null', async () => {
  assert.equal(await run({ module: 'reports/sum.ts', function: 'nothing' }), null);
});

test('what the function throws fails the run as it is', async () => {
  await assert.rejects(run({ module: 'reports/sum.ts', function: 'fail' }), (err: unknown) => err instanceof RangeError && err.message === 'out of range');
});

const refused: Array<[string, Record<string, unknown>, RegExp]> = [
  ['.. out of the folder', { module: '../secret.ts' }, /outside the functions folder/],
  ['an absolute path', { module: '/etc/passwd.js' }, /relative to the functions folder/],
  ['a symlink pointing out', { module: 'link.ts' }, /outside the functions folder/],
  ['a missing module', { module: 'nope.ts' }, /'nope\.ts' not found/],
  ['not a module file', { module: 'reports' }, /must be a \.js/],
  ['a missing export', { module: 'reports/sum.ts', function: 'avg' }, /no exported function 'avg' \(functions it exports: .*sum/],
];
for (const [name, kwargs, message] of refused) {
  test(`refuses ${name}`, async () => {
    await assert.rejects(run(kwargs), message);
  });
}

test('a bad export name is refused when the job is defined', () => {
  assert.throws(() => registry.validateKwargs(handler, { module: 'a.ts', function: 'x; process.exit()' }), /kwargs\.function must match pattern/);
});
