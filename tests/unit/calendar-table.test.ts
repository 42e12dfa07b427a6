import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type chineseDaysModule from 'chinese-days';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HOLIDAY_TABLE_FILE,
  chineseDaysVersion,
  holidayTable,
  loadChineseDays,
  renderHolidayTable,
} from '../../scripts/generate-holiday-table.js';
import { chineseWorkdayCalendar, type HolidayTable } from '../../shared/calendar/workdays.js';
import { addDays, dayOfWeek } from '../../shared/time/local-date.js';

/**
 * The holiday table (shared/calendar/prc-holidays.json) is the `chinese-days` package's data in the
 * functions' place: these tests fail when the committed table is stale (the package was upgraded, the
 * generator changed) or gives another answer than the package on any date.
 */
describe('the holiday table against chinese-days', () => {
  // loadChineseDays sets the process's zone for the package (scripts/generate-holiday-table.ts); put it back after.
  const zoneBefore = process.env.TZ;
  let chineseDays: typeof chineseDaysModule;
  /** The years the package has holidays for, asked of it directly over a span wider than the generator scans. */
  const packageYears: number[] = [];
  beforeAll(async () => {
    chineseDays = await loadChineseDays();
    for (let year = 1800; year <= 2299; year++) {
      if (chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0) packageYears.push(year);
    }
  });
  afterAll(() => {
    if (zoneBefore === undefined) delete process.env.TZ;
    else process.env.TZ = zoneBefore;
  });

  // The package's data alone: no overrides (config/holidays-override.json would win on the dates it names).
  const calendar = chineseWorkdayCalendar(() => {}, []);
  const table = JSON.parse(readFileSync(HOLIDAY_TABLE_FILE, 'utf8')) as HolidayTable;
  const tableYears = Object.keys(table.years).map(Number);

  it('the committed file is what the generator writes from the installed package (else: npm run generate)', () => {
    expect(readFileSync(HOLIDAY_TABLE_FILE, 'utf8')).toBe(renderHolidayTable(holidayTable(chineseDays), chineseDaysVersion()));
  });

  it('covers exactly the years the package has holidays for, and the plan year', () => {
    const coveredYears: number[] = [];
    for (let year = 1800; year <= 2299; year++) if (calendar.coversYear(year)) coveredYears.push(year);
    expect(packageYears).toContain(2023);
    expect(coveredYears).toEqual(packageYears);
    expect(tableYears).toEqual(packageYears);
  });

  it('answers as the package does on every date of every year the package covers', () => {
    const differences: string[] = [];
    let dates = 0;
    for (const year of packageYears) {
      for (let date = `${year}-01-01`; date < `${year + 1}-01-01`; date = addDays(date, 1)) {
        dates++;
        if (calendar.isWorkday(date) !== chineseDays.isWorkday(date)) differences.push(date);
      }
    }
    expect(differences).toEqual([]);
    expect(dates).toBeGreaterThan(365 * 20);
  });

  it('lists only exceptions: off on weekdays, on on weekends, real dates of their year, sorted and once each', () => {
    for (const [year, { off, on }] of Object.entries(table.years)) {
      for (const [list, weekend] of [
        [off, false],
        [on, true],
      ] as const) {
        expect([...new Set(list)].sort()).toEqual(list);
        for (const monthDay of list) {
          const date = `${year}-${monthDay}`;
          // addDays round-trips a real date only (2023-02-30 comes back as 2023-03-02).
          expect(addDays(addDays(date, 1), -1), date).toBe(date);
          const dow = dayOfWeek(date);
          expect(dow === 0 || dow === 6, `${date} (day ${dow}) in ${weekend ? 'on' : 'off'}`).toBe(weekend);
        }
      }
    }
  });
});

describe('the calendar in a bundle', () => {
  it('carries the table, not the chinese-days package', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../shared/calendar/workdays.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((path) => path.includes('chinese-days'))).toEqual([]);
    expect(inputs.some((path) => path.endsWith('shared/calendar/prc-holidays.json'))).toBe(true);
  });
});
