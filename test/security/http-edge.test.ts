// Issue 24, attacks 1, 6 and 7 replayed over real HTTP against bosun as a child process (default
// auth, loopback): DNS rebinding (a foreign Host), a text/plain body, text PostgreSQL cannot
// store, nesting past the limit, a method a path lacks, and the headers every answer carries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../helpers/database.ts';
import { serviceEnv, startService } from '../helpers/browser.ts';

const databaseUrl = await createTestDatabase('bosun_sec_edge');
const { base } = await startService(serviceEnv({ DATABASE_URL: databaseUrl, BOSUN_DEFAULT_JOBS_DIR: await mkdtemp(join(tmpdir(), 'bosun-edge-')) }));
const { hostname, port } = new URL(base);

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, any>;
}

/** One request as written, byte for byte: node:http sends the Host and path it is given. */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method, path, headers: { ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let json: Record<string, any> = {};
        try {
          json = JSON.parse(text) as Record<string, any>;
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode!, headers: res.headers, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };
const jobCount = async () => ((await raw('GET', '/api/v1/jobs')).json.total as number);

test('DNS rebinding: a Host bosun does not serve is 421, health probes answer any Host', async () => {
  const refused = await raw('GET', '/api/v1/jobs', { host: 'evil.example' });
  assert.equal(refused.status, 421);
  assert.equal(refused.json.field, 'Host');
  assert.match(String(refused.headers['content-type']), /application\/problem\+json/);
  const write = await raw('POST', '/api/v1/jobs/noop', { host: `evil.example:${port}`, ...JSON_TYPE }, '{}');
  assert.equal(write.status, 421);
  assert.equal((await raw('GET', '/api/v1/liveness', { host: 'evil.example' })).status, 200);
  for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'app.localhost']) {
    assert.equal((await raw('GET', '/api/v1/jobs', { host })).status, 200, host);
  }
});

test('a text/plain (or form) body is 415 naming Content-Type, and creates nothing; a body-less POST needs no type', async () => {
  const before = await jobCount();
  const body = JSON.stringify({ handler: 'noop', periodically: '1 day' });
  for (const type of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    const res = await raw('POST', '/api/v1/jobs', { 'content-type': type }, body);
    assert.equal(res.status, 415, type);
    assert.equal(res.json.field, 'Content-Type');
  }
  assert.equal((await raw('POST', '/api/v1/jobs', {}, body)).status, 415, 'a body without a type');
  assert.equal((await raw('POST', '/dashboard/schedule-preview', { 'content-type': 'text/plain' }, '{"schedules":[]}')).status, 415);
  assert.equal(await jobCount(), before, 'no job was created');

  const created = await raw('POST', '/api/v1/jobs', { 'content-type': 'application/json; charset=utf-8' }, body);
  assert.equal(created.status, 201);
  // The seed's curl of a route without a body: `curl -X POST …/run`, no Content-Type.
  const ran = await raw('POST', `/api/v1/jobs/${encodeURIComponent(created.json.job.job_id)}/run`);
  assert.equal(ran.status, 202, JSON.stringify(ran.json));
  assert.equal((await raw('PUT', `/api/v1/jobs/${encodeURIComponent(created.json.job.job_id)}?state=paused`)).status, 200);
});

