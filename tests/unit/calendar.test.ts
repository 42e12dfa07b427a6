import { describe, expect, it, vi } from 'vitest';
import { chineseWorkdayCalendar, nextWorkday, workdaysBetween } from '../../shared/calendar/workdays.js';

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
