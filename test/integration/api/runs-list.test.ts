// GET /runs pages runs in the order asked, run_id breaking ties in the same direction, so pages
// of runs sharing an instant neither repeat nor skip one; a user sees their own jobs' runs only;
// the default order (newest first) and a status filter are read off an index, not sorted out of
// every run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { apiHarness } from './harness.ts';
import { listRunsPage, type RunListQuery } from '../../../src/api/queries/runs.ts';
import type { DB } from '../../../src/db/schema.ts';

const h = await apiHarness();
const { db } = h.database;
type J = Record<string, unknown>;

await db.insertInto('jobs').values({ job_id: 'lister', handler: 'noop', kwargs: '{}', schedule_input: '{}', schedule: '{}', state: 'running' }).execute();
const base = Date.parse('2026-01-01T00:00:00Z');
// Three instants, four runs at each (manual runs may share one), statuses mixed; started_at left null on some.
const rows = Array.from({ length: 12 }, (_, i) => ({
  job_id: 'lister',
  scheduled_for: new Date(base + Math.floor(i / 4) * 60_000),
  trigger: 'manual' as const,
  status: i % 3 === 0 ? ('failed' as const) : ('succeeded' as const),
  started_at: i % 4 === 0 ? null : new Date(base + i * 1000),
  finished_at: new Date(base + i * 1000),
  host: null,
  result: null,
  error: null,
}));
const inserted = await db.insertInto('runs').values(rows).returning(['run_id', 'scheduled_for', 'status', 'started_at']).execute();

const page = async (query: string) => {
  const r = await h.call('GET', `/runs?${query}`, { who: 'admin' });
  assert.equal(r.status, 200, r.text);
  return { ids: (r.json.runs as J[]).map((run) => run.run_id as string), total: r.json.total };
};
const all = async (query: string, size: number) => {
  const ids: string[] = [];
  for (let offset = 0; ; offset += size) {
    const { ids: got } = await page(`${query}&limit=${size}&offset=${offset}`);
    ids.push(...got);
    if (got.length < size) return ids;
  }
};
const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
type Row = (typeof inserted)[number];
const expected = (key: (r: Row) => number | null, descending: boolean, filter: (r: Row) => boolean = () => true) =>
  inserted
    .filter(filter)
    .sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      // Nulls last either way; run_id in the same direction as the key.
      if (x === null || y === null) return x === y ? (descending ? -1 : 1) * cmp(a.run_id, b.run_id) : x === null ? 1 : -1;
      return (descending ? -1 : 1) * (cmp(x, y) || cmp(a.run_id, b.run_id));
    })
    .map((r) => r.run_id);

const cases: Array<[string, string, string[]]> = [
  ['default: newest first', 'job_id=lister', expected((r) => r.scheduled_for.getTime(), true)],
  ['oldest first', 'job_id=lister&sort=scheduled_for', expected((r) => r.scheduled_for.getTime(), false)],
  ['failed, newest first', 'status=failed', expected((r) => r.scheduled_for.getTime(), true, (r) => r.status === 'failed')],
  ['by start, nulls last', 'sort=-started_at', expected((r) => r.started_at?.getTime() ?? null, true)],
  ['by start ascending, nulls last', 'sort=started_at', expected((r) => r.started_at?.getTime() ?? null, false)],
];
for (const [name, query, ids] of cases) {
  test(`GET /runs pages in order, ties broken alike: ${name}`, async () => {
    for (const size of [5, 3, 50]) assert.deepEqual(await all(query, size), ids, `pages of ${size}`);
    assert.equal((await page(`${query}&limit=1`)).total, ids.length);
  });
}

test('a user pages through the runs of their own jobs only, and the total says so', async () => {
  await db.insertInto('jobs').values({ job_id: 'alices', handler: 'noop', kwargs: '{}', schedule_input: '{}', schedule: '{}', state: 'running', owner: 'alice' }).execute();
  const own = await db
    .insertInto('runs')
    .values([0, 1, 2].map((i) => ({ job_id: 'alices', scheduled_for: new Date(base + i * 1000), trigger: 'manual' as const, status: 'succeeded' as const, host: null, result: null, error: null })))
    .returning('run_id')
    .execute();
  const as = async (who: 'alice' | 'bob', query: string) => {
    const r = await h.call('GET', `/runs?${query}`, { who });
    assert.equal(r.status, 200, r.text);
    return { ids: (r.json.runs as J[]).map((run) => run.run_id), total: r.json.total };
  };
  const newestFirst = own.map((r) => r.run_id).reverse();
  assert.deepEqual(await as('alice', 'limit=2'), { ids: newestFirst.slice(0, 2), total: 3 });
  assert.deepEqual(await as('alice', 'limit=2&offset=2'), { ids: newestFirst.slice(2), total: 3 });
  assert.deepEqual(await as('alice', 'job_id=lister'), { ids: [], total: 0 });
  assert.deepEqual(await as('bob', ''), { ids: [], total: 0 });
});

test('the default page and a status page are read off an index, not sorted out of every run', async () => {
  // Enough runs that a sort of all of them would be the planner's last resort, and fresh statistics.
  await sql`insert into runs (job_id, scheduled_for, trigger, status) select 'lister', now() - i * interval '1 second', 'schedule', 'succeeded' from generate_series(1, 20000) i`.execute(db);
  await sql`analyze runs`.execute(db);
  // The statements the API sends, caught on their way, then explained.
  const sent: Array<{ sql: string; parameters: readonly unknown[] }> = [];
  const pool = new pg.Pool({ connectionString: h.database.url, max: 2 });
  const spy = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: (e) => void (e.level === 'query' && sent.push(e.query)) });
  try {
    const planOfPage = async (query: RunListQuery) => {
      sent.length = 0;
      await listRunsPage(spy, query);
      const paged = sent.find((q) => / limit /.test(q.sql))!;
      const { rows } = await pool.query(`explain ${paged.sql}`, [...paged.parameters]);
      return rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
    };
    // Flow steps' runs are merged in (Merge Append): the runs side stays a walk down the index.
    assert.match(await planOfPage({ limit: 50, offset: 0 }), /Merge Append[\s\S]*Index (Only )?Scan Backward using runs_scheduled/);
    assert.match(await planOfPage({ limit: 50, offset: 0, status: ['failed'] }), /runs_ended_badly/);
  } finally {
    await spy.destroy();
  }
});
