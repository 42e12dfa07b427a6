import * as z from '../zod.js';
import { addDays, dayOfWeek, yearOf } from '../time/local-date.js';
import type { WorkdayCalendar } from './workdays.js';

/**
 * Holiday overrides (节假日安排补录): the State Council's yearly notice (国务院办公厅关于XXXX年部分节假日
 * 安排的通知) transcribed by the operator, for a year the `chinese-days` package does not have yet, or
 * to correct a date it has wrong. One entry per year, in the notice's own shape: holiday ranges
 * ("10月1日至7日放假调休") and make-up workdays ("9月20日（周日）上班"). Procedure: docs/reminders.md.
 */

const LocalDate = z.iso.date();

export const HolidayRange = z
  .strictObject({
    /** The holiday's name as the notice prints it (元旦, 春节, …). */
    name: z.string().check(z.minLength(1)),
    from: LocalDate,
    /** Inclusive. */
    to: LocalDate,
  })
  .check(z.refine((r) => r.from <= r.to, { path: ['to'], message: 'to is before from' }));
export type HolidayRange = z.infer<typeof HolidayRange>;

export const MakeUpWorkday = z.strictObject({
  /** What the notice says it is for (春节调休上班, …). */
  name: z.string().check(z.minLength(1)),
  date: LocalDate,
});

export const CalendarOverrideYear = z
  .strictObject({
    year: z.int().check(z.gte(2000), z.lte(2100)),
    /** The notice the dates come from (title and document number): who checks the entry reads it here. */
    source: z.string().check(z.minLength(1)),
    holidays: z._default(z.array(HolidayRange), []),
    workdays: z._default(z.array(MakeUpWorkday), []),
  })
  .check(
    z.superRefine((entry, ctx) => {
      const inYear = (date: string) => yearOf(date) === entry.year;
      const off = new Set<string>();
      entry.holidays.forEach((h, i) => {
        // A range that crosses into another year belongs to two notices; each year's entry lists its own days.
        if (!inYear(h.from) || !inYear(h.to))
          ctx.addIssue({ code: 'custom', path: ['holidays', i], message: `${h.name} ${h.from}…${h.to} is not within ${entry.year}` });
        for (const d of datesOf(h)) off.add(d);
      });
      entry.workdays.forEach((w, i) => {
        if (!inYear(w.date))
          ctx.addIssue({ code: 'custom', path: ['workdays', i, 'date'], message: `${w.date} is not within ${entry.year}` });
        // A make-up workday (调休上班) is always a Saturday or Sunday: a weekday here is a typo.
        const dow = dayOfWeek(w.date);
        if (dow !== 0 && dow !== 6)
          ctx.addIssue({
            code: 'custom',
            path: ['workdays', i, 'date'],
            message: `${w.date} is a weekday: a make-up workday falls on a Saturday or Sunday`,
          });
        if (off.has(w.date))
          ctx.addIssue({ code: 'custom', path: ['workdays', i, 'date'], message: `${w.date} is also inside a holiday range` });
      });
    }),
  );
export type CalendarOverrideYear = z.infer<typeof CalendarOverrideYear>;
export type CalendarOverrideYearInput = z.input<typeof CalendarOverrideYear>;

/** The override file shipped with the build (config/holidays-override.json). */
export const CalendarOverrideFile = z
  .strictObject({
    $comment: z.optional(z.string()),
    years: z.array(CalendarOverrideYear),
  })
  .check(
    z.superRefine((file, ctx) => {
      const seen = new Set<number>();
      file.years.forEach((y, i) => {
        if (seen.has(y.year)) ctx.addIssue({ code: 'custom', path: ['years', i, 'year'], message: `year ${y.year} appears twice` });
        seen.add(y.year);
      });
    }),
  );

function datesOf(range: HolidayRange): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to; d = addDays(d, 1)) out.push(d);
  return out;
}

const mondayToFriday = (date: string) => {
  const dow = dayOfWeek(date);
  return dow !== 0 && dow !== 6;
};

/**
 * `base` with `years` laid over it. A date an entry names decides: inside a holiday range it is off,
 * a make-up workday is on. A date of an entry's year that the entry does not name falls through to
 * `base` when `base` covers the year (so an entry can correct single dates), else to Monday–Friday
 * (an entry for a year the package lacks is the whole year: the notice lists every exception).
 * A year with an entry counts as covered.
 */
export function withOverrides(base: WorkdayCalendar, years: readonly CalendarOverrideYear[]): WorkdayCalendar {
  if (years.length === 0) return base;
  const byYear = new Map<number, { off: Set<string>; on: Set<string> }>();
  for (const entry of years) {
    const slot = byYear.get(entry.year) ?? { off: new Set<string>(), on: new Set<string>() };
    for (const h of entry.holidays) for (const d of datesOf(h)) slot.off.add(d);
    for (const w of entry.workdays) slot.on.add(w.date);
    byYear.set(entry.year, slot);
  }
  return {
    coversYear: (year) => byYear.has(year) || base.coversYear(year),
    isWorkday(date) {
      const year = yearOf(date);
      const slot = byYear.get(year);
      if (slot?.off.has(date)) return false;
      if (slot?.on.has(date)) return true;
      if (slot && !base.coversYear(year)) return mondayToFriday(date);
      return base.isWorkday(date);
    },
  };
}
