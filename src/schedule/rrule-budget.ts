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

/** The search went past MAX_RRULE_PERIODS periods without finding what it was asked for. */
export class RrulePeriodLimit extends ScheduleError {
  constructor(unit: string, periods: number) {
    super(
      'rrule',
      `'rrule' has no occurrence within ${periods} ${unit} of the time asked about; bosun searches at most ` +
        `${periods} of a rule's FREQ periods (use a coarser FREQ, e.g. FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29 rather than FREQ=DAILY)`,
    );
  }
}

export class BoundedRRule extends RRule {
  /** Periods one question may step through. */
  maxPeriods = MAX_RRULE_PERIODS;

  protected override _iter(iterResult: Parameters<InstanceType<typeof RRule>['_iter']>[0]): never {
    const real = this.options;
    let reads = 0;
    // The loop reads `interval` twice a period; a little slack for the reads before it starts.
    const maxReads = 2 * this.maxPeriods + 4;
    const periods = this.maxPeriods;
    const counted = Object.create(real, {
      interval: {
        get(): number {
          if (++reads > maxReads) throw new RrulePeriodLimit(FREQ_UNITS[real.freq] ?? 'periods', periods);
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
