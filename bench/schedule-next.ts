/**
 * Next-occurrence throughput for 100 000 mixed schedules (interval / cron / rrule), and croner's
 * own nextRun() on the same cron jobs as the baseline.
 *
 *   tick:   every job asked "next after now", as the scheduler does on start-up or each pass;
 *           jobs sharing an expression share the compiled pattern and its last answer.
 *   spread: every job asked from its own instant within the coming week, so no answer is reused.
 *
 * Run: ./node_modules/.bin/node bench/schedule-next.ts [--smoke]   (--smoke: 2 000 schedules, a CI check that it runs)
 */
import { parseArgs } from 'node:util';
import { Cron } from 'croner';
import type { Schedule } from '../src/schedule/index.ts';
import { nextOccurrence, parseSchedule } from '../src/schedule/index.ts';

const JOBS = parseArgs({ options: { smoke: { type: 'boolean' } } }).values.smoke ? 2000 : 100_000;
const NOW = new Date('2026-06-15T12:34:56Z');
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York'];
const CRONS = ['*/5 * * * *', '0 * * * *', '30 2 * * *', '0 9 * * 1-5', '15 8,12,18 * * *', '0 0 1 * *', '0 0 L * *', '*/10 * * * * *', '0 30 9 * * mon,fri', '45 23 * * 0'];
const RRULES = ['FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9', 'FREQ=DAILY;BYHOUR=6,18', 'FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17', 'FREQ=HOURLY;INTERVAL=3;BYMINUTE=15', 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29'];
const INTERVALS = ['90s', '5:00:00', '1 day', '2h32m', '1 week', 'PT15M'];

/** Deterministic pseudo-random numbers, so every run measures the same jobs. */
let seed = 42;
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const schedules: Schedule[] = [];
for (let i = 0; i < JOBS; i++) {
  // Created over the last 60 days, so rrule DTSTARTs and interval anchors differ between jobs.
  const created = new Date(NOW.getTime() - Math.floor(random() * 60 * 86_400_000));
  const timezone = pick(ZONES);
  const form = i % 3;
  const input = form === 0 ? { periodically: pick(INTERVALS) } : form === 1 ? { cron: pick(CRONS) } : { rrule: pick(RRULES) };
  schedules.push(parseSchedule({ ...input, timezone }, created));
}
const spreadAfter = schedules.map(() => new Date(NOW.getTime() + Math.floor(random() * 7 * 86_400_000)));

function measure(label: string, count: number, run: () => void): void {
  const started = performance.now();
  run();
  const ms = performance.now() - started;
  console.log(`${label.padEnd(46)} ${String(count).padStart(7)} in ${ms.toFixed(1).padStart(7)} ms  ${Math.round((count / ms) * 1000).toLocaleString('en-US').padStart(11)} /s`);
}

function bosun(label: string, filter: (s: Schedule) => boolean, afterOf: (i: number) => Date): void {
  const picked = schedules.map((s, i) => [s, i] as const).filter(([s]) => filter(s));
  measure(label, picked.length, () => {
    for (const [s, i] of picked) nextOccurrence(s, afterOf(i));
  });
}

const all = (): boolean => true;
const tick = (): Date => NOW;
const spread = (i: number): Date => spreadAfter[i] as Date;

console.log(`${JOBS} schedules: ${CRONS.length} cron expressions, ${RRULES.length} rrules, ${INTERVALS.length} intervals × ${ZONES.length} zones\n`);
bosun('bosun tick, first pass (compiles patterns)', all, tick);
bosun('bosun tick, mixed', all, tick);
bosun('bosun tick, interval only', (s) => s.kind === 'interval', tick);
bosun('bosun tick, cron only', (s) => s.kind === 'cron', tick);
bosun('bosun tick, rrule only', (s) => s.kind === 'rrule', tick);
bosun('bosun spread, mixed', all, spread);
bosun('bosun spread, interval only', (s) => s.kind === 'interval', spread);
bosun('bosun spread, cron only', (s) => s.kind === 'cron', spread);
bosun('bosun spread, rrule only', (s) => s.kind === 'rrule', spread);

// Baseline: croner alone on the same cron jobs, one Cron per distinct expression and zone (as bosun caches).
const crons = new Map<string, Cron>();
const cronJobs = schedules.flatMap((s, i) => {
  if (s.kind !== 'cron') return [];
  const key = `${s.timezone} ${s.expression}`;
  let cron = crons.get(key);
  if (cron === undefined) crons.set(key, (cron = new Cron(s.expression, { timezone: s.timezone === 'UTC' ? undefined : s.timezone })));
  return [[cron, i] as const];
});
measure('croner nextRun(), tick (baseline)', cronJobs.length, () => {
  for (const [cron] of cronJobs) cron.nextRun(NOW);
});
measure('croner nextRun(), spread (baseline)', cronJobs.length, () => {
  for (const [cron, i] of cronJobs) cron.nextRun(spreadAfter[i]);
});
