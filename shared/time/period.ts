/**
 * Reporting periods as the contract writes them: `YYYY-MM` (a month) or `YYYY-Qn` (a quarter).
 * (Reminder scheduling builds on the same strings in shared/reminders/periods.ts.)
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

/** The first day of a period (`2023-Q2` → `2023-04-01`, `2023-06` → `2023-06-01`). */
export function periodStartDate(period: string): string {
  const q = QUARTER.exec(period);
  if (q) return `${q[1]}-${String((Number(q[2]) - 1) * 3 + 1).padStart(2, '0')}-01`;
  const m = MONTH.exec(period);
  if (m) return `${m[1]}-${m[2]}-01`;
  throw new RangeError(`not a period: ${period}`);
}
