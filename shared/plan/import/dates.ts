import { MEASURE_PATTERN } from './measures.js';
import { parseNumber } from './numerals.js';
import { clauses, sentences, type Span } from './sentences.js';

/** A date the notice gives for a step of an item: a draft milestone. */
export interface FoundDate {
  /** The words as printed (`5.19`, `6月底前`, `三季度`). */
  printed: string;
  dueDate: string;
  /** True for a vague period (上半年, 三季度, 年底前, 9月): the milestone takes its last day. */
  assumption: boolean;
  /** What the step is: the clause that carries the date. */
  title: string;
  /** Where the words stand in the item text. */
  start: number;
  end: number;
  /** Why a reviewer should look at it, beyond `assumption` (a date outside the plan year). */
  note?: string;
}

/** A printed date the importer recognised but could not use (a past year, 2月30日). */
export interface RejectedDate {
  printed: string;
  reason: string;
}

const NUMC = '(\\d{1,2}|[一二三四五六七八九十]{1,3})';

/**
 * Fixed national days a notice names without printing their date. 全民健身日 is 8 August by the State
 * Council's 全民健身条例, so its date is certain; 全民健身月 is August, so its last day is an assumption.
 */
const NAMED_DAYS: Array<{ name: string; month: number; day?: number }> = [
  { name: '全民健身日', month: 8, day: 8 },
  { name: '全民健身月', month: 8 },
];

const QUARTER: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

interface Rule {
  pattern: RegExp;
  resolve: (
    m: RegExpExecArray,
    year: number,
  ) => { year: number; month: number; day: number; assumption: boolean } | { reject: string } | undefined;
}

