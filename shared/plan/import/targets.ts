import type { Target } from '../schema.js';
import { MEASURE_PATTERN, round, toWanYuan } from './measures.js';
import { CHINESE_NUMERAL_CHARS, parseNumber } from './numerals.js';
import { MASK, clauses, sentences, type Span } from './sentences.js';

/** A numeric target found in an item's text: a draft KPI. */
export interface FoundTarget {
  /** The words as printed, with the comparison words around the number (`达到200个以上`, `力争全省前3`). */
  printed: string;
  name: string;
  unit: string;
  target: Target;
  /** A place in a ranking (前3名): lower is better. */
  rank: boolean;
  /** 每个县市区…8所: the quota per county; `target` is the quota times the number of counties. */
  perCounty?: { perOrgTarget: number; counties: number };
  /** 力争: missing it is a warning, not a failure. */
  stretch: boolean;
  /** 第三个…落地: one more than there is; the city's own figure starts at zero. */
  relative: boolean;
  /** 全覆盖 with no number of its own: read as 100 %. */
  coverage: boolean;
  /** The sentence the target comes from. */
  source: string;
  start: number;
  end: number;
}

/** A number the importer saw and did not turn into a target (沿大运河5市): the reviewer decides. */
export interface LeftOverNumber {
  printed: string;
  context: string;
}

const NUM = `(\\d+(?:\\.\\d+)?|[${CHINESE_NUMERAL_CHARS}]+)`;
// 不少于 and 不低于 mean at least: 少于/低于 count as at most only without the 不.
const AT_MOST_BEFORE = /(不超过|不高于|不多于|控制在|(?<!不)低于|(?<!不)少于|降至|降低到|降到)\s*$/;
const AT_MOST_AFTER = /^\s*(以内|以下)/;
const AT_LEAST_AFTER = /^\s*(及以上|以上)/;
const REACH_VERB =
  /(达到|达|突破|超过|不少于|不低于|不超过|不高于|控制在|保持在|保持|稳定在|提高到|提升到|增长到|增加到|增至|提高至|提升至|至少)\s*$/;
const LEADING_ADVERBS = /^(?:力争|争取|确保|努力|年内|全年)+/;
const PER_COUNTY = /(每个县(?:（市、区）|\(市、区\)|市区|区)|各县(?:（市、区）|\(市、区\)|市区)(?:均|各|分别))/;
const NOUN_END = /(、|，|,|的|建立|建成|实现|达到|开展|形成|纳入|$)/;

/** A Chinese numeral must carry a digit: 千家万户 and 百姓 are words, not numbers. */
function usableNumber(text: string): number | undefined {
  if (/^[十百千]+$/.test(text)) return undefined;
  return parseNumber(text);
}

function trimName(text: string): string {
  return text
    .replace(LEADING_ADVERBS, '')
    .replace(/^[，,、\s]+|[，,、\s]+$/g, '')
    .trim();
}

interface Match {
  kind: 'rank' | 'relative' | 'range' | 'percent' | 'money' | 'count';
  start: number;
  end: number;
  value: number;
  max?: number;
  unit: string;
}

interface Pass {
  kind: Match['kind'] | 'ignore';
  pattern: RegExp;
  read: (m: RegExpExecArray) => Omit<Match, 'kind' | 'start' | 'end'> | undefined;
}

