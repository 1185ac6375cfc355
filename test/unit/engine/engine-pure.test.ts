import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRetryBackoff, retryBackoffView, retryDelayMs, MAX_RETRY_DELAY_MS } from '../../../src/worker/retry-delay.ts';
import { deterministicUuid, occurrenceMessageId, attemptMessageId } from '../../../src/scheduler/message-id.ts';
import { coalesce, planFrom, type PlanStart } from '../../../src/scheduler/plan.ts';
import { createRunLogger, lazyChildLog, RUN_LOG_MAX_LINES } from '../../../src/worker/run-log.ts';
import { pino } from 'pino';
import { parseSchedule } from '../../../src/schedule/index.ts';
import { testLogger } from '../../helpers/database.ts';

test('retryDelayMs: fixed, exponential by a factor with equal jitter, capped', () => {
  const rows: Array<[number, number, number, number, number]> = [
    // retry, delay, backoff factor, random, expected
    [1, 500, 1, 0.9, 500],
    [5, 500, 1, 0.1, 500],
    [1, 1000, 2, 0, 500],
    [1, 1000, 2, 1, 1000],
    [3, 1000, 2, 0, 2000],
    [3, 1000, 2, 1, 4000],
    [1, 0, 2, 1, 1000],
    [40, 1000, 2, 1, MAX_RETRY_DELAY_MS],
    [1, 10 * MAX_RETRY_DELAY_MS, 1, 0, MAX_RETRY_DELAY_MS],
    // simplejob's backoff power: 3 multiplies the delay by 3 each retry
    [1, 1000, 3, 1, 1000],
    [2, 1000, 3, 1, 3000],
    [3, 1000, 3, 1, 9000],
    [3, 1000, 3, 0, 4500],
    [2, 1000, 1.5, 1, 1500],
    [30, 1000, 10, 1, MAX_RETRY_DELAY_MS],
  ];
  for (const [retry, delay, backoff, random, expected] of rows) assert.equal(retryDelayMs(retry, delay, backoff, () => random), expected, `${retry} ${delay} ${backoff} ${random}`);
});

test('parseRetryBackoff: true, false or a factor from 1 to 10; shown back as given', () => {
  const rows: Array<[unknown, number | undefined]> = [
    [true, 2], [false, 1], [1, 1], [2, 2], [3, 3], [1.5, 1.5], [10, 10],
    [0, undefined], [0.99, undefined], [10.5, undefined], [-2, undefined], ['3', undefined], [null, undefined], [Number.NaN, undefined], [Infinity, undefined],
  ];
  for (const [input, factor] of rows) {
    const got = parseRetryBackoff(input);
    assert.deepEqual('factor' in got ? got.factor : undefined, factor, String(input));
  }
  assert.deepEqual([1, 2, 3, 1.5].map(retryBackoffView), [false, true, 3, 1.5]);
});

test('message ids are UUIDs that depend only on job and instant', () => {
  const at = new Date('2030-01-01T00:00:00Z');
  const id = occurrenceMessageId('a', at);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(occurrenceMessageId('a', new Date(at.getTime())), id);
  assert.notEqual(occurrenceMessageId('a', new Date(at.getTime() + 1)), id);
  assert.notEqual(occurrenceMessageId('b', at), id);
  assert.notEqual(attemptMessageId('r', 1), attemptMessageId('r', 2));
  // Parts are separated, so ('ab','c') and ('a','bc') differ.
  assert.notEqual(deterministicUuid('ab', 'c'), deterministicUuid('a', 'bc'));
});

