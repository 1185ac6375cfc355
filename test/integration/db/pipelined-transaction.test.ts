// pipelinedTransaction (src/db/pipelined-transaction.ts) sends several statements of a transaction
// in one socket write. Checked on a real PostgreSQL, both through a pool registered for
// pipelining (openDatabase) and through a plain Kysely (the one-by-one fallback): answers in
// order, all or nothing, a statement sent after a lock reads what the lock's holder committed,
// and the connection goes back to the pool clean.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { createTestDatabase } from '../../helpers/database.ts';
import { openDatabase } from '../../../src/db/database.ts';
import { createLogger } from '../../../src/log.ts';
import { pipelinedTransaction } from '../../../src/db/pipelined-transaction.ts';
import type { DB } from '../../../src/db/schema.ts';

const url = await createTestDatabase();
const database = openDatabase(url, createLogger('silent', false), 3);
const plainPool = new pg.Pool({ connectionString: url, max: 3 });
// The database is dropped (its connections terminated) before this file's after() runs.
plainPool.on('error', () => {});
const plain = new Kysely<DB>({ dialect: new PostgresDialect({ pool: plainPool }) });
after(async () => {
  await database.close();
  await plain.destroy();
});

// Socket writes by the registered pool's connections (one per round trip a client starts).
let writes = 0;
database.pool.on('connect', (client) => {
  const stream = (client as unknown as { connection: { stream: { _write: (...a: unknown[]) => void; _writev?: (...a: unknown[]) => void } } }).connection.stream;
  for (const method of ['_write', '_writev'] as const) {
    const original = stream[method];
    if (!original) continue;
    stream[method] = (...args: unknown[]) => {
      writes++;
      return original.apply(stream, args);
    };
  }
});

await sql`create table items (id int primary key, label text not null)`.execute(database.db);
const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from items`.execute(database.db)).rows[0]!.n);
const insert = (id: number, label: string | null) => sql<{ id: number }>`insert into items (id, label) values (${id}, ${label}) returning id`;

const VIAS = [
  { via: 'a registered pool (pipelined)', db: database.db },
  { via: 'a plain Kysely (one by one)', db: plain },
];

for (const { via, db } of VIAS) {
  test(`${via}: answers in the order sent, committed with the last send`, async () => {
    await sql`truncate items`.execute(database.db);
    const [a, b, labels] = await pipelinedTransaction(db, (tx) =>
      tx.send([insert(1, 'one'), insert(2, 'two'), sql<{ label: string }>`select label from items order by id`], { commit: true }),
    );
    assert.deepEqual([a, b, labels], [[{ id: 1 }], [{ id: 2 }], [{ label: 'one' }, { label: 'two' }]]);
    assert.equal(await count(), 2, 'visible to another connection: committed');
  });

  test(`${via}: a failing statement rolls back the whole transaction and rejects with its error`, async () => {
    await sql`truncate items`.execute(database.db);
    await assert.rejects(
      pipelinedTransaction(db, (tx) => tx.send([insert(1, 'one'), insert(2, null), insert(3, 'three')], { commit: true })),
      /null value in column "label"/,
    );
    assert.equal(await count(), 0);
    // The connections went back usable and outside any transaction.
    await pipelinedTransaction(db, (tx) => tx.send([insert(4, 'four')]));
    assert.equal(await count(), 1);
  });

  test(`${via}: a throw after a send rolls back what was sent; a later send sees what an earlier one wrote`, async () => {
    await sql`truncate items`.execute(database.db);
    await assert.rejects(
      pipelinedTransaction(db, async (tx) => {
        await tx.send([insert(1, 'one')]);
        await tx.send([insert(2, 'two')]);
        throw new Error('changed my mind');
      }),
      /changed my mind/,
    );
    assert.equal(await count(), 0);
    await pipelinedTransaction(db, async (tx) => {
      await tx.send([insert(2, 'two')]);
      const [[seen]] = await tx.send([sql<{ n: number }>`select count(*)::int as n from items`]);
      assert.equal(seen!.n, 1, 'the second send sees what the first wrote');
    });
    assert.equal(await count(), 1);
  });

  test(`${via}: a statement sent with a lock reads what the lock's holder committed while it waited`, async () => {
    await sql`truncate items`.execute(database.db);
    await insert(1, 'lock me').execute(database.db);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from items where id = 1 for update');
      await holder.query("insert into items (id, label) values (2, 'queued behind')");
      const read = pipelinedTransaction(db, (tx) =>
        tx.send([sql`select 1 from items where id = 1 for update`, sql<{ label: string }>`select label from items order by id`], { commit: true }),
      );
      // The pipelined lock is waiting on the holder's; let it wait a moment, then commit.
      await new Promise((r) => setTimeout(r, 200));
      await holder.query('commit');
      const [, labels] = await read;
      assert.deepEqual(labels.map((r) => r.label), ['lock me', 'queued behind']);
    } finally {
      await holder.end();
    }
  });
}

test('through a registered pool, BEGIN, the statements and COMMIT leave in one socket write', async () => {
  await sql`truncate items`.execute(database.db);
  // Warm a connection (its first statements prepare nothing: these are unnamed).
  await pipelinedTransaction(database.db, (tx) => tx.send([insert(1, 'one')], { commit: true }));
  writes = 0;
  await pipelinedTransaction(database.db, (tx) => tx.send([insert(2, 'two'), insert(3, 'three'), sql`select 1`], { commit: true }));
  assert.equal(writes, 1);
  writes = 0;
  await pipelinedTransaction(database.db, (tx) => tx.send([insert(4, 'four')]));
  assert.equal(writes, 2, 'without commit: BEGIN with the statement, then COMMIT');
  assert.equal(await count(), 4);
});