function lastDay(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function valid(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= lastDay(year, month);
}

function exact(year: number, month: number | undefined, day: number | undefined) {
  if (month === undefined || day === undefined || !valid(year, month, day)) return { reject: '不是有效的日期' };
  return { year, month, day, assumption: false };
}

// Order matters: a full date before a month-and-day, a month-and-day before a bare month.
const RULES: Rule[] = [
  {
    // 2023年5月19日 (and a range's end: 5月19日至21日 → the 21st)
    pattern: new RegExp(`(\\d{4})年${NUMC}月${NUMC}日(?:\\s*(?:至|到|—|-|~)\\s*(?:${NUMC}月)?${NUMC}日)?`, 'g'),
    resolve: (m) => exact(Number(m[1]), parseNumber(m[4] ?? m[2]!), parseNumber(m[5] ?? m[3]!)),
  },
  {
    // 5月19日, 8月8日, 八月八日
    pattern: new RegExp(`(?<![\\d年])${NUMC}月${NUMC}日(?:\\s*(?:至|到|—|-|~)\\s*(?:${NUMC}月)?${NUMC}日)?`, 'g'),
    resolve: (m, year) => exact(year, parseNumber(m[3] ?? m[1]!), parseNumber(m[4] ?? m[2]!)),
  },
  {
    // 5.19 — a month and day, not a decimal (3.1平方米, 2.5%, 10.5亿元)
    pattern: new RegExp(`(?<![\\d.])(\\d{1,2})\\.(\\d{1,2})(?![\\d.%])(?!\\s*(?:${MEASURE_PATTERN}|元|亿|万|倍))`, 'g'),
    resolve: (m, year) => {
      const month = Number(m[1]);
      const day = Number(m[2]);
      return valid(year, month, day) ? { year, month, day, assumption: false } : undefined;
    },
  },
  {
    // 2023年底, 年底前, 年末
    pattern: /(?:(\d{4})年(?:底|末)|(?<!\d)年(?:底|末))前?/g,
    resolve: (m, year) => ({ year: m[1] ? Number(m[1]) : year, month: 12, day: 31, assumption: true }),
  },
  {
    // 2023年6月底, 6月底前 (a certain date: the month's last day), 9月, 9月份, 3月上旬 (assumed)
    pattern: new RegExp(`(?:(\\d{4})年|(?<![\\d年]))${NUMC}月(份)?(底|末|上旬|中旬|下旬|初|中)?前?(?!${NUMC}日|\\d)`, 'g'),
    resolve: (m, year) => {
      const y = m[1] ? Number(m[1]) : year;
      const month = parseNumber(m[2]!);
      if (month === undefined || month < 1 || month > 12) return undefined;
      const qualifier = m[4];
      const day = qualifier === '上旬' || qualifier === '初' ? 10 : qualifier === '中旬' || qualifier === '中' ? 20 : lastDay(y, month);
      return { year: y, month, day, assumption: qualifier !== '底' && qualifier !== '末' };
    },
  },
  {
    // 一季度, 第三季度, 3季度, 三季度末
    pattern: /第?([一二三四1-4])季度末?/g,
    resolve: (m, year) => {
      const q = QUARTER[m[1]!]!;
      return { year, month: q * 3, day: lastDay(year, q * 3), assumption: true };
    },
  },
  {
    pattern: /(上半年|下半年)/g,
    resolve: (m, year) =>
      m[1] === '下半年' ? { year, month: 12, day: 31, assumption: true } : { year, month: 6, day: 30, assumption: true },
  },
];

function iso(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function clauseAt(text: string, working: string, at: number): Span {
  for (const sentence of sentences(text, working)) {
    if (at < sentence.start || at >= sentence.end) continue;
    for (const clause of clauses(text, sentence, working)) if (at >= clause.start && at < clause.end) return clause;
    return sentence;
  }
  return { start: at, end: at, text: '' };
}

/**
 * The dates in an item's text, read from `working` (quotes masked: a date inside a document's title is
 * not a step of the item). `year` is the plan's year, given to dates printed without one.
 */
export function findDates(
  text: string,
  working: string,
  year: number,
): { dates: FoundDate[]; rejected: RejectedDate[]; consumed: Array<{ start: number; end: number }> } {
  const taken: boolean[] = new Array<boolean>(working.length).fill(false);
  const dates: FoundDate[] = [];
  const rejected: RejectedDate[] = [];
  const consumed: Array<{ start: number; end: number }> = [];
  for (const rule of RULES) {
    for (const m of working.matchAll(rule.pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.slice(start, end).some(Boolean)) continue;
      const resolved = rule.resolve(m, year);
      if (resolved === undefined) continue;
      for (let i = start; i < end; i++) taken[i] = true;
      consumed.push({ start, end });
      const printed = text.slice(start, end);
      if ('reject' in resolved) {
        rejected.push({ printed, reason: resolved.reject });
        continue;
      }
      if (resolved.year < year) {
        // 总结2022年…: a past date is history, not a step of this year's plan.
        rejected.push({ printed, reason: `早于${year}年，视为回顾，不作节点` });
        continue;
      }
      const clause = clauseAt(text, working, start);
      dates.push({
        printed,
        dueDate: iso(resolved.year, resolved.month, resolved.day),
        assumption: resolved.assumption,
        title: clause.text.trim(),
        start,
        end,
        ...(resolved.year > year ? { note: `日期在${year}年之后` } : {}),
      });
    }
  }
  for (const named of NAMED_DAYS) {
    for (const m of working.matchAll(new RegExp(named.name, 'g'))) {
      const month = named.month;
      const day = named.day ?? lastDay(year, month);
      const dueDate = iso(year, month, day);
      const clause = clauseAt(text, working, m.index);
      // 8月8日全民健身日: the printed date already made this milestone.
      if (dates.some((d) => d.dueDate === dueDate && d.start >= clause.start && d.end <= clause.end)) continue;
      dates.push({
        printed: named.name,
        dueDate,
        assumption: named.day === undefined,
        title: named.day === undefined ? `${named.name}（${month}月）` : `${named.name}（${month}月${day}日）`,
        start: m.index,
        end: m.index + named.name.length,
      });
    }
  }
  dates.sort((a, b) => (a.dueDate === b.dueDate ? a.start - b.start : a.dueDate < b.dueDate ? -1 : 1));
  return { dates, rejected, consumed };
}
