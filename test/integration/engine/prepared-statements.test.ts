// bosun's hot worker statements are prepared once per connection (src/db/prepared-statements.ts).
// A migration run by another instance can change what such a statement returns; the connection
// must then fail that one call and send the text unnamed from then on, not fail forever.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase } from '../../helpers/database.ts';
import { PREPARE, preparedName, prepareRepeatedStatements } from '../../../src/db/prepared-statements.ts';

const pool = new pg.Pool({ connectionString: await createTestDatabase(), max: 1 });
pool.on('connect', prepareRepeatedStatements);
// The database is dropped (its connections terminated) before this file's own after() runs.
pool.on('error', () => {});
after(() => pool.end());

test('texts marked PREPARE are named, the same text always with the same name', () => {
  const text = `${PREPARE} select * from runs where run_id = any($1::uuid[])`;
  assert.match(preparedName(text)!, /^bosun_[0-9a-f]{24}$/);
  assert.equal(preparedName(text), preparedName(text));
  assert.equal(preparedName('select * from runs where run_id = any($1::uuid[])'), undefined);
});

test('a marked statement is prepared once on its connection and reused', async () => {
  await pool.query('create table once (a int)');
  const text = `${PREPARE} select count(*)::int as n from once where a = $1`;
  for (let i = 0; i < 3; i++) assert.equal((await pool.query(text, [i])).rows[0].n, 0);
  const { rows } = await pool.query(`select name from pg_prepared_statements where statement like '%from once%'`);
  assert.deepEqual(rows, [{ name: preparedName(text) }]);
});

test('a column added under a prepared select *: one call fails, the next ones work unnamed', async () => {
  await pool.query('create table grows (a int)');
  await pool.query('insert into grows values (1)');
  const text = `${PREPARE} select * from grows where a = $1`;
  assert.deepEqual((await pool.query(text, [1])).rows, [{ a: 1 }]);
  await pool.query('alter table grows add column b int default 2');
  await assert.rejects(pool.query(text, [1]), /cached plan must not change result type/);
  assert.deepEqual((await pool.query(text, [1])).rows, [{ a: 1, b: 2 }]);
  assert.deepEqual((await pool.query(text, [1])).rows, [{ a: 1, b: 2 }]);
});
