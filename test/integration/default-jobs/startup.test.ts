// Through the real entry point: a broken default-jobs folder stops startup with the problem's
// position; a good one is applied, and applying it again at the next start changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createServer, type AddressInfo } from 'node:net';
import { once } from 'node:events';
import { createTestDatabase } from '../../helpers/database.ts';
import { spawnLogged } from '../../helpers/process.ts';

const ROOT = new URL('../../..', import.meta.url).pathname;

function env(databaseUrl: string, jobsDir: string, extra: Record<string, string> = {}): Record<string, string | undefined> {
  const { BOSUN_TEST_DATABASE_URL: _ignored, ...rest } = process.env;
  return { ...rest, DATABASE_URL: databaseUrl, BOSUN_DEFAULT_JOBS_DIR: jobsDir, PORT: '0', LOG_LEVEL: 'info', BOSUN_ROLES: 'api', ...extra };
}

async function count(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query("select count(*) from jobs where source like 'yaml:%'")).rows[0].count);
  } finally {
    await client.end();
  }
}

test('a broken default-jobs folder stops startup, naming file, line, column and field', async (t) => {
  const url = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'bosun-startup-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'good.yaml'), 'handler: noop\njob_id: good\nperiodically: 1 hour\n');
  await writeFile(join(dir, 'bad.yaml'), 'handler: noop\njob_id: bad\n\nperiodically: fortnightly-ish\n');
  const app = spawnLogged(process.execPath, ['src/main.ts'], env(url, dir), ROOT);
  const { code } = await app.exited;
  assert.equal(code, 1, app.output());
  assert.match(app.output(), /bad\.yaml:4:1 periodically: Unable to parse 'periodically'/);
  assert.ok(!app.lines.some((l) => l.msg === 'bosun API listening'));
  assert.equal(await count(url), 0, 'nothing applied');
});

test('a broken handler file stops startup, naming the file', async (t) => {
  const url = await createTestDatabase();
  const dir = await mkdtemp(join(tmpdir(), 'bosun-startup-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'mine.ts'), 'export class Mine {');
  const app = spawnLogged(process.execPath, ['src/main.ts'], env(url, join(dir, 'none'), { BOSUN_HANDLERS_DIR: dir }), ROOT);
  const { code } = await app.exited;
  assert.equal(code, 1, app.output());
  assert.match(app.output(), /mine\.ts: cannot load handler file/);
});

test("the repository's default-jobs apply at startup, once", async () => {
  const url = await createTestDatabase();
  // One port for both rounds: the health ping calls bosun on it (${BOSUN_API_URL}), so a port
  // that changes (PORT=0 picks a new one each time) rightly updates that job.
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = String((probe.address() as AddressInfo).port);
  probe.close();
  for (const round of [1, 2]) {
    const app = spawnLogged(process.execPath, ['src/main.ts'], env(url, join(ROOT, 'default-jobs'), { PORT: port }), ROOT);
    try {
      const synced = await app.waitForLine((l) => l.msg === 'default jobs synced');
      assert.deepEqual([synced.created, synced.updated, synced.unchanged], round === 1 ? [3, 0, 0] : [0, 0, 3], JSON.stringify(synced));
      await app.waitForLine((l) => l.msg === 'bosun API listening');
    } finally {
      app.child.kill('SIGTERM');
      await app.exited;
    }
  }
  assert.equal(await count(url), 3);
});
