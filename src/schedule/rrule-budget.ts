/**
 * The rrule library steps period by period (year, month, week, day…) until an occurrence matches,
 * up to the year 9999: a rule that never matches ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30") would hold
 * the event loop for seconds. It reads `options.interval` once or twice every period and offers no
 * other hook, so the iteration here reads it through a counter that stops the search past
 * MAX_RRULE_PERIODS periods. test/unit/schedule/limits.test.ts fails if a new rrule version stops
 * reading it that way.
 */
import rrulePkg from 'rrule';
import { ScheduleError } from '../errors.ts';
import { MAX_RRULE_PERIODS } from './limits.ts';

const { RRule } = rrulePkg;
type ParsedOptions = InstanceType<typeof RRule>['options'];
/** Indexed by Frequency: YEARLY = 0 … SECONDLY = 6. */
export const FREQ_UNITS = ['years', 'months', 'weeks', 'days', 'hours', 'minutes', 'seconds'];
/** The loop reads `interval` twice a period; a little slack for the reads before it starts. */
const MAX_READS = 2 * MAX_RRULE_PERIODS + 4;

/** The search went past MAX_RRULE_PERIODS periods without finding what it was asked for. */
export class RrulePeriodLimit extends ScheduleError {
  constructor(unit: string) {
    super(
      'rrule',
      `'rrule' has no occurrence within ${MAX_RRULE_PERIODS} ${unit} of the time asked about; bosun searches at most ` +
        `${MAX_RRULE_PERIODS} of a rule's FREQ periods (use a coarser FREQ, e.g. FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29 rather than FREQ=DAILY)`,
    );
  }
}

export class BoundedRRule extends RRule {
  protected override _iter(iterResult: Parameters<InstanceType<typeof RRule>['_iter']>[0]): never {
    const real = this.options;
    let reads = 0;
    const counted = Object.create(real, {
      interval: {
        get(): number {
          if (++reads > MAX_READS) throw new RrulePeriodLimit(FREQ_UNITS[real.freq] ?? 'periods');
          return real.interval;
        },
      },
    }) as ParsedOptions;
    this.options = counted;
    try {
      return super._iter(iterResult as never) as never;
    } finally {
      this.options = real;
    }
  }
}
