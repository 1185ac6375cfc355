import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadHandlers } from '../../../src/handlers/registry.ts';
import { loadJobFiles } from '../../../src/default-jobs/load-job-files.ts';
import { formatProblem, type JobFileProblem } from '../../../src/default-jobs/job-file-error.ts';

const registry = await loadHandlers();
const now = new Date('2026-03-02T10:00:00Z');
const REPO_JOBS = new URL('../../../default-jobs/', import.meta.url).pathname;

async function folder(t: { after: (fn: () => Promise<void>) => void }, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-jobs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  return dir;
}

test('both layouts give the same definition', async (t) => {
  const dir = await folder(t, {
    'nested.yaml': 'handler: Http\njob_id: ping-a\nkwargs:\n  url: http://127.0.0.1:1/\n  method: HEAD\nperiodically: 1 hour\n',
    'top.yml': 'handler: http\njob_id: ping-b\nurl: http://127.0.0.1:1/\nmethod: HEAD\nperiodically: 1 hour\n',
  });
  const { definitions, errors } = await loadJobFiles(dir, registry, now);
  assert.deepEqual(errors, []);
  assert.equal(definitions.length, 2);
  const [a, b] = definitions.map((d) => d.definition);
  assert.deepEqual(a!.kwargs, b!.kwargs);
  assert.equal(a!.handler, 'http');
  assert.deepEqual([a!.source, b!.source], ['yaml:nested.yaml', 'yaml:top.yml']);
  assert.deepEqual(a!.schedule_input, { periodically: '1 hour' });
});

test('the seed’s file (empty when:) reads; files in subfolders are found; hidden ones are not', async (t) => {
  const dir = await folder(t, {
    'team/daily.yaml': 'handler: Noop\njob_id: daily\nkwargs: {}\nwhen:\nperiodically: 1 day\nmisfire_grace_time: 1 hour\nstate: running\n',
    '.drafts/x.yaml': 'not: [valid',
    'README.md': '# not a job',
  });
  const { definitions, errors } = await loadJobFiles(dir, registry, now);
  assert.deepEqual(errors, []);
  assert.deepEqual(definitions.map((d) => [d.path, d.definition.source]), [['team/daily.yaml', 'yaml:team/daily.yaml']]);
});

test('a missing folder has no jobs', async () => {
  assert.deepEqual(await loadJobFiles('/nonexistent/bosun-default-jobs', registry, now), { definitions: [], errors: [] });
});

