import { dayOfWeek } from '../time/local-date.js';
import { cnPeriodWithinYear } from '../time/period.js';

/**
 * How periods and weekdays are written in what the office reads: 2023年6月, 2023年第二季度,
 * 星期日 — never ISO. Dates: `formatChineseDate` (shared/time/local-date.ts); one period: `cnPeriod`
 * (shared/time/period.ts).
 */

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;

/** `2023-12-31` → `星期日`. */
export function cnWeekday(date: string): string {
  return WEEKDAYS[dayOfWeek(date)] as string;
}

/** The index of a period within its year (month 1–12, quarter 1–4) and whether it is a quarter. */
function indexOf(period: string): { quarter: boolean; n: number } {
  const quarter = /^\d{4}-Q([1-4])$/.exec(period);
  return quarter ? { quarter: true, n: Number(quarter[1]) } : { quarter: false, n: Number(period.slice(5, 7)) };
}

/**
 * Several periods, the year said once per year and three or more consecutive ones as a range:
 * `2023年1月至6月、8月`, `2023年第一季度、第二季度`, `2023年12月、2024年1月`.
 */
export function cnPeriods(periods: readonly string[]): string {
  const byYear = new Map<string, string[]>();
  for (const p of periods) byYear.set(p.slice(0, 4), [...(byYear.get(p.slice(0, 4)) ?? []), p]);
  return [...byYear]
    .map(([year, list]) => {
      const parts: string[] = [];
      for (let i = 0; i < list.length;) {
        let j = i;
        const first = indexOf(list[i] as string);
        while (j + 1 < list.length) {
          const next = indexOf(list[j + 1] as string);
          if (next.quarter !== first.quarter || next.n !== indexOf(list[j] as string).n + 1) break;
          j++;
        }
        if (j - i >= 2) parts.push(`${cnPeriodWithinYear(list[i] as string)}至${cnPeriodWithinYear(list[j] as string)}`);
        else for (let k = i; k <= j; k++) parts.push(cnPeriodWithinYear(list[k] as string));
        i = j + 1;
      }
      return `${year}年${parts.join('、')}`;
    })
    .join('、');
}
