import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { addDays } from '../../shared/time/local-date.js';
import { CalendarOverrideFile, withOverrides, type CalendarOverrideYearInput } from '../../shared/calendar/overrides.js';
import {
  BUNDLED_OVERRIDES,
  addWorkdays,
  chineseWorkdayCalendar,
  lastWorkdayOnOrBefore,
  nextWorkday,
  workdaysBetween,
} from '../../shared/calendar/workdays.js';

describe('the PRC workday calendar', () => {
  const calendar = chineseWorkdayCalendar();

  it('covers 2023 and 2024 (the plan year and the one after)', () => {
    expect(calendar.coversYear(2023)).toBe(true);
    expect(calendar.coversYear(2024)).toBe(true);
  });

  // 2023 Mid-Autumn + National Day: 2023-09-29 (Fri) … 2023-10-06 (Fri) off; Sat 10-07 and Sun 10-08 are 调休 workdays.
  it.each([
    ['2023-09-27', true, 'Wed before the holiday'],
    ['2023-09-28', true, 'Thu before the holiday'],
    ['2023-09-29', false, 'Mid-Autumn (Fri)'],
    ['2023-09-30', false, 'Sat in the holiday'],
    ['2023-10-01', false, 'National Day (Sun)'],
    ['2023-10-02', false, 'Mon in the holiday'],
    ['2023-10-04', false, 'Wed in the holiday'],
    ['2023-10-06', false, 'last day off (Fri)'],
    ['2023-10-07', true, 'make-up workday (Sat)'],
    ['2023-10-08', true, 'make-up workday (Sun)'],
    ['2023-10-09', true, 'Mon after'],
    ['2023-10-14', false, 'an ordinary Saturday'],
  ] as const)('2023 National Day: %s is a workday: %s (%s)', (date, workday, _why) => {
    expect(calendar.isWorkday(date)).toBe(workday);
  });

  // New Year 2024: 2023-12-30 (Sat) … 2024-01-01 (Mon) off.
  it.each([
    ['2023-12-29', true, 'Fri before'],
    ['2023-12-30', false, 'Sat'],
    ['2023-12-31', false, 'Sun (the plan’s due date)'],
    ['2024-01-01', false, 'New Year’s Day (Mon)'],
    ['2024-01-02', true, 'Tue after'],
  ] as const)('New Year 2024: %s is a workday: %s (%s)', (date, workday, _why) => {
    expect(calendar.isWorkday(date)).toBe(workday);
  });

  it('does not call onMissingYear for covered years', () => {
    const onMissingYear = vi.fn();
    const cal = chineseWorkdayCalendar(onMissingYear);
    cal.isWorkday('2023-10-07');
    cal.isWorkday('2024-01-01');
    expect(onMissingYear).not.toHaveBeenCalled();
  });
});

describe('workdaysBetween', () => {
  const calendar = chineseWorkdayCalendar();

  it.each([
    ['2023-09-28', '2023-10-09', 3, 'across National Day: 10-07, 10-08, 10-09'],
    ['2023-09-28', '2023-10-06', 0, 'the whole holiday counts nothing'],
    ['2023-09-27', '2023-09-29', 1, 'from is excluded, 09-28 counts, 09-29 is off'],
    ['2023-12-29', '2024-01-02', 1, 'across New Year: only 01-02'],
    ['2023-10-09', '2023-10-13', 4, 'an ordinary week Mon→Fri excludes Monday'],
    ['2023-10-09', '2023-10-09', 0, 'same day'],
    ['2023-10-13', '2023-10-09', 0, 'to before from'],
  ] as const)('%s → %s = %s (%s)', (from, to, n, _why) => {
    expect(workdaysBetween(calendar, from, to)).toBe(n);
  });

  it('property: counted per year, it equals the day-by-day count for any two dates of 2022–2024', () => {
    const dayByDay = (from: string, to: string) => {
      let n = 0;
      for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (calendar.isWorkday(d)) n++;
      return n;
    };
    const date = fc.integer({ min: 0, max: 1095 }).map((i) => addDays('2022-01-01', i));
    fc.assert(
      fc.property(date, date, (a, b) => workdaysBetween(calendar, a, b) === dayByDay(a, b)),
      { numRuns: 300 },
    );
  });

  it('asks the calendar about each day of a year at most once, however many spans it counts', () => {
    const base = chineseWorkdayCalendar();
    const isWorkday = vi.fn((d: string) => base.isWorkday(d));
    const counting = { coversYear: (year: number) => base.coversYear(year), isWorkday };
    for (let i = 0; i < 50; i++) workdaysBetween(counting, '2022-01-01', '2024-12-31');
    expect(isWorkday).toHaveBeenCalledTimes(365 + 365 + 366);
  });
});