const PASSES: Pass[] = [
  // 前3名 / 全省前3 / 第1名: a rank (lower is better). Without 名 the number must end the phrase: 前3天 is not a rank.
  {
    kind: 'rank',
    pattern: new RegExp(`(?:前|第)\\s*${NUM}\\s*(?:名|位)`, 'g'),
    read: (m) => ({ value: usableNumber(m[1]!) ?? NaN, unit: '名' }),
  },
  {
    kind: 'rank',
    pattern: new RegExp(`前\\s*${NUM}(?![\\d\\p{Script=Han}])`, 'gu'),
    read: (m) => ({ value: usableNumber(m[1]!) ?? NaN, unit: '名' }),
  },
  // 第三个兑奖点在我市落地: one more (the first two are elsewhere).
  { kind: 'relative', pattern: new RegExp(`第\\s*${NUM}\\s*(个|家|座|处|所)`, 'g'), read: (m) => ({ value: 1, unit: m[2]! }) },
  // Ordinals and editions are names, not targets: 第十三届, 第16届, 26届省运会, 第一方阵, 二级裁判员.
  { kind: 'ignore', pattern: new RegExp(`第\\s*${NUM}|${NUM}\\s*(?:届|级)`, 'g'), read: () => ({ value: 0, unit: '' }) },
  // 1-2个, 2至3所
  {
    kind: 'range',
    pattern: new RegExp(`${NUM}\\s*[-~至到—–]\\s*${NUM}\\s*(${MEASURE_PATTERN})`, 'g'),
    read: (m) => {
      const min = usableNumber(m[1]!);
      const max = usableNumber(m[2]!);
      return min === undefined || max === undefined || min > max ? undefined : { value: min, max, unit: m[3]! };
    },
  },
  {
    kind: 'percent',
    pattern: new RegExp(`${NUM}\\s*%|百分之${NUM}`, 'g'),
    read: (m) => ({ value: usableNumber(m[1] ?? m[2]!) ?? NaN, unit: '%' }),
  },
  {
    kind: 'money',
    pattern: new RegExp(`${NUM}\\s*(亿|万)?元`, 'g'),
    read: (m) => {
      const value = usableNumber(m[1]!);
      return value === undefined ? undefined : toWanYuan(value, (m[2] ?? '') as '亿' | '万' | '');
    },
  },
  {
    kind: 'count',
    pattern: new RegExp(`${NUM}\\s*(${MEASURE_PATTERN})`, 'g'),
    read: (m) => ({ value: usableNumber(m[1]!) ?? NaN, unit: m[2]! }),
  },
];

/**
 * Where the full sentence holding `at` starts: after the last 。！？. 力争 governs a whole sentence,
 * including the targets it lists after semicolons (力争年内再有1-2个…；2-3个…；50个…).
 */
function fullSentenceStart(working: string, at: number): number {
  for (let i = at - 1; i >= 0; i--) if (/[。！!？?]/.test(working[i]!)) return i + 1;
  return 0;
}

/**
 * 力争 makes a stretch target when it is the nearest commitment word before the number in its full
 * sentence: in 力争…10.5亿元；争取第二个… the second target has its own 争取 and is an ordinary one.
 */
function isStretch(working: string, at: number): boolean {
  const before = working.slice(fullSentenceStart(working, at), at);
  const words = [...before.matchAll(/力争|争取|确保/g)];
  return words.at(-1)?.[0] === '力争';
}

function clauseOf(all: Span[], at: number): Span | undefined {
  return all.find((c) => at >= c.start && at < c.end);
}

/**
 * The numeric targets of one item. `working` is the item text with quotes, dates and years masked (see
 * `workingText` and `findDates`); `countyCount` is the number of counties a per-county quota multiplies by.
 */
export function findTargets(text: string, working: string, countyCount: number): { targets: FoundTarget[]; leftOver: LeftOverNumber[] } {
  const taken: boolean[] = new Array<boolean>(working.length).fill(false);
  const targets: FoundTarget[] = [];
  const sentenceSpans = sentences(text, working);
  const clauseSpans = sentenceSpans.flatMap((s) => clauses(text, s, working));

  for (const pass of PASSES) {
    for (const m of working.matchAll(pass.pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.slice(start, end).some(Boolean)) continue;
      // A number glued to a digit or a Latin letter is part of a code (G20, 8421), not a quantity.
      if (/[0-9A-Za-z.]/.test(working[start - 1] ?? '')) continue;
      const read = pass.read(m);
      if (read === undefined || Number.isNaN(read.value)) continue;
      for (let i = start; i < end; i++) taken[i] = true;
      if (pass.kind === 'ignore') continue;
      const sentence = sentenceSpans.find((s) => start >= s.start && start < s.end);
      const clause = clauseOf(clauseSpans, start);
      if (!sentence || !clause) continue;
      targets.push(build({ kind: pass.kind, start, end, ...read }, text, working, sentence, clause, clauseSpans, countyCount, taken));
    }
  }

  // 全覆盖 with no number in its clause: 100 %. (2-3个县市区实现…全覆盖 already has its number.)
  for (const clause of clauseSpans) {
    const at = working.slice(clause.start, clause.end).indexOf('全覆盖');
    if (at < 0) continue;
    if (targets.some((t) => t.start >= clause.start && t.start < clause.end)) continue;
    const sentence = sentenceSpans.find((s) => clause.start >= s.start && clause.start < s.end)!;
    const subject = trimName(
      clause.text
        .replace('全覆盖', '')
        .replace(/(实现|达到|做到|基本)+\s*$/, '')
        .replace(/^(实现|推进|推动)/, ''),
    );
    targets.push({
      printed: clause.text.trim(),
      name: `${subject || clause.text.trim()}覆盖率`,
      unit: '%',
      target: { op: '>=', value: 100 },
      rank: false,
      stretch: isStretch(working, clause.start + at),
      relative: false,
      coverage: true,
      source: sentence.text.trim(),
      start: clause.start + at,
      end: clause.start + at + 3,
    });
  }
  targets.sort((a, b) => a.start - b.start);

  const leftOver: LeftOverNumber[] = [];
  for (const m of working.matchAll(/\d+(?:\.\d+)?/g)) {
    if (taken.slice(m.index, m.index + m[0].length).some(Boolean)) continue;
    const clause = clauseOf(clauseSpans, m.index);
    leftOver.push({ printed: text.slice(m.index, m.index + m[0].length + 1), context: (clause?.text ?? '').trim() });
  }
  return { targets, leftOver };
}

