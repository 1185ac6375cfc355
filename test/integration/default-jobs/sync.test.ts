// Default-job sync against a real database and pg-boss: idempotence, edits, API pauses,
// removed files, and all-or-nothing on a bad file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migratedDatabase, testLogger } from '../../helpers/database.ts';
import { startBoss } from '../../../src/queue/boss.ts';
import { createJobCommands } from '../../../src/jobs/commands.ts';
import { ensureFireQueue } from '../../../src/scheduler/fire-queue.ts';
import { loadHandlers } from '../../../src/handlers/registry.ts';
import { syncDefaultJobs } from '../../../src/default-jobs/sync-default-jobs.ts';
import { BosunError } from '../../../src/errors.ts';

const database = await migratedDatabase();
const boss = await startBoss(database.url, 'pgboss', testLogger);
after(() => boss.stop({ graceful: false, close: true }));
await ensureFireQueue(boss);
const commands = createJobCommands({ db: database.db, boss, logger: testLogger });
const registry = await loadHandlers();
const dir = await mkdtemp(join(tmpdir(), 'bosun-sync-'));
after(() => rm(dir, { recursive: true, force: true }));

const sync = (prune = false) => syncDefaultJobs({ dir, registry, commands, db: database.db, logger: testLogger, prune });
const jobs = () => database.db.selectFrom('jobs').select(['job_id', 'state', 'source', 'kwargs', 'schedule', 'updated_at']).orderBy('job_id').execute();

const PING = 'handler: Http\njob_id: ping\nkwargs:\n  url: http://127.0.0.1:9/\nperiodically: 1 hour\nstate: running\n';
const CLEAN = 'handler: command\njob_id: clean\ncommand: "true"\ncron: 30 3 * * *\n';

test('the same files twice change nothing', async () => {
  await writeFile(join(dir, 'ping.yaml'), PING);
  await writeFile(join(dir, 'clean.yaml'), CLEAN);
  const first = await sync();
  assert.deepEqual([first.created.sort(), first.updated, first.unchanged], [['clean', 'ping'], [], []]);
  const before = await jobs();
  assert.deepEqual(before.map((j) => [j.job_id, j.state, j.source]), [['clean', 'running', 'yaml:clean.yaml'], ['ping', 'running', 'yaml:ping.yaml']]);

  const second = await sync();
  assert.deepEqual([second.created, second.updated, second.unchanged.sort()], [[], [], ['clean', 'ping']]);
  const afterwards = await jobs();
  assert.equal(afterwards.length, 2, 'no duplicate rows');
  assert.deepEqual(afterwards, before, 'rows untouched, schedule anchor included');
});

test('an edited file updates its job', async () => {
  await writeFile(join(dir, 'ping.yaml'), PING.replace('127.0.0.1:9', '127.0.0.1:10'));
  const report = await sync();
  assert.deepEqual([report.created, report.updated, report.unchanged], [[], ['ping'], ['clean']]);
  const ping = (await jobs()).find((j) => j.job_id === 'ping')!;
  assert.equal((ping.kwargs as { url: string }).url, 'http://127.0.0.1:10/');
});

test('a pause made through the API survives restarts until the file is edited', async () => {
  await commands.setState('ping', 'paused');
  const again = await sync();
  assert.ok(again.unchanged.includes('ping'));
  assert.equal((await jobs()).find((j) => j.job_id === 'ping')!.state, 'paused');

  await writeFile(join(dir, 'ping.yaml'), PING.replace('1 hour', '2 hours'));
  const edited = await sync();
  assert.deepEqual(edited.updated, ['ping']);
  assert.equal((await jobs()).find((j) => j.job_id === 'ping')!.state, 'running', "the edited file's state applies");
});

test('a file stating paused pauses its job when it changes', async () => {
  await writeFile(join(dir, 'ping.yaml'), PING.replace('state: running', 'state: paused'));
  await sync();
  assert.equal((await jobs()).find((j) => j.job_id === 'ping')!.state, 'paused');
  await writeFile(join(dir, 'ping.yaml'), PING);
  await sync();
});

