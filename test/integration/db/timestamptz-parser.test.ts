// bosun reads timestamptz with its own parser (src/db/timestamptz-parser.ts): the instant must be
// PostgreSQL's, whatever the session's time zone and however far from today.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase } from '../../helpers/database.ts';
import { parseTimestamptz } from '../../../src/db/timestamptz-parser.ts';

const client = new pg.Client({ connectionString: await createTestDatabase() });
await client.connect();
// The database is dropped (its connections terminated) before this file's own after() runs.
client.on('error', () => {});
after(() => client.end());

const pgDefault = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text');
const ZONES = ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Asia/Kathmandu', 'Pacific/Chatham', 'Europe/Amsterdam', 'America/Los_Angeles', '+14:00'];
const INSTANTS = [
  '2026-11-23 05:16:00.123456+00', '2026-03-29 01:00:00+00', '2026-10-25 00:59:59.999999+00', '2000-02-29 12:00:00.5+00',
  '1970-01-01 00:00:00+00', '1969-12-31 23:59:59.999+00', '1850-06-01 12:00:00+00' /* local mean time: seconds in the offset */,
  '1000-01-01 00:00:00+00', '0999-12-31 23:59:59+00', '0044-03-15 12:00:00+00', '0001-01-01 00:00:00 BC', '9999-12-31 23:59:59.999999+00',
  '10000-01-01 00:00:00+00', '294276-12-31 23:59:59+00', 'infinity', '-infinity',
];

test('every instant parses to what PostgreSQL means, in every session time zone', async () => {
  for (const zone of ZONES) {
    await client.query(`set time zone '${zone}'`);
    const { rows } = await client.query<{ text: string; ms: string | null }>({
      text: `select t::text as text, case when isfinite(t) then floor(extract(epoch from t) * 1000)::bigint::text end as ms
             from unnest($1::timestamptz[]) as t`,
      values: [INSTANTS],
      types: { getTypeParser: () => (v: string) => v },
    });
    for (const { text, ms } of rows) {
      const parsed = parseTimestamptz(text);
      assert.deepEqual(parsed, pgDefault(text), `${zone}: ${text} as pg parses it`);
      // Past JavaScript's range (year 275760) both give an invalid Date.
      if (ms !== null && Math.abs(Number(ms)) <= 8.64e15) assert.equal((parsed as Date).getTime(), Number(ms), `${zone}: ${text}`);
    }
  }
});

test('random instants of this era with microseconds match pg\'s parser', async () => {
  await client.query(`set time zone 'America/St_Johns'`);
  const { rows } = await client.query<{ text: string }>({
    text: `select (timestamptz '1900-01-01Z' + random() * interval '200 years')::text as text from generate_series(1, 5000)`,
    types: { getTypeParser: () => (v: string) => v },
  });
  for (const { text } of rows) assert.deepEqual(parseTimestamptz(text), pgDefault(text), text);
});