describe('nextWorkday', () => {
  const calendar = chineseWorkdayCalendar();

  it.each([
    ['2023-09-28', '2023-09-28', 'a workday is its own next workday'],
    ['2023-09-29', '2023-10-07', 'the holiday rolls to the make-up Saturday'],
    ['2023-10-03', '2023-10-07', 'mid-holiday'],
    ['2023-10-07', '2023-10-07', 'a make-up Saturday is a workday'],
    ['2023-12-30', '2024-01-02', 'across New Year'],
    ['2023-10-14', '2023-10-16', 'an ordinary weekend rolls to Monday'],
  ] as const)('%s → %s (%s)', (date, next, _why) => {
    expect(nextWorkday(calendar, date)).toBe(next);
  });
});

describe('addWorkdays and lastWorkdayOnOrBefore', () => {
  const calendar = chineseWorkdayCalendar();

  it.each([
    ['2023-09-28', 1, '2023-10-07', 'over the holiday to the make-up Saturday'],
    ['2023-10-09', 2, '2023-10-11', 'an ordinary week'],
    ['2023-10-13', 1, '2023-10-16', 'over a weekend'],
    ['2023-06-25', -3, '2023-06-19', 'back over the Dragon Boat holiday (06-22…06-24) from the make-up Sunday'],
    ['2023-10-07', -1, '2023-09-28', 'back over National Day'],
    ['2023-10-09', 0, '2023-10-09', 'zero is the date itself'],
  ] as const)('%s %s workdays → %s (%s)', (date, n, expected, _why) => {
    expect(addWorkdays(calendar, date, n)).toBe(expected);
  });

  it.each([
    ['2023-12-31', '2023-12-29', 'the plan’s Sunday due date: Friday'],
    ['2023-10-05', '2023-09-28', 'inside National Day'],
    ['2023-10-08', '2023-10-08', 'a make-up Sunday is a workday'],
  ] as const)('last workday on or before %s is %s (%s)', (date, expected, _why) => {
    expect(lastWorkdayOnOrBefore(calendar, date)).toBe(expected);
  });
});

describe('a year the holiday data lacks', () => {
  it('the data stops before 2027', () => {
    expect(chineseWorkdayCalendar().coversYear(2027)).toBe(false);
    expect(chineseWorkdayCalendar().coversYear(2030)).toBe(false);
  });

  it('falls back to Monday–Friday', () => {
    const cal = chineseWorkdayCalendar(() => {});
    // 2030-01-01 is a Tuesday: a workday by the fallback even though it is New Year's Day.
    expect(cal.isWorkday('2030-01-01')).toBe(true);
    expect(cal.isWorkday('2030-01-04')).toBe(true); // Fri
    expect(cal.isWorkday('2030-01-05')).toBe(false); // Sat
    expect(cal.isWorkday('2030-01-06')).toBe(false); // Sun
    expect(nextWorkday(cal, '2030-01-05')).toBe('2030-01-07');
    expect(workdaysBetween(cal, '2030-01-04', '2030-01-11')).toBe(5);
  });

  it('calls onMissingYear once per missing year, per calendar', () => {
    const onMissingYear = vi.fn();
    const cal = chineseWorkdayCalendar(onMissingYear);
    cal.isWorkday('2030-01-01');
    cal.isWorkday('2030-06-01');
    workdaysBetween(cal, '2030-01-01', '2030-03-01');
    expect(onMissingYear).toHaveBeenCalledTimes(1);
    expect(onMissingYear).toHaveBeenLastCalledWith(2030);

    cal.isWorkday('2031-02-03');
    cal.isWorkday('2031-02-04');
    expect(onMissingYear).toHaveBeenCalledTimes(2);
    expect(onMissingYear).toHaveBeenLastCalledWith(2031);

    // A covered year in between does not count.
    cal.isWorkday('2023-10-07');
    expect(onMissingYear).toHaveBeenCalledTimes(2);

    // Another calendar instance reports again (each job run logs its own warning).
    const other = vi.fn();
    chineseWorkdayCalendar(other).isWorkday('2030-01-01');
    expect(other).toHaveBeenCalledTimes(1);
  });

  it('a range spanning into a missing year reports that year once', () => {
    const onMissingYear = vi.fn();
    const cal = chineseWorkdayCalendar(onMissingYear);
    const lastCovered = [2026, 2025, 2024].find((y) => cal.coversYear(y))!;
    workdaysBetween(cal, `${lastCovered}-12-20`, `${lastCovered + 1}-01-20`);
    expect(onMissingYear.mock.calls).toEqual([[lastCovered + 1]]);
  });
});

