import type pg from 'pg';
import type { Kysely, RawBuilder } from 'kysely';
import type { DB } from './schema.ts';

// On a busy host a round trip costs both processes more than the hot statements themselves:
// each is a socket write that wakes the other side (0.1–0.2 ms of CPU per side on the 2-core VM
// of bench/RESULTS.md, where writev was a third of the worker's CPU). PostgreSQL's extended
// protocol lets a client send several statements before reading any answer; each statement still
// takes its own snapshot when it runs (READ COMMITTED), so "lock, then read what the lock
// protects" keeps its meaning when both are sent together.

/** Each statement's rows, in the order sent. */
export type RowsOf<Q extends ReadonlyArray<RawBuilder<unknown>>> = { -readonly [K in keyof Q]: Q[K] extends RawBuilder<infer R> ? R[] : never };

/** A transaction whose statements can be sent several at a time. */
export interface Pipeline {
  /**
   * Sends `statements` together (after the transaction's BEGIN when not yet sent, and with
   * `commit` followed by COMMIT, which ends the transaction): one round trip. Resolves with each
   * statement's rows; rejects with the first error, the transaction then being rolled back.
   * `commit` is ignored by the Pipeline of a transaction someone else commits (pipelineOf).
   */
  send<const Q extends ReadonlyArray<RawBuilder<unknown>>>(statements: Q, options?: { commit?: boolean }): Promise<RowsOf<Q>>;
}

type PipelineClient = pg.PoolClient & { pipeline: boolean; connection?: { stream?: { cork?: () => void; uncork?: () => void } } };

const pools = new WeakMap<Kysely<DB>, pg.Pool>();

/** Lets pipelinedTransaction(db) take connections of `pool` (the one `db` runs on) directly. */
export function pipelineThrough(db: Kysely<DB>, pool: pg.Pool): void {
  pools.set(db, pool);
}

/**
 * Runs `fn` in a transaction, committing after it (unless it committed with its last send) and
 * rolling back when it throws. On a `db` registered with pipelineThrough the statements of a
 * send share a round trip; on any other (a test's own Kysely) they are sent one by one, with
 * the same outcome.
 */
export async function pipelinedTransaction<T>(db: Kysely<DB>, fn: (tx: Pipeline) => Promise<T>): Promise<T> {
  const pool = pools.get(db);
  if (pool === undefined) return db.transaction().execute((trx) => fn(pipelineOf(trx)));
  const client = (await pool.connect()) as PipelineClient;
  // node-postgres sends queued queries without waiting for earlier answers only in pipeline
  // mode; it is on while this connection is held, so the pool's other users never see it.
  client.pipeline = true;
  let begun = false;
  let ended = false;
  // Every answer is awaited somewhere (an unanswered rejection would crash the process).
  const outstanding: Array<Promise<unknown>> = [];
  const submit = (text: string, values?: readonly unknown[]): Promise<pg.QueryResult> => {
    if (!begun) {
      begun = true;
      void submit('begin');
    }
    const answer = client.query(text, values as unknown[] | undefined);
    outstanding.push(answer.catch(() => undefined));
    return answer;
  };
  const tx: Pipeline = {
    async send(statements, options = {}) {
      if (ended) throw new Error('pipelinedTransaction: send after commit');
      const stream = client.connection?.stream;
      // One socket write for all of them, not one per statement.
      stream?.cork?.();
      let answers: Array<Promise<pg.QueryResult>>;
      let commit: Promise<pg.QueryResult> | undefined;
      try {
        answers = statements.map((statement) => {
          const { sql: text, parameters } = statement.compile(db);
          return submit(text, parameters);
        });
        if (options.commit) {
          commit = submit('commit');
          ended = true;
        }
      } finally {
        stream?.uncork?.();
      }
      const results = await Promise.allSettled([...answers, ...(commit ? [commit] : [])]);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      // A COMMIT of a transaction aborted meanwhile answers ROLLBACK, not an error.
      if (commit && (results.at(-1) as PromiseFulfilledResult<pg.QueryResult>).value.command !== 'COMMIT') throw new Error('the transaction was rolled back');
      return results.slice(0, answers.length).map((r) => (r as PromiseFulfilledResult<pg.QueryResult>).value.rows) as RowsOf<typeof statements>;
    },
  };
  let broken: Error | undefined;
  try {
    const value = await fn(tx);
    if (!ended) {
      ended = true;
      await submit('commit');
    }
    return value;
  } catch (err) {
    if (begun && !ended) {
      ended = true;
      await client.query('rollback').catch((rollbackErr: Error) => {
        broken = rollbackErr;
      });
    }
    throw err;
  } finally {
    await Promise.all(outstanding);
    client.pipeline = false;
    // A connection whose ROLLBACK failed is in an unknown state: the pool drops it.
    client.release(broken);
  }
}

/** The Pipeline of a transaction already open (and committed by its owner): each statement its own round trip. */
export function pipelineOf(trx: Kysely<DB>): Pipeline {
  return {
    async send(statements) {
      const rows: unknown[][] = [];
      for (const statement of statements) rows.push((await statement.execute(trx)).rows);
      return rows as RowsOf<typeof statements>;
    },
  };
}
