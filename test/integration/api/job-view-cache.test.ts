// GET /jobs keeps each job's view as JSON under its row version (src/api/job-view-cache.ts):
// whatever changes a job — the API, the engine, SQL by hand — the list must show it as stored now,
// exactly as GET /jobs/{id} (rendered fresh) does, for every cache size and owner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { apiHarness } from './harness.ts';

type J = Record<string, unknown>;
const harnesses = { default: await apiHarness(), tiny: await apiHarness({ jobViewCacheSize: 2 }), off: await apiHarness({ jobViewCacheSize: 0 }) };

for (const [name, h] of Object.entries(harnesses)) {
  /** GET /jobs as `who`, each listed job checked against GET /jobs/{id}. */
  const listAgreesWithReads = async (who: 'alice' | 'bob' | 'admin', label: string) => {
    const page = await h.call('GET', '/jobs?limit=100', { who });
    assert.equal(page.status, 200, page.text);
    assert.equal(page.res.headers.get('content-type'), 'application/json');
    const jobs = page.json.jobs as J[];
    assert.equal(page.json.total, jobs.length, `${label}: total`);
    assert.equal(page.json.jobs_count, jobs.length);
    for (const job of jobs) {
      const one = await h.call('GET', `/jobs/${job.job_id}`, { who });
      assert.deepEqual(job, one.json.job, `${name}, ${label}: ${job.job_id}`);
    }
    return jobs;
  };

  test(`${name} cache: the list follows every change to a job, by the API or not`, async () => {
    for (let i = 0; i < 5; i++) assert.equal((await h.call('POST', `/jobs/noop?job_id=j${i}&periodically=1%20hour`, { who: 'alice', body: {} })).status, 201);
    const first = await listAgreesWithReads('alice', 'created');
    assert.deepEqual(await listAgreesWithReads('alice', 'again, unchanged'), first);

    assert.equal((await h.call('PATCH', '/jobs/j1', { who: 'alice', body: { description: 'patched' } })).status, 200);
    assert.equal((await h.call('PUT', '/jobs/j2?state=paused', { who: 'alice' })).status, 200);
    let jobs = await listAgreesWithReads('alice', 'patched and paused');
    assert.equal(jobs.find((j) => j.job_id === 'j1')!.description, 'patched');
    assert.equal(jobs.find((j) => j.job_id === 'j2')!.state, 'paused');

    // What a settled run writes, done behind the API's back.
    await sql`update jobs set run_count = run_count + 1, last_run_status = 'succeeded', last_run_at = now() where job_id = 'j3'`.execute(h.database.db);
    jobs = await listAgreesWithReads('alice', 'run recorded');
    assert.equal(jobs.find((j) => j.job_id === 'j3')!.run_count, 1);

    // A change rolled back leaves the row (and its version) as it was.
    await h.database.db.transaction().execute(async (trx) => {
      await sql`update jobs set description = 'never' where job_id = 'j4'`.execute(trx);
      await sql`select 1 / 0`.execute(trx);
    }).catch(() => {});
    jobs = await listAgreesWithReads('alice', 'rolled back');
    assert.notEqual(jobs.find((j) => j.job_id === 'j4')!.description, 'never');

    assert.equal((await h.call('DELETE', '/jobs/j0', { who: 'alice' })).status, 200);
    jobs = await listAgreesWithReads('alice', 'deleted');
    assert.deepEqual(jobs.map((j) => j.job_id), ['j1', 'j2', 'j3', 'j4']);
  });

  test(`${name} cache: a view kept for the admin's list is not shown to another owner`, async () => {
    assert.equal((await h.call('POST', '/jobs/noop?job_id=bobs&periodically=1%20hour', { who: 'bob', body: {} })).status, 201);
    const all = await listAgreesWithReads('admin', 'admin');
    assert.ok(all.some((j) => j.job_id === 'bobs') && all.some((j) => j.job_id === 'j1'));
    assert.deepEqual((await listAgreesWithReads('bob', 'bob')).map((j) => j.job_id), ['bobs']);
    assert.ok(!(await listAgreesWithReads('alice', 'alice')).some((j) => j.job_id === 'bobs'));
  });
}