describe('holiday overrides (config/holidays-override.json, table item CALENDAR#override)', () => {
  // Fictional dates, for the rule only: the real 2027 notice is transcribed by the operator.
  const y2027: CalendarOverrideYearInput = {
    year: 2027,
    source: '测试用：国务院办公厅关于2027年部分节假日安排的通知（虚构）',
    holidays: [
      { name: '元旦', from: '2027-01-01', to: '2027-01-03' },
      { name: '春节', from: '2027-02-05', to: '2027-02-11' },
    ],
    workdays: [{ name: '春节调休上班', date: '2027-02-14' }],
  };
  const overrides = (...years: CalendarOverrideYearInput[]) => CalendarOverrideFile.parse({ years }).years;

  it('the file shipped with the build is valid and is what the default calendar uses', () => {
    const raw = JSON.parse(readFileSync(new URL('../../config/holidays-override.json', import.meta.url), 'utf8'));
    expect(CalendarOverrideFile.parse(raw).years).toEqual(BUNDLED_OVERRIDES);
  });

  it('an override wins over the package on the dates it names; other dates of the year stay the package’s', () => {
    const cal = chineseWorkdayCalendar(
      () => {},
      overrides({
        year: 2023,
        source: '测试用更正',
        holidays: [{ name: '测试停工', from: '2023-10-09', to: '2023-10-09' }],
        workdays: [{ name: '测试补班', date: '2023-10-14' }],
      }),
    );
    // The package says Mon 2023-10-09 is a workday and Sat 2023-10-14 is not.
    expect(chineseWorkdayCalendar().isWorkday('2023-10-09')).toBe(true);
    expect(chineseWorkdayCalendar().isWorkday('2023-10-14')).toBe(false);
    expect(cal.isWorkday('2023-10-09')).toBe(false);
    expect(cal.isWorkday('2023-10-14')).toBe(true);
    // Not named by the override: the package's 调休 Saturday and holiday stand.
    expect(cal.isWorkday('2023-10-07')).toBe(true);
    expect(cal.isWorkday('2023-10-02')).toBe(false);
  });

  it('a year the package lacks: the entry makes it covered, its dates decide, the rest is Monday–Friday', () => {
    const onMissingYear = vi.fn();
    const cal = chineseWorkdayCalendar(onMissingYear, overrides(y2027));
    expect(cal.coversYear(2027)).toBe(true);
    expect(cal.isWorkday('2027-01-01')).toBe(false); // Fri, 元旦
    expect(cal.isWorkday('2027-01-04')).toBe(true); // Mon
    expect(cal.isWorkday('2027-02-08')).toBe(false); // Mon in 春节
    expect(cal.isWorkday('2027-02-14')).toBe(true); // Sun, 调休上班
    expect(cal.isWorkday('2027-02-13')).toBe(false); // an ordinary Saturday
    expect(nextWorkday(cal, '2027-02-05')).toBe('2027-02-12');
    expect(onMissingYear).not.toHaveBeenCalled();
    // 2028 has no entry: still the fallback, still reported.
    cal.isWorkday('2028-01-03');
    expect(onMissingYear).toHaveBeenCalledWith(2028);
  });

  it('layers: a later layer (the table item) wins over an earlier one (the file) on the dates it names', () => {
    const file = chineseWorkdayCalendar(() => {}, overrides(y2027));
    const table = withOverrides(
      file,
      overrides({ year: 2027, source: '更正', holidays: [], workdays: [{ name: '更正：补班', date: '2027-02-13' }] }),
    );
    expect(table.isWorkday('2027-02-13')).toBe(true);
    expect(table.isWorkday('2027-02-08')).toBe(false); // from the file
    expect(table.isWorkday('2027-02-15')).toBe(true); // Mon, Monday–Friday
  });

  it.each([
    [{ ...y2027, workdays: [{ name: '补班', date: '2027-02-15' }] }, /weekday/],
    [{ ...y2027, workdays: [{ name: '补班', date: '2027-02-06' }] }, /inside a holiday range/],
    [{ ...y2027, holidays: [{ name: '元旦', from: '2026-12-31', to: '2027-01-01' }] }, /not within 2027/],
    [{ ...y2027, holidays: [{ name: '元旦', from: '2027-01-03', to: '2027-01-01' }] }, /before from/],
    [{ ...y2027, holidays: [{ name: '元旦', from: '2027-02-30', to: '2027-03-01' }] }, /date/i],
    [{ ...y2027, source: '' }, /source|too small|>=1/i],
  ])('refuses an entry that cannot be right (%#)', (entry, message) => {
    expect(() => overrides(entry)).toThrow(message);
  });

  it('refuses the same year twice in one file', () => {
    expect(() => overrides(y2027, y2027)).toThrow(/appears twice/);
  });
});
