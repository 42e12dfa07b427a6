import bundledOverrides from '../../config/holidays-override.json' with { type: 'json' };
import prcHolidays from './prc-holidays.json' with { type: 'json' };
import { addDays, dayOfWeek, daysBetween, yearOf } from '../time/local-date.js';
import { CalendarOverrideFile, withOverrides, type CalendarOverrideYear } from './overrides.js';

/**
 * The PRC workday calendar (工作日): weekends and statutory holidays (法定节假日) are off, make-up
 * workdays (调休) on weekends are on. Data from the `chinese-days` package, which covers the years
 * it lists, under the holiday overrides of config/holidays-override.json (shared/calendar/overrides.ts);
 * for any other year the calendar falls back to Monday–Friday and says so through `onMissingYear`
 * (the jobs log it and emit a metric) rather than stop.
 *
 * The package's data reaches the functions as a table generated from it (shared/calendar/prc-holidays.json,
 * scripts/generate-holiday-table.ts), not as the package: the package bundles its lunar calendar and
 * solar terms with the holidays, about 22 KiB minified in every function that uses the calendar, and
 * the calendar needs only which dates break the Monday–Friday rule. A test checks the table against
 * the package date by date, so the two cannot drift apart.
 */
export interface WorkdayCalendar {
  isWorkday(date: string): boolean;
  /** Years the holiday data covers. */
  coversYear(year: number): boolean;
}

/**
 * The shape of shared/calendar/prc-holidays.json: per year the package covers, the dates ('MM-DD')
 * that break the Monday–Friday rule. `off`: weekdays off (法定节假日); `on`: Saturdays and Sundays
 * worked (调休上班). Every other date of a covered year is a workday exactly when it is Monday–Friday.
 */
export interface HolidayTable {
  readonly years: Readonly<Record<string, HolidayTableYear>>;
}
export interface HolidayTableYear {
  readonly off: readonly string[];
  readonly on: readonly string[];
}

/** Typed against `HolidayTable` here, so a table of another shape does not compile. */
const HOLIDAY_TABLE: HolidayTable = prcHolidays;

/** The table by year, as sets: a few hundred dates, built once at load. */
const EXCEPTIONS: ReadonlyMap<number, { off: ReadonlySet<string>; on: ReadonlySet<string> }> = new Map(
  Object.entries(HOLIDAY_TABLE.years).map(([year, { off, on }]) => [Number(year), { off: new Set(off), on: new Set(on) }]),
);

const tableCovers = (year: number): boolean => EXCEPTIONS.has(year);

/**
 * The overrides shipped with the build, validated once at load: an invalid file fails every test
 * and every cold start, never silently.
 */
export const BUNDLED_OVERRIDES: readonly CalendarOverrideYear[] = CalendarOverrideFile.parse(bundledOverrides).years;

export function chineseWorkdayCalendar(
  onMissingYear: (year: number) => void = () => {},
  overrides: readonly CalendarOverrideYear[] = BUNDLED_OVERRIDES,
): WorkdayCalendar {
  return withOverrides(packageCalendar(onMissingYear), overrides);
}

/** The package's data alone (through its table), Monday–Friday for the years it lacks. */
function packageCalendar(onMissingYear: (year: number) => void): WorkdayCalendar {
  const warned = new Set<number>();
  return {
    coversYear: tableCovers,
    isWorkday(date) {
      const year = yearOf(date);
      const dow = dayOfWeek(date);
      const weekend = dow === 0 || dow === 6;
      const exceptions = EXCEPTIONS.get(year);
      if (!exceptions) {
        if (!warned.has(year)) {
          warned.add(year);
          onMissingYear(year);
        }
        return !weekend;
      }
      const monthDay = date.slice(5);
      return weekend ? exceptions.on.has(monthDay) : !exceptions.off.has(monthDay);
    },
  };
}

/** Workdays strictly after `from` up to and including `to` (0 when `to` ≤ `from`). */
export function workdaysBetween(calendar: WorkdayCalendar, from: string, to: string): number {
  if (to <= from) return 0;
  // Counted per year from a running total of the year's workdays (built once per calendar and year),
  // so that a span of years costs a few lookups, not a call per day; only the years of the span are read.
  const [fromYear, toYear] = [yearOf(from), yearOf(to)];
  const through = (date: string) => runningTotal(calendar, yearOf(date))[dayOfYear(date)]!;
  let n = through(to) - through(from);
  for (let y = fromYear; y < toYear; y++) n += runningTotal(calendar, y).at(-1)!;
  return n;
}

/** Per calendar and year: running[i] = workdays from 1 January through day i of the year (0-based). */
const runningTotals = new WeakMap<WorkdayCalendar, Map<number, Uint16Array>>();

function runningTotal(calendar: WorkdayCalendar, year: number): Uint16Array {
  let byYear = runningTotals.get(calendar);
  if (!byYear) {
    byYear = new Map();
    runningTotals.set(calendar, byYear);
  }
  let running = byYear.get(year);
  if (!running) {
    const first = firstOfYear(year);
    const days = daysBetween(first, firstOfYear(year + 1));
    running = new Uint16Array(days);
    let n = 0;
    for (let i = 0; i < days; i++) {
      if (calendar.isWorkday(addDays(first, i))) n++;
      running[i] = n;
    }
    byYear.set(year, running);
  }
  return running;
}

const firstOfYear = (year: number) => `${String(year).padStart(4, '0')}-01-01`;
const dayOfYear = (date: string) => daysBetween(firstOfYear(yearOf(date)), date);

/** The first workday on or after `date`. */
export function nextWorkday(calendar: WorkdayCalendar, date: string): string {
  let d = date;
  while (!calendar.isWorkday(d)) d = addDays(d, 1);
  return d;
}

/**
 * The workday `n` workdays after `date` (`n` > 0) or before it (`n` < 0); `date` itself for 0.
 * addWorkdays(cal, '2023-09-28', 1) is 2023-10-07 (the make-up Saturday after National Day).
 */
export function addWorkdays(calendar: WorkdayCalendar, date: string, n: number): string {
  const step = n < 0 ? -1 : 1;
  let d = date;
  for (let left = Math.abs(n); left > 0;) {
    d = addDays(d, step);
    if (calendar.isWorkday(d)) left--;
  }
  return d;
}

/** The last workday on or before `date`: the day by which something due on `date` has to be handed in. */
export function lastWorkdayOnOrBefore(calendar: WorkdayCalendar, date: string): string {
  let d = date;
  while (!calendar.isWorkday(d)) d = addDays(d, -1);
  return d;
}
