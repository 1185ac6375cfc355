// The `http` handler against a real local server (node:http on 127.0.0.1:0), and its target
// guard: metadata addresses, redirects to them, and the operator's allow and deny lists.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadHandlers } from '../../../src/handlers/registry.ts';
import { Http, HttpRequestError, HttpStatusError, HttpTargetRefusedError, type HttpKwargs, type HttpResult } from '../../../handlers/http.ts';
import { handlerContext } from './handler-context.ts';

const registry = await loadHandlers();
const handler = registry.resolve('http');
const run = (kwargs: Record<string, unknown>, ctx = handlerContext()) =>
  new Http().execute(registry.validateKwargs(handler, kwargs) as unknown as HttpKwargs, ctx) as Promise<HttpResult>;

const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
const server = createServer(async (req, res) => {
  let body = '';
  for await (const chunk of req) body += chunk;
  seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
  if (req.url === '/json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  if (req.url === '/created') return void res.writeHead(201).end('made');
  if (req.url === '/down') return void res.writeHead(503).end('maintenance until 10:00');
  if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('late'), 2000);
  if (req.url === '/big') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(1_000_000));
  if (req.url?.startsWith('/redirect?to=')) return void res.writeHead(302, { location: decodeURIComponent(req.url.slice('/redirect?to='.length)) }).end();
  if (req.url === '/echo') return void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  res.writeHead(404).end();
});
server.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
after(() => {
  server.closeAllConnections();
  server.close();
});

test('GET: status and parsed JSON body are the result', async () => {
  const ctx = handlerContext();
  assert.deepEqual(await run({ url: `${base}/json` }, ctx), { status: 200, body: { ok: true }, truncated: false });
  assert.match(ctx.log.lines()[0]!.msg, /GET .*\/json → 200/);
});

test('POST with a JSON body and headers', async () => {
  const result = await run({ url: `${base}/echo`, method: 'POST', headers: { 'x-team': 'ops' }, json: { a: [1, 2] } });
  assert.deepEqual(result.body, { a: [1, 2] });
  const request = seen.at(-1)!;
  assert.equal(request.method, 'POST');
  assert.equal(request.headers['content-type'], 'application/json');
  assert.equal(request.headers['x-team'], 'ops');
});

test('expected_status: one code or a list', async () => {
  assert.equal((await run({ url: `${base}/created`, expected_status: 201 })).status, 201);
  assert.equal((await run({ url: `${base}/down`, expected_status: [200, 503] })).body, 'maintenance until 10:00');
});

test('an unexpected status fails the run with the status and the body', async () => {
  await assert.rejects(run({ url: `${base}/down` }), (err: unknown) => {
    assert.ok(err instanceof HttpStatusError);
    assert.equal(err.status, 503);
    assert.match(err.message, /answered 503, expected a 2xx; body: maintenance until 10:00/);
    return true;
  });
  await assert.rejects(run({ url: `${base}/json`, expected_status: 204 }), /answered 200, expected 204/);
});

test('the body is capped', async () => {
  const result = await run({ url: `${base}/big`, max_body_chars: 100 });
  assert.equal(result.truncated, true);
  assert.equal((result.body as string).length, 100);
});

test('the timeout gives up and fails', async () => {
  const started = Date.now();
  await assert.rejects(run({ url: `${base}/slow`, timeout: '200ms' }), (err: unknown) => err instanceof HttpRequestError && /no answer within 200 ms/.test(err.message));
  assert.ok(Date.now() - started < 1500);
});

test('cancel aborts the request with the abort reason', async () => {
  const controller = new AbortController();
  const done = run({ url: `${base}/slow` }, handlerContext(controller.signal));
  setTimeout(() => controller.abort(new Error('cancelled')), 100);
  await assert.rejects(done, /cancelled/);
});

test('a refused connection fails cleanly (the health ping on a machine without bosun)', async () => {
  const closed = createServer();
  closed.listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const port = (closed.address() as AddressInfo).port;
  closed.close();
  await assert.rejects(run({ url: `http://127.0.0.1:${port}/api/v1/liveness` }), (err: unknown) => err instanceof HttpRequestError && /ECONNREFUSED/.test(err.message));
});

test('kwargs are checked when the job is defined', () => {
  assert.throws(() => registry.validateKwargs(handler, { url: 'file:///etc/passwd' }), /kwargs\.url must match pattern/);
  assert.throws(() => registry.validateKwargs(handler, { url: base, json: {}, body: 'x' }), /must not match/);
  assert.throws(() => registry.validateKwargs(handler, { url: base, expected_status: 700 }), /kwargs\.expected_status/);
});