// Each bad file alone in its folder: the exact position and field of the problem.
const bad: Array<[string, string, Array<Pick<JobFileProblem, 'line' | 'column' | 'field'> & { message: RegExp }>]> = [
  ['syntax', 'handler: noop\njob_id: x\nkwargs: {a: [1, 2}\n', [
    { line: 3, column: 18, field: 'yaml', message: /Flow sequence .* end with a \]/ },
    { line: 3, column: 19, field: 'yaml', message: /Flow map .* end with a \}/ },
  ]],
  ['tab indentation', 'handler: noop\njob_id: x\nkwargs:\n\turl: 1\n', [{ line: 4, column: 1, field: 'yaml', message: /./ }]],
  ['duplicate key', 'handler: noop\njob_id: x\njob_id: y\n', [{ line: 3, column: 1, field: 'yaml', message: /unique/i }]],
  ['empty file', '', [{ line: 1, column: 1, field: 'yaml', message: /empty/ }]],
  ['not a mapping', '- handler: noop\n', [{ line: 1, column: 1, field: 'yaml', message: /mapping/ }]],
  ['two documents', 'handler: noop\njob_id: a\n---\nhandler: noop\njob_id: b\n', [{ line: 3, column: 1, field: 'yaml', message: /one job/ }]],
  ['missing job_id', 'handler: noop\nperiodically: 1 day\n', [{ line: 1, column: 1, field: 'job_id', message: /job_id is required/ }]],
  ['unknown handler', 'job_id: x\nhandler: FlowSchedulin\n', [{ line: 2, column: 1, field: 'handler', message: /unknown handler 'FlowSchedulin'/ }]],
  ['bad kwargs, nested layout', 'job_id: x\nhandler: http\nkwargs:\n  url: ftp://x\n  method: FETCH\n', [
    { line: 4, column: 3, field: 'kwargs.url', message: /must match pattern/ },
    { line: 5, column: 3, field: 'kwargs.method', message: /must be one of/ },
  ]],
  ['bad kwargs, top-level layout', 'job_id: x\nhandler: http\nperiodically: 1 day\nurl: 42\n', [{ line: 4, column: 1, field: 'kwargs.url', message: /must be string/ }]],
  ['missing kwarg', 'job_id: x\nhandler: http\nkwargs:\n  method: GET\n', [{ line: 3, column: 1, field: 'kwargs.url', message: /is required/ }]],
  ['missing kwarg, top-level layout', 'job_id: x\nperiodically: 1 day\nhandler: http\n', [{ line: 3, column: 1, field: 'kwargs.url', message: /is required/ }]],
  ['typo in a top-level layout', 'job_id: x\nhandler: noop\nperiodicaly: 1 day\n', [{ line: 3, column: 1, field: 'kwargs.periodicaly', message: /not a known argument/ }]],
  ['unknown field beside kwargs', 'job_id: x\nhandler: noop\nkwargs: {}\nperiodicaly: 1 day\n', [{ line: 4, column: 1, field: 'periodicaly', message: /unknown field 'periodicaly'.*goes under it/ }]],
  ['bad duration', 'job_id: x\nhandler: noop\nkwargs: {}\nperiodically: every now and then\n', [{ line: 4, column: 1, field: 'periodically', message: /Unable to parse 'periodically'/ }]],
  ['bad misfire_grace_time', 'job_id: x\nhandler: noop\nperiodically: 1 day\n  # comment\nmisfire_grace_time: 2 months\n', [{ line: 5, column: 1, field: 'misfire_grace_time', message: /months/ }]],
  ['bad date in a list', 'job_id: x\nhandler: noop\ndates:\n  - 2026-05-01T10:00:00Z\n  - tomorrowish\n', [{ line: 5, column: 5, field: 'dates[1]', message: /dates\[1\]/ }]],
  ['bad job_id', 'handler: noop\njob_id: daily job\n', [{ line: 2, column: 1, field: 'job_id', message: /no spaces/ }]],
  ['bad state', 'handler: noop\njob_id: x\nstate: on\n', [{ line: 3, column: 1, field: 'state', message: /'running'/ }]],
];
for (const [name, text, expected] of bad) {
  test(`a bad file (${name}) is reported at its position`, async (t) => {
    const dir = await folder(t, { 'job.yaml': text });
    const { definitions, errors } = await loadJobFiles(dir, registry, now);
    assert.deepEqual(definitions, []);
    assert.equal(errors.length, expected.length, JSON.stringify(errors));
    expected.forEach((e, i) => {
      const got = errors[i]!;
      assert.ok(got.file.endsWith('job.yaml'), got.file);
      assert.deepEqual({ line: got.line, column: got.column, field: got.field }, { line: e.line, column: e.column, field: e.field }, formatProblem(got));
      assert.match(got.message, e.message);
    });
  });
}

test('every problem of one file comes at once, each at its position, with the name probably meant', async (t) => {
  const text = [
    'job_id: x', //                  1
    'handler: comand', //            2 a misspelt handler
    'kwargs: {}',
    'periodicaly: 1 day', //         4 a misspelt field
    'overlap: sometimes', //         5 a bad value
    'retries: -1', //                6 another
    'timeout: soon', //              7 and another
  ].join('\n');
  const dir = await folder(t, { 'job.yaml': text });
  const { definitions, errors } = await loadJobFiles(dir, registry, now);
  assert.deepEqual(definitions, []);
  const shown = errors.map((e) => [e.line, e.field, e.suggestion]);
  assert.deepEqual(shown.sort(), [[2, 'handler', 'command'], [4, 'periodicaly', 'periodically'], [5, 'overlap', undefined], [6, 'retries', undefined], [7, 'timeout', undefined]].sort(), errors.map(formatProblem).join('\n'));
  assert.match(formatProblem(errors.find((e) => e.field === 'handler')!), /job\.yaml:2:1 handler: unknown handler 'comand'.*; did you mean 'command'\?$/);
});

