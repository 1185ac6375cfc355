// Issue 24, point 5 and 6: schedule inputs that used to stall the event loop for seconds (or
// forever) or answer 500 are refused with a 400 naming the field, in milliseconds, before any
// expansion. Through a real socket, as an attacker would send them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listeningApi } from './listen.ts';

const api = await listeningApi();
const FAST_MS = 100;

const inTwoDays = new Date(Date.now() + 2 * 86_400_000).toISOString();
const preview = (schedule: Record<string, unknown>) => ({
  schedules: [{ schedule: { timezone: 'UTC', misfireGraceMs: 1000, ...schedule } }],
  count: 20,
});

/** [name, method, path, body, field the 400 names]. */
const bombs: Array<[string, string, string, unknown, string]> = [
  ['preview of rrule COUNT=1000001', 'POST', '/dashboard/schedule-preview', preview({ kind: 'rrule', rule: 'FREQ=SECONDLY;COUNT=1000001', dtstart: '2026-01-01T00:00:00' }), 'schedules[0].schedule.rule'],
  ['preview of a sub-daily rule that never returns', 'POST', '/dashboard/schedule-preview', preview({ kind: 'rrule', rule: 'FREQ=HOURLY;INTERVAL=24;BYHOUR=3', dtstart: '2026-01-01T00:00:00' }), 'schedules[0].schedule.rule'],
  ['preview of an interval of 2.2e19 ms', 'POST', '/dashboard/schedule-preview', preview({ kind: 'interval', everyMs: 2.2e19, anchor: '2026-01-01T00:00:00Z' }), 'schedules[0].schedule.everyMs'],
  ['POST /jobs with rrule COUNT=2000000', 'POST', '/api/v1/jobs', { handler: 'noop', rrule: 'FREQ=SECONDLY;COUNT=2000000' }, 'rrule'],
  ['POST /jobs with a rule that never matches', 'POST', '/api/v1/jobs', { handler: 'noop', rrule: 'FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30' }, 'rrule'],
  ['POST /jobs with BYHOUR=25', 'POST', '/api/v1/jobs', { handler: 'noop', rrule: 'FREQ=SECONDLY;BYHOUR=25' }, 'rrule'],
  ['POST /jobs with a BYSETPOS no month has', 'POST', '/api/v1/jobs', { handler: 'noop', rrule: 'FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6' }, 'rrule'],
  ['POST /jobs with a window no occurrence reaches', 'POST', '/api/v1/jobs', { handler: 'noop', rrule: 'FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1', window: { months: [2] } }, 'window'],
  ['periodically 2.2e16 seconds', 'POST', '/api/v1/jobs', { handler: 'noop', periodically: 2.2e16 }, 'periodically'],
  ['periodically "99999999999 days"', 'POST', '/api/v1/jobs', { handler: 'noop', periodically: '99999999999 days' }, 'periodically'],
  ['periodically of an ISO duration with huge parts', 'POST', '/api/v1/jobs', { handler: 'noop', periodically: 'P99999999999999DT99999999999H' }, 'periodically'],
  ['misfire_grace_time of 1e12 seconds', 'POST', '/api/v1/jobs', { handler: 'noop', periodically: '1 hour', misfire_grace_time: 1e12 }, 'misfire_grace_time'],
  ['timeout of a century', 'POST', '/api/v1/jobs', { handler: 'noop', timeout: '36500 days' }, 'timeout'],
  ['retry_delay of 99999999999 days', 'POST', '/api/v1/jobs', { handler: 'noop', retry_delay: '99999999999 days' }, 'retry_delay'],
  ['max_runs past the bound', 'POST', '/api/v1/jobs', { handler: 'noop', periodically: '1 hour', max_runs: 1e15 }, 'max_runs'],
  ['until past year 9999 by its offset', 'POST', '/api/v1/jobs', { handler: 'noop', periodically: '1 hour', until: '9999-12-31T23:00:00-23:59' }, 'until'],
  ['dates past year 9999', 'POST', '/api/v1/jobs', { handler: 'noop', dates: [inTwoDays, '9999-12-31T23:59:59-12:00'] }, 'dates[1]'],
  ['the handler endpoint with rrule COUNT=2000000', 'POST', '/api/v1/jobs/noop?rrule=FREQ%3DSECONDLY%3BCOUNT%3D2000000', {}, 'rrule'],
];

// The first requests of a process compile its code; the bounds are about a warm server.
await api.send('POST', '/dashboard/schedule-preview', preview({ kind: 'rrule', rule: 'FREQ=DAILY', dtstart: '2026-01-01T00:00:00' }));
await api.send('POST', '/api/v1/jobs', { handler: 'noop', rrule: 'FREQ=DAILY;COUNT=3', state: 'paused' });

for (const [name, method, path, body, field] of bombs) {
  test(`${name}: 400 naming ${field} in under ${FAST_MS} ms`, async () => {
    // The fastest of three: the machine is shared, and a bomb would be slow every time.
    const answers = [await api.send(method, path, body), await api.send(method, path, body), await api.send(method, path, body)];
    for (const res of answers) {
      assert.equal(res.status, 400, res.text);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      assert.match(String(res.json.type), /invalid-schedule|invalid-request/);
      assert.equal(res.json.field, field, res.text);
    }
    const fastest = Math.min(...answers.map((r) => r.ms));
    assert.ok(fastest < FAST_MS, `answered in ${answers.map((r) => r.ms.toFixed(1)).join(', ')} ms`);
  });
}

test('the largest accepted inputs are accepted: COUNT at its bound, a 100-year interval, year 9999', async () => {
  for (const body of [
    { handler: 'noop', rrule: 'FREQ=SECONDLY;COUNT=1000', state: 'paused' },
    { handler: 'noop', periodically: '36525 days', state: 'paused' },
    { handler: 'noop', periodically: '1 hour', until: '9999-12-31T00:00:00Z', state: 'paused' },
    { handler: 'noop', timeout: '24 days', retry_delay: '24 days', misfire_grace_time: '24 days', state: 'paused' },
  ]) {
    const res = await api.send('POST', '/api/v1/jobs', body);
    assert.equal(res.status, 201, res.text);
  }
});
