// The `bosun` binary where no service is needed: usage errors (exit 2), help, and a
// service that cannot be reached (exit 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { bosun } from './cli-process.ts';

test('bad usage exits 2 with a hint and never calls the service', async () => {
  const nowhere = 'http://127.0.0.1:9'; // nothing listens: a call would exit 1, not 2
  const cases: string[][] = [
    ['frobnicate'],
    ['jobs'],
    ['jobs', 'frobnicate'],
    ['jobs', 'show'],
    ['jobs', 'show', 'a', 'b'],
    ['jobs', 'list', '--bogus'],
    ['jobs', 'list', '--limit', 'ten'],
    ['jobs', 'list', '--state', 'sleeping'],
    ['jobs', 'run', 'hello', '--wait', '--timeout', 'soon'],
    ['runs', 'list', '--since', 'yesterday-ish'],
    ['runs', 'list', '--status', 'great'],
  ];
  for (const args of cases) {
    const result = await bosun(nowhere, args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.equal(result.stdout, '', args.join(' '));
    assert.match(result.stderr, /usage: bosun/, args.join(' '));
  }
  const help = await bosun(nowhere, ['jobs', 'run', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /usage: bosun jobs run <job_id>/);
  assert.match(help.stdout, /--wait/);
  const top = await bosun(nowhere, ['--help']);
  assert.equal(top.code, 0);
  for (const command of ['serve', 'migrate', 'jobs', 'runs', 'failures']) assert.match(top.stdout, new RegExp(`^  ${command} `, 'm'));
});

test('a service that is down exits 1 with a line saying where it looked', async () => {
  // A port that was free a moment ago: connection refused.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));

  for (const args of [['jobs', 'list'], ['runs', 'show', 'x'], ['failures', 'list', '--json']]) {
    const result = await bosun(`http://127.0.0.1:${port}`, args);
    assert.equal(result.code, 1, args.join(' '));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`^bosun: cannot reach the bosun service at http://127\\.0\\.0\\.1:${port}/api/v1 \\(ECONNREFUSED\\)`));
  }
});

test('something at BOSUN_URL that is not bosun: a readable line, not a stack trace', async (t) => {
  const server = createHttpServer((req, res) => {
    if (req.url?.startsWith('/api/v1/jobs')) {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const gateway = await bosun(base, ['jobs', 'list']);
  assert.equal(gateway.code, 1);
  assert.equal(gateway.stderr, 'bosun: <html>Bad Gateway</html> [HTTP 502]\n');
  const notJson = await bosun(base, ['runs', 'list']);
  assert.equal(notJson.code, 1);
  assert.match(notJson.stderr, /^bosun: .* answered GET \/api\/v1\/runs with something that is not JSON; is BOSUN_URL a bosun service\?\n$/);
  const badUrl = await bosun('not a url', ['jobs', 'list']);
  assert.equal(badUrl.code, 1);
  assert.equal(badUrl.stderr, "bosun: BOSUN_URL 'not a url' is not a URL\n");
});