const originals = new WeakMap<object, Map<string, string | undefined>>();

/** Sets environment variables of this process (bosun's settings, as the handler reads them) until the test ends. */
function setEnv(t: { after(fn: () => unknown): void }, vars: Record<string, string>): void {
  let saved = originals.get(t);
  if (saved === undefined) {
    const restore = new Map<string, string | undefined>();
    originals.set(t, (saved = restore));
    t.after(() => restore.forEach((value, name) => (value === undefined ? delete process.env[name] : (process.env[name] = value))));
  }
  for (const [name, value] of Object.entries(vars)) {
    if (!saved.has(name)) saved.set(name, process.env[name]);
    process.env[name] = value;
  }
}

const refused = (pattern: RegExp) => (err: unknown) => err instanceof HttpTargetRefusedError && pattern.test(err.message);

test('cloud metadata and link-local targets are refused before connecting', async () => {
  for (const url of [
    'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://[fe80::1]:8080/',
    'http://[::ffff:169.254.169.254]/',
    'http://0.0.0.0:8080/',
  ]) {
    await assert.rejects(run({ url, timeout: '2s' }), refused(/link-local|metadata|this network|this host/), url);
  }
  await assert.rejects(run({ url: 'http://169.254.169.254/' }), refused(/^169\.254\.169\.254:80 is link-local .*; allow it with BOSUN_HTTP_ALLOW$/));
});

test('a redirect to a metadata address is refused at that hop', async () => {
  const hops = seen.length;
  await assert.rejects(run({ url: `${base}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}` }), refused(/^169\.254\.169\.254:80 is link-local/));
  assert.equal(seen.length, hops + 1, 'the first hop was made, to the local server');
  // A redirect that stays on allowed targets is still followed.
  assert.deepEqual((await run({ url: `${base}/redirect?to=${encodeURIComponent(`${base}/json`)}` })).body, { ok: true });
});

test('BOSUN_HTTP_DENY refuses a loopback port, a name and a CIDR, and wins over the allow list', async (t) => {
  const port = new URL(base).port;
  setEnv(t, { BOSUN_HTTP_DENY: `127.0.0.1:${port}` });
  const hops = seen.length;
  await assert.rejects(run({ url: `${base}/json` }), refused(new RegExp(`^127\\.0\\.0\\.1:${port} is refused by BOSUN_HTTP_DENY entry '127\\.0\\.0\\.1:${port}'$`)));
  assert.equal(seen.length, hops, 'nothing reached the server');
  setEnv(t, { BOSUN_HTTP_DENY: 'localhost' });
  await assert.rejects(run({ url: `http://localhost:${port}/json` }), refused(/^localhost \(.+\):\d+ is refused by BOSUN_HTTP_DENY entry 'localhost'$/));
  assert.equal((await run({ url: `${base}/json` })).status, 200, 'the same server by address is not the name denied');
  setEnv(t, { BOSUN_HTTP_DENY: '127.0.0.0/8', BOSUN_HTTP_ALLOW: '127.0.0.1' });
  await assert.rejects(run({ url: `${base}/json` }), refused(/BOSUN_HTTP_DENY entry '127\.0\.0\.0\/8'/));
});

test('BOSUN_HTTP_ALLOW restricts targets to its entries', async (t) => {
  const other = createServer((_req, res) => void res.writeHead(200).end('other'));
  other.listen(0, '127.0.0.1');
  await once(other, 'listening');
  t.after(() => other.close());
  const otherPort = (other.address() as AddressInfo).port;
  setEnv(t, { BOSUN_HTTP_ALLOW: `127.0.0.1:${new URL(base).port}` });
  assert.equal((await run({ url: `${base}/json` })).status, 200);
  await assert.rejects(run({ url: `http://127.0.0.1:${otherPort}/` }), refused(/is not in BOSUN_HTTP_ALLOW/));
  // A redirect from the allowed server to the other one is refused too.
  await assert.rejects(run({ url: `${base}/redirect?to=${encodeURIComponent(`http://127.0.0.1:${otherPort}/`)}` }), refused(/is not in BOSUN_HTTP_ALLOW/));
  setEnv(t, { BOSUN_HTTP_ALLOW: 'localhost' });
  assert.equal((await run({ url: `http://localhost:${otherPort}/` })).body, 'other');
});
