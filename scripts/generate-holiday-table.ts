/**
 * Writes the PRC holiday table, shared/calendar/prc-holidays.json, from the pinned `chinese-days`
 * package: for every year the package covers, the weekdays that are off (法定节假日) and the
 * Saturdays and Sundays that are worked (调休上班), as 'MM-DD'. The calendar (shared/calendar/workdays.ts)
 * reads the table, so the functions bundle a few KiB of dates instead of the package with its lunar
 * calendar and solar terms. Run it after upgrading chinese-days:
 *
 *   npx tsx scripts/generate-holiday-table.ts        (part of `npm run generate`)
 *
 * tests/unit/calendar-table.test.ts compares `renderHolidayTable()` with the committed file and the
 * table's answer with the package's for every date of every covered year, so a stale or wrong table
 * fails the suite.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type chineseDaysModule from 'chinese-days';
import type { HolidayTable, HolidayTableYear } from '../shared/calendar/workdays.js';
import { addDays, dayOfWeek } from '../shared/time/local-date.js';
import { readCommandLine, runWhenInvoked } from './lib/cli.js';

export const HOLIDAY_TABLE_FILE = fileURLToPath(new URL('../shared/calendar/prc-holidays.json', import.meta.url));

/**
 * The years asked of the package: far wider than its data (2004–2026 in 1.5.7), so a release that
 * adds years at either end is picked up. A covered year on an edge stops the generator (widen these).
 */
export const SCANNED_YEARS = { from: 1900, to: 2199 } as const;

/** The zone the package is loaded and asked in. */
export const PACKAGE_TIME_ZONE = 'Asia/Shanghai';

type ChineseDays = typeof chineseDaysModule;

/**
 * The package, loaded under China's zone whatever the machine's: it reads 'YYYY-MM-DD' as UTC
 * midnight but takes the day back in the process's zone, both when asked and when it builds its
 * holiday map at import; west of UTC dates slip to the day before (2023 under America/New_York:
 * 93 of 365 answers differ). Node applies a change of `process.env.TZ` at once and the import comes
 * after it, so this works when nothing in the process imported the package before.
 */
export async function loadChineseDays(): Promise<ChineseDays> {
  process.env.TZ = PACKAGE_TIME_ZONE;
  return (await import('chinese-days')).default;
}

/** The installed package's version, named in the table so that an upgrade shows in its diff. */
export function chineseDaysVersion(): string {
  const file = createRequire(import.meta.url).resolve('chinese-days/package.json');
  const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  if (typeof version !== 'string') throw new Error(`no version in ${file}`);
  return version;
}

/**
 * The years the package covers: those it has statutory holidays for (any date of its holiday list,
 * weekend or not). The calendar used the same test while it asked the package directly.
 */
export function packageYears(chineseDays: ChineseDays): number[] {
  const years: number[] = [];
  for (let year = SCANNED_YEARS.from; year <= SCANNED_YEARS.to; year++) {
    if (chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0) years.push(year);
  }
  if (years.includes(SCANNED_YEARS.from) || years.includes(SCANNED_YEARS.to))
    throw new Error(`chinese-days covers ${SCANNED_YEARS.from} or ${SCANNED_YEARS.to}: widen SCANNED_YEARS`);
  return years;
}

/** One year's exceptions to Monday–Friday, by the package's isWorkday, in date order. */
export function yearExceptions(chineseDays: ChineseDays, year: number): HolidayTableYear {
  const off: string[] = [];
  const on: string[] = [];
  const first = `${year}-01-01`;
  for (let date = first; date < `${year + 1}-01-01`; date = addDays(date, 1)) {
    const dow = dayOfWeek(date);
    const weekend = dow === 0 || dow === 6;
    const workday = chineseDays.isWorkday(date);
    if (!weekend && !workday) off.push(date.slice(5));
    if (weekend && workday) on.push(date.slice(5));
  }
  return { off, on };
}

export function holidayTable(chineseDays: ChineseDays): HolidayTable {
  return { years: Object.fromEntries(packageYears(chineseDays).map((year) => [String(year), yearExceptions(chineseDays, year)])) };
}

const list = (dates: readonly string[]) => `[${dates.map((d) => JSON.stringify(d)).join(', ')}]`;

/**
 * The file's exact text: one year a block, each list on one line (a year's diff is its two lines).
 * Lines run past Prettier's width, so .prettierignore lists the file, as it does the other generated files.
 */
export function renderHolidayTable(table: HolidayTable, version: string): string {
  const comment =
    `Generated from chinese-days ${version} by scripts/generate-holiday-table.ts (npm run generate); do not edit. ` +
    'Per year the package covers, the dates (MM-DD) that break the Monday–Friday rule: off = weekdays off (法定节假日), ' +
    'on = Saturdays and Sundays worked (调休上班). Read by shared/calendar/workdays.ts; a correction or a missing year goes ' +
    'into config/holidays-override.json (docs/reminders.md).';
  const years = Object.entries(table.years).map(
    ([year, { off, on }]) => `    ${JSON.stringify(year)}: {\n      "off": ${list(off)},\n      "on": ${list(on)}\n    }`,
  );
  return `{\n  "$comment": ${JSON.stringify(comment)},\n  "years": {\n${years.join(',\n')}\n  }\n}\n`;
}

async function main(argv: string[]): Promise<number> {
  readCommandLine(
    {
      command: 'npx tsx scripts/generate-holiday-table.ts',
      summary:
        'Writes the PRC holiday table (shared/calendar/prc-holidays.json) from the installed chinese-days package. Part of `npm run generate`.',
      options: {},
      optionHelp: [],
    },
    argv,
  );
  const table = holidayTable(await loadChineseDays());
  writeFileSync(HOLIDAY_TABLE_FILE, renderHolidayTable(table, chineseDaysVersion()));
  const years = Object.keys(table.years);
  console.log(`wrote ${HOLIDAY_TABLE_FILE} (${years[0]}–${years.at(-1)}, ${years.length} years)`);
  return 0;
}

runWhenInvoked(import.meta.url, 'generate-holiday-table', main);
