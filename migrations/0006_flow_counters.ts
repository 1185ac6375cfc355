import { sql, type Kysely } from 'kysely';

// Counters that let a step settle without locking its whole flow run (docs/flows.md, Design).
// Before, every settle of a run's step took the run's row lock for the whole transaction, so the
// steps of one wide run settled one at a time. Now:
// - flow_steps.pending_waits: how many of the step's waits have not succeeded (nor been skipped).
//   A settle decrements it on the step's dependants (their rows locked in step_id order); the
//   transaction that brings it to 0 queues the step, so a step is queued exactly once.
// - flow_steps.dependants: the steps waiting for this one, copied at start like `waits`, so the
//   dependants are found by primary key (the GIN index on waits is no longer needed).
// - flow_runs.remaining / bad: steps still to run, and steps that ended badly. One atomic update,
//   the last statement of a settle, gives the aggregate status (running, various, failed,
//   succeeded) without a run-wide lock.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table flow_steps add column pending_waits integer not null default 0, add column dependants text[] not null default '{}'`.execute(db);
  await sql`alter table flow_runs add column remaining integer not null default 0, add column bad integer not null default 0`.execute(db);
  // Runs in progress during the upgrade carry on: fill the counters from the rows.
  await sql`
    update flow_steps s set dependants = d.ids
    from (
      select c.flow_run_id, w.step_id, array_agg(c.step_id order by c.step_id) as ids
      from flow_steps c cross join lateral unnest(c.waits) as w(step_id)
      group by c.flow_run_id, w.step_id
    ) d
    where s.flow_run_id = d.flow_run_id and s.step_id = d.step_id`.execute(db);
  await sql`
    update flow_steps s set pending_waits = (
      select count(*) from flow_steps p
      where p.flow_run_id = s.flow_run_id and p.step_id = any(s.waits) and p.status not in ('succeeded', 'skipped')
    )
    where s.status = 'waiting'`.execute(db);
  await sql`
    update flow_runs r set
      remaining = (select count(*) from flow_steps s where s.flow_run_id = r.flow_run_id and s.status in ('waiting', 'queued', 'running')),
      bad = (select count(*) from flow_steps s where s.flow_run_id = r.flow_run_id and s.status in ('failed', 'timed_out', 'blocked'))`.execute(db);
  // Nothing asks "which steps wait for X" or "is any step active" any more: fewer indexes to
  // write on every step update, and a decrement of pending_waits can be a HOT update.
  await sql`drop index if exists flow_steps_waits`.execute(db);
  await sql`drop index if exists flow_steps_active`.execute(db);
  await sql`drop index if exists flow_steps_bad`.execute(db);
  await sql`alter table flow_steps set (fillfactor = 80)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table flow_steps reset (fillfactor)`.execute(db);
  await sql`create index flow_steps_waits on flow_steps using gin (waits) with (fastupdate = off)`.execute(db);
  await sql`create index flow_steps_active on flow_steps (flow_run_id, status) where status in ('waiting', 'queued', 'running')`.execute(db);
  await sql`create index flow_steps_bad on flow_steps (flow_run_id, status) where status in ('failed', 'timed_out', 'blocked')`.execute(db);
  await sql`alter table flow_runs drop column remaining, drop column bad`.execute(db);
  await sql`alter table flow_steps drop column pending_waits, drop column dependants`.execute(db);
}
