import type { ReportingCycle } from '../plan/schema.js';

/** The reporting period containing `date`: `YYYY-MM` (monthly) or `YYYY-Qn` (quarterly). */
export function reportingPeriodOf(cycle: ReportingCycle['cycle'], date: string): string {
  const year = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  return cycle === 'monthly' ? `${year}-${date.slice(5, 7)}` : `${year}-Q${Math.ceil(month / 3)}`;
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

/** The day a period's report is due: `dueDay` of the period's last month. */
export function reportDueDate(period: string, dueDay: number): string {
  return `${lastMonthOf(period)}-${String(dueDay).padStart(2, '0')}`;
}
