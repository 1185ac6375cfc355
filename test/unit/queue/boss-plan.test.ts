import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { embedBossPlan } from '../../../src/queue/boss-plan.ts';

// Compiles without a connection: only the text and the parameters are checked.
const db = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: {} as never }) });
const compiled = (text: string, values: unknown[]) => sql`select 0 as before, ${'x'} as p; ${embedBossPlan(text, values)}`.compile(db);

const cases: Array<{ name: string; text: string; values: unknown[]; sql: string; parameters: unknown[] }> = [
  { name: 'one parameter, renumbered after the statement\'s own', text: 'INSERT INTO q.job SELECT * FROM json_to_recordset($1::text::json)', values: ['[]'], sql: 'select 0 as before, $1 as p; INSERT INTO q.job SELECT * FROM json_to_recordset($2::text::json)', parameters: ['x', '[]'] },
  { name: 'parameters out of order and repeated', text: 'UPDATE q.job SET output = $3 WHERE name = $1 AND id = ANY($2) AND name <> $1', values: ['fire', ['a'], null], sql: 'select 0 as before, $1 as p; UPDATE q.job SET output = $2 WHERE name = $3 AND id = ANY($4) AND name <> $5', parameters: ['x', null, 'fire', ['a'], 'fire'] },
  { name: 'two digits', text: 'SELECT $10, $1', values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], sql: 'select 0 as before, $1 as p; SELECT $2, $3', parameters: ['x', 10, 1] },
  { name: 'no parameter', text: 'DELETE FROM q.job', values: [], sql: 'select 0 as before, $1 as p; DELETE FROM q.job', parameters: ['x'] },
];

for (const c of cases) {
  test(`embedBossPlan: ${c.name}`, () => {
    const out = compiled(c.text, c.values);
    assert.equal(out.sql, c.sql);
    assert.deepEqual(out.parameters, c.parameters);
  });
}

test('embedBossPlan refuses a parameter it has no value for, and a statement with its own WITH', () => {
  assert.throws(() => embedBossPlan('SELECT $2', ['only one']), /\$2, only 1 values given/);
  assert.throws(() => embedBossPlan('\n  WITH ins AS (INSERT INTO q.job DEFAULT VALUES RETURNING id) SELECT id FROM ins', []), /own WITH/);
});
