// A create's statement (bosun's job insert with pg-boss's insert of its occurrence, one statement:
// src/jobs/create-statement.ts) and pg-boss's own inserts are named prepared statements: planned
// once per connection, not on every create (src/db/prepared-statements.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testLogger } from '../../helpers/database.ts';
import { definition, engineDatabase } from '../engine/engine-fixture.ts';
import { createJobCommands } from '../../../src/jobs/commands.ts';
import { findJob } from '../../../src/jobs/repository.ts';
import { preparedName } from '../../../src/db/prepared-statements.ts';
import { FIRE_QUEUE } from '../../../src/scheduler/fire-queue.ts';
import { occurrenceMessageId } from '../../../src/scheduler/message-id.ts';

const { db, boss } = await engineDatabase();
const commands = createJobCommands({ db, boss, logger: testLogger });
const WHEN = '2031-01-01T00:00:00Z';

test('only texts of the form pg-boss inserts with are named, and always with the same name', () => {
  const insert = 'INSERT INTO pgboss.job_common (id) SELECT id FROM json_to_recordset($1::text::json) as x (id uuid)';
  assert.match(preparedName(insert)!, /^bosun_[0-9a-f]{24}$/);
  assert.equal(preparedName(insert), preparedName(insert));
  assert.notEqual(preparedName(insert), preparedName(`${insert} `));
  assert.equal(preparedName('select * from jobs where job_id = $1'), undefined);
  assert.equal(preparedName('insert into jobs (job_id) values ($1), ($2)'), undefined);
});

test('creates on one connection prepare their one statement once and reuse it', async () => {
  // One connection for all of it: the creates and the look-up of its prepared statements.
  await db.connection().execute(async (conn) => {
    const jobs = createJobCommands({ db: conn as never, boss, logger: testLogger });
    for (let i = 0; i < 3; i++) await jobs.create(definition(`prep-${i}`, { periodically: '1 day', when: WHEN }));
    const { rows } = await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements where name like 'bosun_%'`.execute(conn);
    assert.equal(rows.length, 1, JSON.stringify(rows.map((r) => r.name)));
    assert.match(rows[0]!.statement, /with job as \(\s*insert into jobs[\s\S]*json_to_recordset/);
  });
  for (let i = 0; i < 3; i++) {
    assert.equal((await findJob(db, `prep-${i}`))?.next_run_at?.toISOString(), '2031-01-01T00:00:00.000Z');
    assert.equal((await boss.getJobById(FIRE_QUEUE, occurrenceMessageId(`prep-${i}`, new Date(WHEN))))?.state, 'created');
  }
  // The same through the pool: still right, whichever connection each create gets.
  await Promise.all(Array.from({ length: 6 }, (_, i) => commands.create(definition(`pool-${i}`, { periodically: '1 day', when: WHEN }))));
  for (let i = 0; i < 6; i++) assert.equal((await boss.getJobById(FIRE_QUEUE, occurrenceMessageId(`pool-${i}`, new Date(WHEN))))?.state, 'created');
});
