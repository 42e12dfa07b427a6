import { nextWorkday, type WorkdayCalendar } from '../calendar/workdays.js';
import { reportDueDate } from '../time/period.js';

/**
 * The day a period's report is actually due: the plan's day, or the next workday when that day is
 * a weekend or public holiday (2023-03-25 is a Saturday: the Q1 report is due Monday 03-27).
 * (The period strings themselves live in shared/time/period.ts.)
 */
export function reportDueWorkday(calendar: WorkdayCalendar, period: string, dueDay: number): string {
  return nextWorkday(calendar, reportDueDate(period, dueDay));
}