test('a cross-origin write is 403 naming Origin; same-origin and header-less writes pass', async () => {
  const body = '{}';
  const cases: Array<[Record<string, string>, number]> = [
    [{ origin: 'http://evil.example' }, 403],
    [{ origin: 'null' }, 403],
    [{ origin: `http://127.0.0.1:${Number(port) + 1}` }, 403],
    [{ 'sec-fetch-site': 'cross-site', origin: 'http://127.0.0.2' }, 403],
    [{ 'sec-fetch-site': 'same-site' }, 403],
    [{ origin: `http://127.0.0.1:${port}`, 'sec-fetch-site': 'same-origin' }, 201],
    [{}, 201],
  ];
  for (const [headers, status] of cases) {
    const res = await raw('POST', '/api/v1/jobs/noop?state=paused', { ...JSON_TYPE, ...headers }, body);
    assert.equal(res.status, status, JSON.stringify(headers));
    if (status === 403) assert.ok(['Origin', 'Sec-Fetch-Site'].includes(res.json.field), JSON.stringify(res.json));
  }
  // Reads are not writes: a page may not read the answer anyway (no CORS headers).
  assert.equal((await raw('GET', '/api/v1/jobs', { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' })).status, 200);
});

test('deep JSON, NUL and lone surrogates anywhere, malformed percent-encoding: 400 naming the field, never 500', async () => {
  const before = await jobCount();
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const cases: Array<[string, string, string | undefined, string]> = [
    ['POST', '/api/v1/jobs', `{"handler":"noop","kwargs":{"x":${deep}}}`, 'kwargs.x'],
    ['POST', '/api/v1/jobs', deep, 'body'],
    ['POST', '/api/v1/jobs/noop', `{"x":${deep}}`, 'kwargs.x'],
    ['POST', '/api/v1/jobs', '{"handler":"noop","description":"a\\u0000b"}', 'description'],
    ['POST', '/api/v1/jobs', '{"handler":"noop","kwargs":{"x":["ok",{"y":"\\u0000"}]}}', 'kwargs.x.1.y'],
    ['POST', '/api/v1/jobs', '{"handler":"noop","description":"\\ud800"}', 'description'],
    ['POST', '/api/v1/jobs', '{"handler":"noop","kwargs":{"k\\u0000":1}}', 'kwargs'],
    ['POST', '/api/v1/jobs/noop', '{"x":"\\udc00"}', 'kwargs.x'],
    ['POST', '/dashboard/schedule-preview', `{"schedules":${deep}}`, 'schedules'],
    ['GET', '/api/v1/jobs/a%00b', undefined, 'job_id'],
    ['DELETE', '/api/v1/jobs/a%00b', undefined, 'job_id'],
    ['GET', '/api/v1/runs/%00', undefined, 'run_id'],
    ['GET', '/api/v1/jobs?search=a%00', undefined, 'search'],
    ['GET', '/api/v1/failures?job_id=%00', undefined, 'job_id'],
    ['GET', '/api/v1/jobs?search=%E0%A4%A', undefined, 'search'],
    ['GET', '/api/v1/jobs?search=%ED%A0%80', undefined, 'search'],
    ['GET', '/api/v1/jobs/%zz', undefined, 'job_id'],
  ];
  for (const [method, path, body, field] of cases) {
    const res = await raw(method, path, body === undefined ? {} : JSON_TYPE, body);
    assert.equal(res.status, 400, `${method} ${path} ${String(body).slice(0, 80)}: ${JSON.stringify(res.json)}`);
    assert.equal(res.json.field, field, `${method} ${path}`);
  }
  assert.equal(await jobCount(), before);
});

test('a method a known path lacks is 405 with Allow; OPTIONS lists them', async () => {
  const cases: Array<[string, string, string]> = [
    ['PATCH', '/api/v1/jobs', 'DELETE, GET, HEAD, OPTIONS, POST, PUT'],
    ['PUT', '/api/v1/runs', 'GET, HEAD, OPTIONS'],
    ['GET', '/api/v1/runs/00000000-0000-0000-0000-000000000000/cancel', 'OPTIONS, POST'],
    ['POST', '/metrics', 'GET, HEAD, OPTIONS'],
    ['GET', '/dashboard/schedule-preview', 'OPTIONS, POST'],
  ];
  for (const [method, path, allow] of cases) {
    const res = await raw(method, path);
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(res.headers.allow, allow, `${method} ${path}`);
    assert.equal(res.json.type, 'https://bosun.dev/problems/method-not-allowed');
  }
  const options = await raw('OPTIONS', '/api/v1/jobs');
  assert.equal(options.status, 204);
  assert.equal(options.headers.allow, 'DELETE, GET, HEAD, OPTIONS, POST, PUT');
  assert.equal((await raw('PATCH', '/api/v1/nowhere')).status, 404);
});

test('every answer carries nosniff, a CSP with frame-ancestors none and a Referrer-Policy; pages keep their own CSP', async () => {
  const dataCsp = "default-src 'none'; frame-ancestors 'none'";
  for (const path of ['/api/v1/jobs', '/api/v1/liveness', '/api/v1/openapi.json', '/metrics', '/api/v1/nowhere', '/api/v1/jobs/nope', '/api/v1/ui/swagger-ui-bundle.js']) {
    const res = await raw('GET', path);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
    assert.equal(res.headers['content-security-policy'], dataCsp, path);
    assert.ok(res.headers['referrer-policy'], path);
  }
  const refused = await raw('GET', '/api/v1/jobs', { host: 'evil.example' });
  assert.equal(refused.headers['content-security-policy'], dataCsp, 'refusals too');
  for (const path of ['/api/v1/ui/', '/dashboard/']) {
    const res = await raw('GET', path);
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors 'none'/, path);
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/, path);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
  }
});
