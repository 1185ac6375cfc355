import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findReferences, resolveTemplates, TemplateError, type TemplateScope } from '../../../src/flows/template.ts';

const scope: TemplateScope = {
  args: { name: 'serve-static', version: '1.7.1', force: true, n: 3 },
  steps: { download: { result: { path: '/tmp/x', files: ['a', 'b'] } } },
  skipped: new Set(['deps']),
  flow: { name: 'f', run_id: 'r1', job_id: null },
};

const cases: Array<[string, unknown, unknown]> = [
  ['whole placeholder keeps the type', { n: '${args.n}' }, { n: 3 }],
  ['boolean', { f: '${args.force}' }, { f: true }],
  ['embedded in text', { s: '${args.name}@${args.version}' }, { s: 'serve-static@1.7.1' }],
  ['object embedded as JSON', { s: 'files=${steps.download.result.files}' }, { s: 'files=["a","b"]' }],
  ['step result path', { p: '${steps.download.result.path}' }, { p: '/tmp/x' }],
  ['array index', { p: '${steps.download.result.files.1}' }, { p: 'b' }],
  ['inside lists and objects', { c: ['echo', { x: '${flow.name}' }] }, { c: ['echo', { x: 'f' }] }],
  ['escape', { s: 'cost $${HOME}' }, { s: 'cost ${HOME}' }],
  ['non-strings untouched', { n: 1, b: false, z: null }, { n: 1, b: false, z: null }],
  ['a skipped step\'s result is null', { r: '${steps.deps.result}' }, { r: null }],
  ['below a skipped step\'s result, null too', { r: '${steps.deps.result.stdout_tail}' }, { r: null }],
  ['inside text, a skipped step\'s result is nothing', { s: 'report: ${steps.deps.result.stdout_tail}.' }, { s: 'report: .' }],
];
for (const [name, input, expected] of cases) {
  test(`resolve: ${name}`, () => assert.deepEqual(resolveTemplates(input as Record<string, unknown>, scope), expected));
}

const failures: Array<[string, Record<string, unknown>, RegExp, string]> = [
  ['missing argument', { a: ['${args.nope}'] }, /args has no 'nope'/, 'kwargs.a[0]'],
  ['missing result path', { a: '${steps.download.result.zip}' }, /steps\.download\.result has no 'zip'/, 'kwargs.a'],
  ['step not run', { a: '${steps.other.result}' }, /step 'other' did not run/, 'kwargs.a'],
  ['expression refused', { a: '${args.n + 1}' }, /is not a path/, 'kwargs.a'],
  ['unknown root', { a: '${env.HOME}' }, /starts with args\., steps\. or flow\./, 'kwargs.a'],
  ['flow field', { a: '${flow.secret}' }, /flow\. has name, run_id, job_id/, 'kwargs.a'],
  ['prototype is not reachable', { a: '${args.constructor}' }, /args has no 'constructor'/, 'kwargs.a'],
];
for (const [name, input, match, field] of failures) {
  test(`refuse: ${name}`, () => {
    assert.throws(
      () => resolveTemplates(input, scope),
      (err: unknown) => err instanceof TemplateError && match.test(err.message) && err.field === field,
    );
  });
}

test('findReferences lists every placeholder with where it is', () => {
  assert.deepEqual(findReferences({ c: ['x ${args.a}', '${steps.s.result.p}'] }), [
    { path: ['args', 'a'], field: 'kwargs.c[0]' },
    { path: ['steps', 's', 'result', 'p'], field: 'kwargs.c[1]' },
  ]);
});
