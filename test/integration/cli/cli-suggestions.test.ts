// A typo on the command line names what was probably meant, on the real `bosun` process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createServer } from 'node:http';
import { once } from 'node:events';

const run = promisify(execFile);
const ROOT = new URL('../../..', import.meta.url).pathname;

async function bosun(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const { BOSUN_URL: _u, HOST: _h, PORT: _p, ...rest } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, ['src/cli/main.ts', ...args], { cwd: ROOT, env: { ...rest, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const typos: Array<[string[], RegExp]> = [
  [['jbos', 'list'], /^bosun: unknown command 'jbos'; did you mean 'jobs'\?\n/],
  [['servce'], /^bosun: unknown command 'servce'; did you mean 'serve'\?\n/],
  [['jobs', 'lst'], /^bosun: unknown subcommand 'jobs lst'; did you mean 'jobs list'\?\n/],
  [['runs', 'shwo', 'x'], /^bosun: unknown subcommand 'runs shwo'; did you mean 'runs show'\?\n/],
  [['jobs', 'list', '--jsn'], /^bosun jobs list: unknown option '--jsn'; did you mean '--json'\?\nusage: bosun jobs list /],
  [['jobs', 'list', '--limt', '5'], /^bosun jobs list: unknown option '--limt'; did you mean '--limit'\?\n/],
  [['jobs', 'list', '--colour'], /^bosun jobs list: unknown option '--colour'\nusage:/],
  [['frobnicate'], /^bosun: unknown command 'frobnicate'\n\nusage:/],
];
for (const [args, expected] of typos) {
  test(`bosun ${args.join(' ')}: exit 2, ${expected.source.slice(1, 60)}…`, async () => {
    const { code, stdout, stderr } = await bosun(args);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, '');
    assert.match(stderr, expected);
  });
}

test('without --url or BOSUN_URL the CLI finds the service on HOST and PORT', async (t) => {
  let seen = '';
  const server = createServer((req, res) => {
    seen = req.url ?? '';
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jobs: [], total: 0 }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  const { code, stderr } = await bosun(['jobs', 'list', '--json'], { HOST: '0.0.0.0', PORT: String(port) });
  assert.equal(code, 0, stderr);
  assert.match(seen, /^\/api\/v1\/jobs/);
});
