import chineseDays from 'chinese-days';
import { addDays, dayOfWeek, yearOf } from '../time/local-date.js';

/**
 * The PRC workday calendar (工作日): weekends and statutory holidays (法定节假日) are off, make-up
 * workdays (调休) on weekends are on. Data from the `chinese-days` package, which covers the years
 * it lists; for any other year the calendar falls back to Monday–Friday and says so through
 * `onMissingYear` (the jobs log it and emit a metric) rather than stop.
 */
export interface WorkdayCalendar {
  isWorkday(date: string): boolean;
  /** Years the holiday data covers. */
  coversYear(year: number): boolean;
}

/** Years the package has holiday data for: a covered year has statutory holidays on weekdays. */
function findCoveredYears(): Set<number> {
  const years = new Set<number>();
  for (let y = 2000; y <= 2100; y++) {
    if (chineseDays.getHolidaysInRange(`${y}-01-01`, `${y}-12-31`, false).length > 0) years.add(y);
  }
  return years;
}

let covered: Set<number> | undefined;

export function chineseWorkdayCalendar(onMissingYear: (year: number) => void = () => {}): WorkdayCalendar {
  covered ??= findCoveredYears();
  const years = covered;
  const warned = new Set<number>();
  return {
    coversYear: (year) => years.has(year),
    isWorkday(date) {
      const year = yearOf(date);
      if (!years.has(year)) {
        if (!warned.has(year)) {
          warned.add(year);
          onMissingYear(year);
        }
        const dow = dayOfWeek(date);
        return dow !== 0 && dow !== 6;
      }
      return chineseDays.isWorkday(date);
    },
  };
}

/** Workdays strictly after `from` up to and including `to` (0 when `to` ≤ `from`). */
export function workdaysBetween(calendar: WorkdayCalendar, from: string, to: string): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (calendar.isWorkday(d)) n++;
  return n;
}

/** The first workday on or after `date`. */
export function nextWorkday(calendar: WorkdayCalendar, date: string): string {
  let d = date;
  while (!calendar.isWorkday(d)) d = addDays(d, 1);
  return d;
}
