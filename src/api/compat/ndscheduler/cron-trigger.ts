import { ValidationError } from '../../../errors.ts';

/**
 * NDScheduler's cron fields (APScheduler's CronTrigger) as bosun's `cron` object. APScheduler
 * fills the fields left out by their place: those more significant than the least significant
 * one given are `*`, the others their minimum (`{hour: 3}` is 03:00:00 daily, not every minute of
 * it), where bosun's cron object fills every one with `*`. The schedule layer reads the object
 * (src/schedule/cron.ts: day_of_week counted from Monday, as APScheduler counts it).
 */

/** The cron fields NDScheduler sends, most significant first (APScheduler's order). */
export const CRON_FIELDS = ['month', 'day', 'day_of_week', 'hour', 'minute', 'second'] as const;
export type CronField = (typeof CRON_FIELDS)[number];

const MINIMUM: Record<CronField, string> = { month: '1', day: '1', day_of_week: '*', hour: '0', minute: '0', second: '0' };
const MAX_FIELD = 100;

const given = (value: unknown) => value !== undefined && value !== null && value !== '';

/**
 * bosun's cron object for the fields given, each left out filled as APScheduler fills it (`second`
 * only when given: bosun's 5-field cron starts at second 0); `prefix` names the fields in errors
 * (`trigger_params.`, or '' for the flat form). Undefined when none is given.
 */
export function cronOfFields(fields: Partial<Record<CronField, unknown>>, prefix: string): Record<string, string> | undefined {
  const present = CRON_FIELDS.filter((f) => given(fields[f]));
  if (present.length === 0) return undefined;
  const last = CRON_FIELDS.indexOf(present[present.length - 1]!);
  const cron: Record<string, string> = {};
  CRON_FIELDS.forEach((f, i) => {
    const raw = fields[f];
    if (!given(raw)) {
      if (f !== 'second') cron[f] = i > last ? MINIMUM[f] : '*';
      return;
    }
    if ((typeof raw !== 'string' && typeof raw !== 'number') || String(raw).length > MAX_FIELD) {
      throw new ValidationError(`${prefix}${f} must be a cron field (text or a number), got ${JSON.stringify(raw).slice(0, 100)}`, { field: `${prefix}${f}` });
    }
    cron[f] = String(raw);
  });
  return cron;
}
