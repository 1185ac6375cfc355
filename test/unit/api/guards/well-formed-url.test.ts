// Paths and queries that do not decode to storable text: 400 naming the field, before routing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { urlFault } from '../../../../src/api/guards/well-formed-url.ts';
import { pathMethods } from '../../../../src/api/guards/path-methods.ts';

const paths = pathMethods({ paths: { '/jobs': { get: {}, post: {} }, '/jobs/{job_id}': { get: {}, delete: {} }, '/jobs/noop': { post: {} }, '/runs/{run_id}/cancel': { post: {} } } }, '/api/v1', { '/metrics': ['GET'] });

test('URL faults: the field at fault, or none', () => {
  const cases: Array<[string, string, string, string | undefined]> = [
    ['plain', '/api/v1/jobs/a-b', 'state=running&limit=5', undefined],
    ['encoded text', '/api/v1/jobs/%C3%B1%E2%98%83', 'q=%F0%9F%92%A5&x=a+b', undefined],
    ['NUL in a job id', '/api/v1/jobs/a%00b', '', 'job_id'],
    ['NUL in a run id', '/api/v1/runs/%00/cancel', '', 'run_id'],
    ['NUL in an unknown path', '/api/v1/nowhere/%00', '', 'path'],
    ['malformed in the path', '/api/v1/jobs/%zz', '', 'job_id'],
    ['truncated UTF-8 in the path', '/api/v1/jobs/%E0%A4%A', '', 'job_id'],
    ['an encoded surrogate', '/api/v1/jobs/%ED%A0%80', '', 'job_id'],
    ['NUL in a query value', '/api/v1/jobs', 'state=running&q=a%00', 'q'],
    ['malformed query value', '/api/v1/jobs', 'q=%E0%A4%A', 'q'],
    ['lone % in a query value', '/api/v1/jobs', 'q=100%', 'q'],
    ['NUL in a query name', '/api/v1/jobs', 'a%00=1', 'query'],
    ['malformed query name', '/api/v1/jobs', '%zz=1', 'query'],
    ['empty pairs', '/api/v1/jobs', '&&=&', undefined],
  ];
  for (const [name, path, query, field] of cases) {
    assert.equal(urlFault(path, query, (i) => paths.parameterAt(path, i))?.field, field, name);
  }
});

test('methods of a path: with HEAD and OPTIONS, from every template it matches', () => {
  const cases: Array<[string, string[] | undefined]> = [
    ['/api/v1/jobs', ['GET', 'HEAD', 'OPTIONS', 'POST']],
    ['/api/v1/jobs/x', ['DELETE', 'GET', 'HEAD', 'OPTIONS']],
    ['/api/v1/jobs/noop', ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST']],
    ['/api/v1/runs/1/cancel', ['OPTIONS', 'POST']],
    ['/metrics', ['GET', 'HEAD', 'OPTIONS']],
    ['/api/v1/jobs/', undefined],
    ['/api/v1/nowhere', undefined],
    ['/jobs', undefined],
  ];
  for (const [path, allowed] of cases) assert.deepEqual(paths.allowed(path), allowed, path);
});
