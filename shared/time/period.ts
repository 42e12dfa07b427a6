/**
 * Reporting periods, as the contract writes them: `YYYY-MM` (a month) or `YYYY-Qn` (a quarter). The
 * one home of the period strings: the webhook checks, the reminders and the bulletins read them here.
 */

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;

export type PeriodCycle = 'monthly' | 'quarterly';

/** The cycle a period string belongs to, or undefined when it is neither form. */
export function cycleOfPeriod(period: string): PeriodCycle | undefined {
  if (MONTH.test(period)) return 'monthly';
  if (QUARTER.test(period)) return 'quarterly';
  return undefined;
}

/** The first and last month (1–12) of a period; throws on a string that is no period. */
function monthsOf(period: string): { year: number; first: number; last: number } {
  const q = QUARTER.exec(period);
  if (q) return { year: Number(q[1]), first: (Number(q[2]) - 1) * 3 + 1, last: Number(q[2]) * 3 };
  const m = MONTH.exec(period);
  if (m) return { year: Number(m[1]), first: Number(m[2]), last: Number(m[2]) };
  throw new RangeError(`not a period: ${period}`);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The first day of a period (`2023-Q2` → `2023-04-01`, `2023-06` → `2023-06-01`). */
export function periodStartDate(period: string): string {
  const { year, first } = monthsOf(period);
  return `${year}-${pad(first)}-01`;
}

/** The last day of a period (`2023-Q2` → `2023-06-30`, `2024-02` → `2024-02-29`). */
export function periodEndDate(period: string): string {
  const { year, last } = monthsOf(period);
  // Day 0 of the next month is the last day of this one.
  return `${year}-${pad(last)}-${pad(new Date(Date.UTC(year, last, 0)).getUTCDate())}`;
}

/** Every period of a cycle in a year, in order. */
export function periodsOfYear(cycle: PeriodCycle, year: number): string[] {
  return cycle === 'monthly'
    ? Array.from({ length: 12 }, (_, i) => `${year}-${pad(i + 1)}`)
    : Array.from({ length: 4 }, (_, i) => `${year}-Q${i + 1}`);
}

/** The last month (`YYYY-MM`) of a period. */
export function lastMonthOf(period: string): string {
  const { year, last } = monthsOf(period);
  return `${year}-${pad(last)}`;
}

/** The day the plan sets for a period's report: `dueDay` of the period's last month. */
export function reportDueDate(period: string, dueDay: number): string {
  return `${lastMonthOf(period)}-${pad(dueDay)}`;
}

const QUARTERS = ['第一季度', '第二季度', '第三季度', '第四季度'] as const;

/** The part of a period after its year, as an office writes it: `6月` or `第二季度`. */
export function cnPeriodWithinYear(period: string): string {
  const q = QUARTER.exec(period);
  return q ? (QUARTERS[Number(q[2]) - 1] as string) : `${Number(period.slice(5, 7))}月`;
}

/** A period as an office writes it: `2023-06` → `2023年6月`; `2023-Q2` → `2023年第二季度`. */
export function cnPeriod(period: string): string {
  return `${period.slice(0, 4)}年${cnPeriodWithinYear(period)}`;
}
