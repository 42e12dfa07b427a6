import type { WorkdayCalendar } from '../calendar/workdays.js';
import { yearOf } from '../time/local-date.js';

/**
 * Wraps a calendar so that the first use of a year it does not cover calls `onMissingYear` (once
 * per wrapper: the job wraps per run, so every run that meets the gap says so). The fallback itself
 * (Monday–Friday) is the wrapped calendar's.
 */
export function watchMissingYears(calendar: WorkdayCalendar, onMissingYear: (year: number) => void): WorkdayCalendar {
  const seen = new Set<number>();
  return {
    coversYear: (year) => calendar.coversYear(year),
    isWorkday(date) {
      const year = yearOf(date);
      if (!seen.has(year)) {
        seen.add(year);
        if (!calendar.coversYear(year)) onMissingYear(year);
      }
      return calendar.isWorkday(date);
    },
  };
}