test('a misspelt argument or job field of the top-level layout gets a suggestion', async (t) => {
  const dir = await folder(t, { 'job.yaml': 'job_id: x\nhandler: http\nurl: http://127.0.0.1/\nmethdo: GET\ntimout: 10\n' });
  const { errors } = await loadJobFiles(dir, registry, now);
  assert.deepEqual(errors.map((e) => [e.line, e.field, e.suggestion]), [[4, 'kwargs.methdo', 'method'], [5, 'kwargs.timout', 'timeout']]);
});

test('a file without job_id still reports its other problems', async (t) => {
  const dir = await folder(t, { 'job.yaml': 'handler: noop\nkwargs: {}\nstate: on\n' });
  const { errors } = await loadJobFiles(dir, registry, now);
  assert.deepEqual(errors.map((e) => e.field), ['job_id', 'state']);
});

test('${BOSUN_API_URL} is filled in; any other ${…} stays as written', async (t) => {
  const dir = await folder(t, {
    'ping.yaml': 'job_id: ping\nhandler: http\nurl: ${BOSUN_API_URL}/api/v1/liveness\n',
    'echo.yaml': 'job_id: echo\nhandler: command\ncommand: echo ${HOME} ${BOSUN_API_URL}\n',
  });
  const { definitions, errors } = await loadJobFiles(dir, registry, now, { BOSUN_API_URL: 'http://127.0.0.1:4567' });
  assert.deepEqual(errors, []);
  const kwargs = Object.fromEntries(definitions.map((d) => [d.definition.job_id, d.definition.kwargs]));
  assert.equal(kwargs.ping?.url, 'http://127.0.0.1:4567/api/v1/liveness');
  assert.equal(kwargs.echo?.command, 'echo ${HOME} http://127.0.0.1:4567');
});

test('the repository’s health ping follows HOST and PORT', async () => {
  const { definitions } = await loadJobFiles(REPO_JOBS, registry, now, { BOSUN_API_URL: 'http://[::1]:4567' });
  const ping = definitions.find((d) => d.definition.job_id === 'hourly-health-ping');
  assert.equal(ping?.definition.kwargs.url, 'http://[::1]:4567/api/v1/liveness');
});

test('every file is checked: problems of several files come together', async (t) => {
  const dir = await folder(t, { 'a.yaml': 'handler: nope\njob_id: a\n', 'b.yaml': 'handler: noop\njob_id: b\n', 'c.yaml': 'job_id: c\nhandler: noop\ncron: 99 * * * *\n' });
  const { definitions, errors } = await loadJobFiles(dir, registry, now);
  assert.deepEqual(definitions.map((d) => d.definition.job_id), ['b']);
  assert.deepEqual(errors.map((e) => [e.file.split('/').at(-1), e.field]), [['a.yaml', 'handler'], ['c.yaml', 'cron']]);
});

test('two files with one job_id: an error naming both files', async (t) => {
  const dir = await folder(t, { 'one.yaml': 'handler: noop\njob_id: same\n', 'two.yaml': '# the same id\nhandler: noop\njob_id: same\n' });
  const { errors } = await loadJobFiles(dir, registry, now);
  assert.equal(errors.length, 2);
  const text = errors.map(formatProblem).join('\n');
  assert.match(text, /two\.yaml:3:1 job_id: job_id 'same' is also defined in .*one\.yaml:2:1/);
  assert.match(text, /one\.yaml:2:1 job_id: job_id 'same' is also defined in .*two\.yaml:3:1/);
});

test('the repository’s own default-jobs/ folder is valid', async () => {
  const { definitions, errors } = await loadJobFiles(REPO_JOBS, registry, now, { BOSUN_API_URL: 'http://127.0.0.1:34000' });
  assert.deepEqual(errors, []);
  assert.ok(definitions.length >= 2);
  for (const { definition } of definitions) assert.ok(definition.description, `${definition.job_id} has a description`);
});
