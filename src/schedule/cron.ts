/**
 * Cron expressions: the text forms and the seed systems' field objects, normalised to one string;
 * next/previous occurrences by croner, whose DST rules are Vixie cron's: a fixed time skipped by
 * spring forward runs once at the end of the gap, a fixed time repeated by fall back runs once.
 */
import { Cron } from 'croner';
import { ScheduleError } from '../errors.ts';
import { MAX_SCHEDULE_TEXT } from './limits.ts';
import { WEEKDAYS } from './names.ts';

const EXAMPLE = '(expected e.g. "*/5 * * * *", "0 30 9 * * mon-fri" or {minute: 0, hour: 9, day_of_week: "mon-fri"})';
const OBJECT_FIELDS = ['second', 'minute', 'hour', 'day', 'month', 'day_of_week'] as const;
/** GroundControl's list order, which differs from cron's: month before day. */
const LIST_FIELDS = ['minute', 'hour', 'month', 'day', 'day_of_week'] as const;

/** One canonical expression for every accepted form, validated by compiling it. */
export function normalizeCron(value: unknown, timezone: string): string {
  let expression: string;
  if (typeof value === 'string' && value.length > MAX_SCHEDULE_TEXT) throw new ScheduleError('cron', `'cron' must be at most ${MAX_SCHEDULE_TEXT} characters`);
  if (typeof value === 'string') expression = value.trim().replace(/\s+/g, ' ');
  else if (Array.isArray(value)) {
    if (value.length !== 5) throw new ScheduleError('cron', `'cron' as a list needs 5 items [minute, hour, month, day, day_of_week], got ${value.length}`);
    expression = fromFields(Object.fromEntries(LIST_FIELDS.map((k, i) => [k, value[i]])));
  } else if (typeof value === 'object' && value !== null) expression = fromFields(value as Record<string, unknown>);
  else throw new ScheduleError('cron', `Unable to parse 'cron': ${JSON.stringify(value)} ${EXAMPLE}`);

  const parts = expression.split(' ').length;
  if (!expression.startsWith('@') && parts !== 5 && parts !== 6) {
    throw new ScheduleError('cron', `Unable to parse 'cron': ${JSON.stringify(expression)} has ${parts} fields, expected 5 (minute hour day month weekday) or 6 (with seconds first) ${EXAMPLE}`);
  }
  try {
    compile(expression, timezone);
  } catch (error) {
    const reason = (error as Error).message.replace(/^CronPattern: /, '');
    throw new ScheduleError('cron', `Unable to parse 'cron': ${JSON.stringify(expression)} (${reason}) ${EXAMPLE}`);
  }
  return expression;
}

/**
 * NDScheduler/APScheduler fields. Their day_of_week counts 0 = Monday, cron's 0 = Sunday, so
 * numbers are rewritten as names; and APScheduler ANDs day with day_of_week where cron ORs them,
 * so giving both is refused rather than silently read differently.
 */
function fromFields(fields: Record<string, unknown>): string {
  const unknown = Object.keys(fields).filter((k) => !(OBJECT_FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) throw new ScheduleError(`cron.${unknown[0]}`, `Unknown cron field '${unknown[0]}' (known: ${OBJECT_FIELDS.join(', ')})`);
  const text = (key: string): string => {
    const v = fields[key];
    if (v === undefined || v === null || v === '') return '*';
    if (typeof v !== 'string' && typeof v !== 'number') throw new ScheduleError(`cron.${key}`, `'cron.${key}' must be text or a number, got ${JSON.stringify(v)}`);
    return String(v).trim().replace(/\s+/g, '');
  };
  const day = text('day');
  const dow = apschedulerWeekdays(text('day_of_week'));
  if (day !== '*' && dow !== '*') {
    throw new ScheduleError('cron.day_of_week', `Give either 'cron.day' or 'cron.day_of_week', not both: cron would run when either matches, APScheduler only when both do`);
  }
  const fiveFields = [text('minute'), text('hour'), day, text('month'), dow];
  return (fields.second === undefined ? fiveFields : [text('second'), ...fiveFields]).join(' ');
}

function apschedulerWeekdays(field: string): string {
  if (field === '*' || !/\d/.test(field)) return field;
  const days = new Set<number>();
  const read = (t: string): number => {
    const i = /^\d$/.test(t) ? Number(t) : WEEKDAYS.indexOf(t.toLowerCase().slice(0, 3) as (typeof WEEKDAYS)[number]);
    if (i < 0 || i > 6 || (/^\d$/.test(t) === false && t.length < 3)) throw new ScheduleError('cron.day_of_week', `Unable to parse 'cron.day_of_week': "${field}" (0 = mon … 6 = sun, or names)`);
    return i;
  };
  for (const part of field.split(',')) {
    const [range = '', step = '1'] = part.split('/');
    const [from, to] = range === '*' ? [0, 6] : range.includes('-') ? range.split('-').map(read) : [read(range), step === '1' ? read(range) : 6];
    if (from === undefined || to === undefined || from > to || !/^\d+$/.test(step) || Number(step) < 1) {
      throw new ScheduleError('cron.day_of_week', `Unable to parse 'cron.day_of_week': "${field}" (0 = mon … 6 = sun, or names)`);
    }
    for (let d = from; d <= to; d += Number(step)) days.add(d);
  }
  return [...days].sort().map((d) => WEEKDAYS[d]).join(',');
}

interface Compiled {
  cron: Cron;
  /** The last answer and the query it answered: every query in [after, next) has the same answer. */
  memoAfter: number;
  memoNext: number | null;
}

/** Compiled patterns are shared by every job with the same expression and zone; bounded so odd inputs cannot grow it forever. */
const compiled = new Map<string, Compiled>();
const MAX_COMPILED = 10_000;

function compile(expression: string, timezone: string): Compiled {
  const key = `${timezone}\u0000${expression}`;
  let c = compiled.get(key);
  if (c === undefined) {
    const cron = new Cron(expression, {
      mode: '5-or-6-parts',
      timezone: timezone === 'UTC' ? undefined : timezone,
      // Vixie cron treats "30 2,14 * * *" as fixed times too, so a list still runs once across DST.
      fixedTimeRule: 'no-wildcard',
    });
    if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, (c = { cron, memoAfter: NaN, memoNext: null }));
  }
  return c;
}

/** First occurrence strictly after `afterMs`. */
export function cronNext(expression: string, timezone: string, afterMs: number): number | null {
  const c = compile(expression, timezone);
  if (afterMs >= c.memoAfter && (c.memoNext === null || afterMs < c.memoNext)) return c.memoNext;
  const next = c.cron.nextRun(new Date(afterMs))?.getTime() ?? null;
  c.memoAfter = afterMs;
  c.memoNext = next;
  return next;
}

/** Latest occurrence at or before `ms`. */
export function cronAtOrBefore(expression: string, timezone: string, ms: number): number | null {
  // previousRuns is strictly before its reference (at whole-second resolution), so ask from just after.
  return compile(expression, timezone).cron.previousRuns(1, new Date(ms + 1))[0]?.getTime() ?? null;
}
