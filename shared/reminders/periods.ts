import { nextWorkday, type WorkdayCalendar } from '../calendar/workdays.js';
import type { ReportingCycle } from '../plan/schema.js';

/** The reporting period containing `date`: `YYYY-MM` (monthly) or `YYYY-Qn` (quarterly). */
export function reportingPeriodOf(cycle: ReportingCycle['cycle'], date: string): string {
  const year = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  return cycle === 'monthly' ? `${year}-${date.slice(5, 7)}` : `${year}-Q${Math.ceil(month / 3)}`;
}

/** Every period of a cycle in a year, in order. */
export function periodsOfYear(cycle: ReportingCycle['cycle'], year: number): string[] {
  return cycle === 'monthly'
    ? Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`)
    : Array.from({ length: 4 }, (_, i) => `${year}-Q${i + 1}`);
}

/** The year of a period. */
export function periodYear(period: string): number {
  return Number(period.slice(0, 4));
}

/** The last month (`YYYY-MM`) of a period. */
export function lastMonthOf(period: string): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(period);
  if (!quarter) return period;
  const month = Number(quarter[2]) * 3;
  return `${quarter[1]}-${String(month).padStart(2, '0')}`;
}

/** The day the plan sets for a period's report: `dueDay` of the period's last month. */
export function reportDueDate(period: string, dueDay: number): string {
  return `${lastMonthOf(period)}-${String(dueDay).padStart(2, '0')}`;
}

/**
 * The day a period's report is actually due: the plan's day, or the next workday when that day is
 * a weekend or public holiday (2023-03-25 is a Saturday: the Q1 report is due Monday 03-27).
 */
export function reportDueWorkday(calendar: WorkdayCalendar, period: string, dueDay: number): string {
  return nextWorkday(calendar, reportDueDate(period, dueDay));
}
