// GET /jobs has each job's JSON built by Postgres (listJobViewsPage); it must say exactly what
// jobView(job) says for the same row, whatever the schedule, state and bookkeeping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testLogger } from '../../helpers/database.ts';
import { definition, engineDatabase } from '../engine/engine-fixture.ts';
import { createJobCommands } from '../../../src/jobs/commands.ts';
import { updateJob } from '../../../src/jobs/repository.ts';
import { listJobsPage, listJobViewsPage } from '../../../src/api/queries/jobs.ts';
import { jobView } from '../../../src/api/job-view.ts';

const { db, boss } = await engineDatabase();
const commands = createJobCommands({ db, boss, logger: testLogger });

await commands.create(definition('v-periodic', { periodically: '5 hours', when: '2031-03-04T05:06:07.891Z' }, { kwargs: { n: 1, nested: { b: [1, 'two', null], a: true } }, description: 'a "quoted" description\nwith ünïcode', owner: 'alice' }));
await commands.create(definition('v-cron-tz', { cron: '30 3 * * 1-5', timezone: 'Europe/Paris', misfire_grace_time: '2 minutes' }, { overlap: 'queue', timeout_ms: 90_000, retries: 3, retry_delay_ms: 1500, retry_backoff: true }));
await commands.create(definition('v-paused', { periodically: '1 day' }, { state: 'paused', source: 'yaml:default-jobs/v.yaml' }));
await commands.create(definition('v-once', { when: '2031-01-01T00:00:00Z' }));
// Bookkeeping set as a run would: last run instant with microseconds (the API shows milliseconds), status, count.
await updateJob(db, 'v-once', { last_run_status: 'failed', run_count: 7, next_run_at: null, state: 'finished' });
await sql`update jobs set last_run_at = '2030-12-31T23:59:59.999999Z', created_at = '2029-02-03T04:05:06.000001Z' where job_id = 'v-once'`.execute(db);
// A schedule of a kind this version does not know: listed as jobView lists it.
await commands.create(definition('v-odd', { periodically: '1 hour' }));
await sql`update jobs set schedule = '{"kind": "from-the-future", "timezone": "UTC"}' where job_id = 'v-odd'`.execute(db);

test('each job listed from Postgres equals jobView of the same row, under every sort', async () => {
  for (const sort of ['job_id', '-created_at', 'next_run_at', '-last_run_at']) {
    const q = { limit: 50, offset: 0, sort };
    const [{ jobs, total }, views] = await Promise.all([listJobsPage(db, q), listJobViewsPage(db, q)]);
    assert.equal(views.total, total);
    assert.equal(views.views.length, 5);
    const expected = jobs.map((j) => JSON.parse(JSON.stringify(jobView(j))));
    assert.deepStrictEqual(views.views.map((v) => JSON.parse(v)), expected, sort);
  }
  const once = JSON.parse((await listJobViewsPage(db, { limit: 1, offset: 0, search: 'v-once' })).views[0]!);
  assert.equal(once.last_run_at, '2030-12-31T23:59:59.999Z');
  assert.equal(once.created_at, '2029-02-03T04:05:06.000Z');
  const periodic = JSON.parse((await listJobViewsPage(db, { limit: 1, offset: 0, search: 'v-periodic' })).views[0]!);
  assert.equal(typeof periodic.schedule_description, 'string');
  assert.equal(periodic.description, 'a "quoted" description\nwith ünïcode');
});

test('an empty page and a page past the end still carry the total', async () => {
  assert.deepEqual(await listJobViewsPage(db, { limit: 10, offset: 0, search: 'nothing-like-it' }), { views: [], total: 0 });
  assert.deepEqual(await listJobViewsPage(db, { limit: 10, offset: 99 }), { views: [], total: 5 });
  assert.deepEqual(await listJobViewsPage(db, { limit: 10, offset: 99, owner: 'alice' }), { views: [], total: 1 });
});
