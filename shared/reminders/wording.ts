import { dayOfWeek } from '../time/local-date.js';

/**
 * How dates and periods are written in what the office reads: 2023年6月30日, 2023年6月,
 * 2023年第二季度 — never ISO.
 */

/** `2023-06-30` → `2023年6月30日`. */
export function cnDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

/** `2023-12-31` → `星期日`. */
export function cnWeekday(date: string): string {
  return WEEKDAYS[dayOfWeek(date)] as string;
}

const QUARTERS = ['第一季度', '第二季度', '第三季度', '第四季度'] as const;

/** The part of a period after its year: `6月` or `第二季度`. */
function withinYear(period: string): string {
  const quarter = /^\d{4}-Q([1-4])$/.exec(period);
  return quarter ? (QUARTERS[Number(quarter[1]) - 1] as string) : `${Number(period.slice(5, 7))}月`;
}

/** `2023-06` → `2023年6月`; `2023-Q2` → `2023年第二季度`. */
export function cnPeriod(period: string): string {
  return `${period.slice(0, 4)}年${withinYear(period)}`;
}

/** Several periods, the year said once per year: `2023年1月、2月、6月`, `2023年第一季度、第二季度`. */
export function cnPeriods(periods: readonly string[]): string {
  const byYear = new Map<string, string[]>();
  for (const p of periods) {
    const list = byYear.get(p.slice(0, 4)) ?? [];
    list.push(withinYear(p));
    byYear.set(p.slice(0, 4), list);
  }
  return [...byYear].map(([year, parts]) => `${year}年${parts.join('、')}`).join('、');
}