function build(
  match: Match,
  text: string,
  working: string,
  sentence: Span,
  clause: Span,
  clauseSpans: Span[],
  countyCount: number,
  taken: boolean[],
): FoundTarget {
  const before = working.slice(clause.start, match.start);
  let end = match.end;
  let op: '>=' | '<=' = '>=';
  const rest = working.slice(end, clause.end);
  const most = AT_MOST_AFTER.exec(rest);
  const least = AT_LEAST_AFTER.exec(rest);
  if (most) {
    op = '<=';
    end += most[0].length;
  } else if (least) {
    end += least[0].length;
  }
  if (AT_MOST_BEFORE.test(before)) op = '<=';
  for (let i = match.end; i < end; i++) taken[i] = true;

  const verb = REACH_VERB.exec(before);
  // The printed words: with the verb before the number (达到200个以上), the whole clause for a rank (力争全省前3).
  const printedStart = match.kind === 'rank' ? clause.start : verb ? match.start - verb[0].length : match.start;
  const beforeText = text.slice(clause.start, match.start);
  const afterText = text.slice(end, clause.end);
  const sentenceBefore = working.slice(sentence.start, match.start);
  const perCounty = match.kind === 'count' && PER_COUNTY.test(sentenceBefore);

  let name: string;
  if (perCounty) {
    // ''.split(NOUN_END) is [] (the pattern matches the empty string): a quota may end its item.
    const noun = (afterText.split(NOUN_END)[0] ?? '').trim();
    name = `${noun || trimName(beforeText + afterText)}（每个县（市、区）${match.value}${match.unit}）`;
  } else if (verb) {
    name = trimName(beforeText.slice(0, beforeText.length - verb[0].length)) || trimName(afterText);
  } else {
    name = trimName(beforeText.replace(/前\s*$/, '') + afterText);
  }
  if (match.kind === 'rank') {
    // 力争全省前3: the subject of the ranking is in the clause before (争取…补助资金).
    if (name.length < 5) {
      const previous = clauseSpans.filter((c) => c.end <= clause.start && c.start >= sentence.start).at(-1);
      name = `${previous ? trimName(previous.text) : ''}${name}`;
    }
    name = `${name}排名`;
  }
  if (!name) name = clause.text.trim();

  const target: Target =
    match.kind === 'range'
      ? { op: 'between', min: match.value, max: match.max! }
      : match.kind === 'rank'
        ? { op: '<=', value: match.value }
        : { op, value: perCounty ? round(match.value * countyCount) : match.value };

  return {
    printed: text.slice(Math.max(clause.start, printedStart), end).trim(),
    name,
    unit: match.unit,
    target,
    rank: match.kind === 'rank',
    ...(perCounty ? { perCounty: { perOrgTarget: match.value, counties: countyCount } } : {}),
    stretch: isStretch(working, match.start),
    relative: match.kind === 'relative',
    coverage: false,
    source: sentence.text.trim(),
    start: match.start,
    end,
  };
}

/** Masks the given spans (dates, years) so that their digits are not read as targets. */
export function maskSpans(working: string, spans: Array<{ start: number; end: number }>): string {
  const chars = working.split('');
  for (const { start, end } of spans) for (let i = start; i < end; i++) chars[i] = MASK;
  return chars.join('');
}

/** Years and year ranges (2023年, 2021—2025年, 2023年度) are never targets. */
export function yearSpans(working: string): Array<{ start: number; end: number }> {
  return [...working.matchAll(/\d{4}(?:\s*[—–\-~至]\s*\d{4})?年度?/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
}
