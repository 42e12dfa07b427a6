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

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const QUARTER_NAMES = ['一', '二', '三', '四'] as const;

const pad = (n: number) => String(n).padStart(2, '0');

function lastDayOf(year: number, month: number): string {
  // Day 0 of the next month is the last day of this one.
  return `${year}-${pad(month)}-${pad(new Date(Date.UTC(year, month, 0)).getUTCDate())}`;
}

/** The period a string names, or undefined when it names none. */
export function parseBulletinPeriod(id: string): BulletinPeriod | undefined {
  const m = MONTH.exec(id);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    return { id, kind: 'month', year, first: `${year}-${pad(month)}-01`, last: lastDayOf(year, month), label: `${year}年${month}月` };
  }
  const q = QUARTER.exec(id);
  if (q) {
    const year = Number(q[1]);
    const quarter = Number(q[2]);
    const firstMonth = (quarter - 1) * 3 + 1;
    return {
      id,
      kind: 'quarter',
      year,
      first: `${year}-${pad(firstMonth)}-01`,
      last: lastDayOf(year, firstMonth + 2),
      label: `${year}年第${QUARTER_NAMES[quarter - 1]}季度`,
    };
  }
  return undefined;
}

/** The month period (`YYYY-MM`) a date falls in. */
export function monthPeriodOf(date: string): string {
  return date.slice(0, 7);
}