test('any invalid file: nothing is applied, every problem is listed', async () => {
  await writeFile(join(dir, 'ping.yaml'), PING.replace('1 hour', '3 hours'));
  await writeFile(join(dir, 'new.yaml'), 'handler: noop\njob_id: new-one\n');
  await writeFile(join(dir, 'broken.yaml'), 'handler: noop\njob_id: broken\nperiodically: whenever\n');
  await writeFile(join(dir, 'typo.yaml'), 'handler: nop\njob_id: typo\n');
  const before = await jobs();
  await assert.rejects(sync(), (err: unknown) => {
    assert.ok(err instanceof BosunError);
    assert.equal(err.code, 'invalid-job-file');
    assert.match(err.message, /2 problem\(s\) in 2 default-job file\(s\); no default job was applied/);
    assert.match(err.message, /broken\.yaml:3:1 periodically: Unable to parse 'periodically'/);
    assert.match(err.message, /typo\.yaml:1:1 handler: unknown handler 'nop'/);
    return true;
  });
  assert.deepEqual(await jobs(), before, 'not even the valid edit and the new file were applied');
  await unlink(join(dir, 'broken.yaml'));
  await unlink(join(dir, 'typo.yaml'));
  await unlink(join(dir, 'new.yaml'));
});

test('a removed file is reported, and its job paused only with prune', async () => {
  await unlink(join(dir, 'clean.yaml'));
  const kept = await sync(false);
  assert.deepEqual([kept.orphaned, kept.disabled], [['clean'], []]);
  assert.equal((await jobs()).find((j) => j.job_id === 'clean')!.state, 'running');

  const pruned = await sync(true);
  assert.deepEqual([pruned.orphaned, pruned.disabled], [['clean'], ['clean']]);
  assert.equal((await jobs()).find((j) => j.job_id === 'clean')!.state, 'paused');
  const quiet = await sync(true);
  assert.deepEqual([quiet.orphaned, quiet.disabled], [['clean'], []], 'already paused: nothing more to do');

  await writeFile(join(dir, 'clean.yaml'), CLEAN);
  const back = await sync(true);
  assert.deepEqual(back.orphaned, []);
});

test('two instances syncing at once create each job once', async () => {
  await writeFile(join(dir, 'fresh-a.yaml'), 'handler: noop\njob_id: fresh-a\nperiodically: 1 day\n');
  await writeFile(join(dir, 'fresh-b.yaml'), 'handler: noop\njob_id: fresh-b\nperiodically: 1 day\n');
  const other = createJobCommands({ db: database.db, boss, logger: testLogger });
  const [a, b] = await Promise.all([sync(), syncDefaultJobs({ dir, registry, commands: other, db: database.db, logger: testLogger, prune: false })]);
  assert.deepEqual([...a.created, ...b.created].sort(), ['fresh-a', 'fresh-b']);
  assert.equal((await jobs()).filter((j) => j.job_id.startsWith('fresh-')).length, 2);
});

test("a file's name and max_instances are stored, and a change of either updates its job", async () => {
  const own = await mkdtemp(join(tmpdir(), 'bosun-sync-named-'));
  after(() => rm(own, { recursive: true, force: true }));
  const syncOwn = () => syncDefaultJobs({ dir: own, registry, commands, db: database.db, logger: testLogger, prune: false });
  const stored = () => database.db.selectFrom('jobs').select(['name', 'max_instances']).where('job_id', '=', 'named').executeTakeFirstOrThrow();
  // The top-level layout: `name:` is the job's, not a handler argument.
  await writeFile(join(own, 'named.yaml'), 'handler: noop\njob_id: named\nname: Nightly report\nmax_instances: 3\nperiodically: 1 hour\n');
  assert.deepEqual((await syncOwn()).created, ['named']);
  assert.deepEqual(await stored(), { name: 'Nightly report', max_instances: 3 });
  assert.deepEqual((await syncOwn()).unchanged, ['named']);
  await writeFile(join(own, 'named.yaml'), 'handler: noop\njob_id: named\nname: Nightly report\nmax_instances: 1\nperiodically: 1 hour\n');
  assert.deepEqual((await syncOwn()).updated, ['named']);
  assert.deepEqual(await stored(), { name: 'Nightly report', max_instances: 1 });
});
