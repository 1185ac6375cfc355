import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { loadHandlers } from '../../../src/handlers/registry.ts';
import { jobFileSchema } from '../../../src/default-jobs/job-file-schema.ts';

const ROOT = new URL('../../../', import.meta.url);
const registry = await loadHandlers();
const schema = jobFileSchema(registry);
const validate = new Ajv2020({ strict: false, allowUnionTypes: true }).compile(schema);

test('schemas/job-file.schema.json is the schema of the built-in handlers (regenerate: npm run --silent validate -- --schema > schemas/job-file.schema.json)', async () => {
  const committed = JSON.parse(await readFile(new URL('schemas/job-file.schema.json', ROOT), 'utf8')) as unknown;
  assert.deepEqual(committed, schema);
});

test('the repository’s example job files match the schema', async () => {
  const dir = new URL('default-jobs/', ROOT);
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml'));
  assert.ok(files.length >= 2);
  for (const file of files) {
    const doc = parse(await readFile(new URL(file, dir), 'utf8')) as unknown;
    assert.ok(validate(doc), `${file}: ${JSON.stringify(validate.errors)}`);
  }
});

const cases: Array<[string, unknown, boolean]> = [
  ['nested layout', { job_id: 'a', handler: 'http', kwargs: { url: 'http://x/' }, periodically: '1 hour' }, true],
  ['class-style handler name', { job_id: 'a', handler: 'Command', kwargs: { command: ['true'] } }, true],
  ['top-level layout', { job_id: 'a', handler: 'http', url: 'http://x/' }, true],
  ['missing job_id', { handler: 'noop' }, false],
  ['unknown handler', { job_id: 'a', handler: 'nope' }, false],
  ['kwargs against the handler schema', { job_id: 'a', handler: 'http', kwargs: { url: 'ftp://x' } }, false],
  ['unknown field beside kwargs', { job_id: 'a', handler: 'noop', kwargs: {}, periodicaly: '1 day' }, false],
  ['bad overlap', { job_id: 'a', handler: 'noop', overlap: 'sometimes' }, false],
];
for (const [name, doc, valid] of cases) {
  test(`job-file schema: ${name} is ${valid ? 'valid' : 'invalid'}`, () => assert.equal(validate(doc), valid, JSON.stringify(validate.errors)));
}
