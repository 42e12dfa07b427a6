import { cnPeriod, cycleOfPeriod, periodEndDate, periodStartDate } from '../time/period.js';

/**
 * The period of a bulletin (通报): a month (`2023-06`) or a quarter (`2023-Q2`). Pure and free of
 * zod, so that the dashboard page can share it (it links to the month's bulletin).
 */

export interface BulletinPeriod {
  /** As given: `2023-06` or `2023-Q2`. */
  id: string;
  kind: 'month' | 'quarter';
  year: number;
  /** First and last day, `YYYY-MM-DD`. */
  first: string;
  last: string;
  /** As a bulletin's title says it: `2023年6月`, `2023年第二季度`. */
  label: string;
}

/** The period a string names, or undefined when it names none (the period strings: shared/time/period.ts). */
export function parseBulletinPeriod(id: string): BulletinPeriod | undefined {
  const cycle = cycleOfPeriod(id);
  if (!cycle) return undefined;
  return {
    id,
    kind: cycle === 'monthly' ? 'month' : 'quarter',
    year: Number(id.slice(0, 4)),
    first: periodStartDate(id),
    last: periodEndDate(id),
    label: cnPeriod(id),
  };
}

/** The month period (`YYYY-MM`) a date falls in. */
export function monthPeriodOf(date: string): string {
  return date.slice(0, 7);
}
