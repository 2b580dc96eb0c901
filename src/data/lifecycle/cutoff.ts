/** When a retention period that ends now began: `now` minus a calendar period, in UTC. */
import type { CalendarPeriod } from '../../policies/model.js';

/**
 * Years and months are calendar ones (P1Y from 2030-03-15 is 2029-03-15, not 365 days); a day
 * that does not exist rolls over as Date.UTC does (2028-02-29 minus P1Y is 2027-03-01).
 */
export function cutoffFor(now: Date, period: CalendarPeriod): Date {
  return new Date(
    Date.UTC(
      now.getUTCFullYear() - period.years,
      now.getUTCMonth() - period.months,
      now.getUTCDate() - period.days,
      now.getUTCHours(),
      now.getUTCMinutes(),
      now.getUTCSeconds(),
      now.getUTCMilliseconds(),
    ),
  );
}
