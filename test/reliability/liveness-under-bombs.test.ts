// Issue 24, point 5: the largest inputs bosun accepts cost bounded work per request. A real bosun
// (child process) takes the largest accepted rrule (COUNT at its bound) on POST /jobs and the
// largest schedule preview, one after the other in a loop, while /liveness is timed every ~20 ms
// from this process: every answer must come in under 50 ms. A 2-core VM has stalls of its own,
// so the loop runs in rounds until one stays under the bound, five at most: a request that held
// the event loop past the bound would spoil every round.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../helpers/database.ts';
import { sleep, startInstance } from './cluster.ts';
import { percentile } from '../../bench/support/stats.ts';
import { MAX_RRULE_COUNT } from '../../src/schedule/limits.ts';
import { MAX_PREVIEW_OCCURRENCES, MAX_PREVIEW_SCHEDULES } from '../../src/dashboard/schedule-preview.ts';

const ROUNDS = 5;
const ROUND_MS = 2000;
const PING_MS = 20;
const LIVENESS_MAX_MS = 50;

test('/liveness answers within 50 ms while the largest accepted schedules are sent in a loop', async () => {
  const bosun = await startInstance(await createTestDatabase('bosun_rel_bombs'));
  after(() => bosun.kill());
  const origin = new URL(bosun.url).origin;
  const headers = { 'content-type': 'application/json' };
  // Every request a new DTSTART, so no compiled rule is reused: each is expanded afresh.
  let n = 0;
  const dtstart = () => new Date(Date.UTC(2030, 0, 1) + ++n * 1000);
  const rule = `FREQ=SECONDLY;COUNT=${MAX_RRULE_COUNT}`;
  const create = () =>
    fetch(`${origin}/api/v1/jobs`, { method: 'POST', headers, body: JSON.stringify({ handler: 'noop', state: 'paused', rrule: rule, when: dtstart().toISOString() }) });
  const schedules = () =>
    Array.from({ length: MAX_PREVIEW_SCHEDULES }, () => ({
      schedule: { kind: 'rrule', rule, dtstart: dtstart().toISOString().slice(0, 19), timezone: 'UTC', misfireGraceMs: 1000 },
    }));
  const preview = () =>
    fetch(`${origin}/dashboard/schedule-preview`, { method: 'POST', headers, body: JSON.stringify({ count: MAX_PREVIEW_OCCURRENCES, schedules: schedules() }) });

  const round = async () => {
    const statuses: Record<string, number> = {};
    const end = Date.now() + ROUND_MS;
    const sender = async () => {
      for (let i = 0; Date.now() < end; i++) {
        const [what, res] = i % 2 === 0 ? ['POST /jobs', await create()] : ['preview', await preview()];
        await res.arrayBuffer();
        statuses[`${what} ${res.status}`] = (statuses[`${what} ${res.status}`] ?? 0) + 1;
      }
    };
    const latencies: number[] = [];
    const pinger = async () => {
      while (Date.now() < end) {
        const started = performance.now();
        const res = await fetch(`${origin}/api/v1/liveness`);
        await res.arrayBuffer();
        latencies.push(performance.now() - started);
        assert.equal(res.status, 200);
        await sleep(PING_MS);
      }
    };
    await Promise.all([sender(), pinger()]);
    const max = Math.max(...latencies);
    console.log(
      `liveness under schedule bombs: ${latencies.length} answers, p50 ${percentile(latencies, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${max.toFixed(1)} ms; requests ${JSON.stringify(statuses)}`,
    );
    assert.ok((statuses['POST /jobs 201'] ?? 0) > 0 && (statuses['preview 200'] ?? 0) > 0, `the largest inputs are accepted: ${JSON.stringify(statuses)}`);
    assert.ok(latencies.length > ROUND_MS / PING_MS / 4, `only ${latencies.length} liveness answers`);
    return max;
  };

  // Warm: the first requests of a process compile its code.
  await (await create()).arrayBuffer();
  await (await preview()).arrayBuffer();
  const maxima: number[] = [];
  while (maxima.length < ROUNDS && !maxima.some((m) => m < LIVENESS_MAX_MS)) maxima.push(await round());
  assert.ok(Math.min(...maxima) < LIVENESS_MAX_MS, `slowest /liveness answer of each round: ${maxima.map((m) => m.toFixed(1)).join(', ')} ms`);
});