test('planFrom: a new schedule starts at or after now; a resume runs the latest due within grace', () => {
  const now = new Date('2030-01-01T00:00:12Z');
  const every = parseSchedule({ periodically: '5s', when: '2030-01-01T00:00:00Z', misfire_grace_time: '1 hour' }, now);
  const once = parseSchedule({ when: '2030-01-01T00:00:00Z' }, new Date('2029-12-31T00:00:00Z'));
  const onceNow = parseSchedule({}, new Date('2030-01-01T00:00:11.800Z'));
  const never = { run_count: 0, last_run_at: null };
  const cases: Array<[string, Parameters<typeof planFrom>[0], Date, PlanStart, string | null]> = [
    ['resume: the latest due one within grace', { schedule: every, ...never }, now, 'resume', '2030-01-01T00:00:10.000Z'],
    ['new: occurrences before the job existed are not misfires, whatever the grace', { schedule: every, ...never }, now, 'new', '2030-01-01T00:00:15.000Z'],
    ['new: one exactly now is the first', { schedule: every, ...never }, new Date('2030-01-01T00:00:10Z'), 'new', '2030-01-01T00:00:10.000Z'],
    ['new: one a moment before now (a `when` of now in transit) is the first', { schedule: every, ...never }, new Date('2030-01-01T00:00:10.900Z'), 'new', '2030-01-01T00:00:10.000Z'],
    ['new: a one-shot run now is held', { schedule: onceNow, ...never }, now, 'new', '2030-01-01T00:00:11.800Z'],
    ['new: a one-shot of an updated job that ran, due now, is held', { schedule: onceNow, run_count: 3, last_run_at: new Date(0) }, now, 'new', '2030-01-01T00:00:11.800Z'],
    ['new: a past one-shot that never ran is kept (to be recorded misfired)', { schedule: once, ...never }, now, 'new', '2030-01-01T00:00:00.000Z'],
    ['resume: a past one-shot that never ran is kept', { schedule: once, ...never }, now, 'resume', '2030-01-01T00:00:00.000Z'],
    ['resume: a past one-shot that ran is finished', { schedule: once, run_count: 1, last_run_at: new Date() }, now, 'resume', null],
  ];
  for (const [name, job, at, start, expected] of cases) assert.equal(planFrom(job, at, start)?.toISOString() ?? null, expected, name);
});

test('coalesce: the latest due occurrence stands for a backlog; misfire by grace', () => {
  const s = parseSchedule({ periodically: '1s', when: '2030-01-01T00:00:00Z', misfire_grace_time: '1s' }, new Date('2030-01-01T00:00:00Z'));
  const fetched = new Date('2030-01-01T00:00:03Z');
  assert.deepEqual(coalesce(s, fetched, new Date('2030-01-01T00:00:03.050Z'), 0), { instant: fetched, superseded: false, decision: 'run' });
  const late = coalesce(s, fetched, new Date('2030-01-01T00:00:09.400Z'), 0);
  assert.equal(late.instant.toISOString(), '2030-01-01T00:00:09.000Z');
  assert.equal(late.superseded, true);
  assert.equal(late.decision, 'run');
  const hourly = parseSchedule({ periodically: '1 hour', when: '2030-01-01T00:00:00Z', misfire_grace_time: '1s' }, new Date('2030-01-01T00:00:00Z'));
  assert.deepEqual(coalesce(hourly, new Date('2030-01-01T01:00:00Z'), new Date('2030-01-01T01:00:02Z'), 0).decision, 'misfired');
});

test('the run log keeps lines up to its cap and says how many it dropped', () => {
  const log = createRunLogger(testLogger);
  for (let i = 0; i < RUN_LOG_MAX_LINES + 5; i++) log.info(`line ${i}`);
  const lines = log.lines();
  assert.equal(lines.length, RUN_LOG_MAX_LINES + 1);
  assert.match(lines.at(-1)!.msg, /5 more line\(s\) dropped/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const other = createRunLogger(testLogger);
  other.warn('odd', cyclic);
  assert.equal(other.lines().length, 1);
});

test('a run\'s process log carries its bindings on each line written, and makes no child for lines below the level', () => {
  const written: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'warn', base: null }, { write: (line: string) => written.push(JSON.parse(line)) });
  let children = 0;
  const counted = Object.assign(Object.create(logger), { child: (b: Record<string, unknown>) => (children++, logger.child(b)) }) as typeof logger;
  const rows: Array<[level: 'debug' | 'info' | 'warn' | 'error', shown: boolean]> = [['debug', false], ['info', false], ['warn', true], ['error', true]];
  for (const [level, shown] of rows) {
    written.length = 0;
    children = 0;
    const log = lazyChildLog(counted, { job_id: 'j', run_id: 'r' });
    log[level]({ n: 1 }, 'one');
    log[level]({ n: 2 }, 'two');
    assert.deepEqual(written.map((l) => [l.job_id, l.run_id, l.n, l.msg]), shown ? [['j', 'r', 1, 'one'], ['j', 'r', 2, 'two']] : [], level);
    assert.equal(children, shown ? 1 : 0, `${level}: children made`);
  }
});
