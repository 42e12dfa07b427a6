/**
 * Measure words (量词) that make a printed number a countable target, and how amounts of money are
 * normalised. The KPI's unit is the measure word as printed (`850家` → 家, `11个项目` → 个): the importer
 * does not re-classify nouns, the reviewer may.
 */

/** Longest first, so that 人次 wins over 人 and 平方米 over 米. 届, 级, 批 are left out on purpose: 第16届, 二级裁判员, 一批 are not targets. */
export const MEASURE_WORDS = [
  '平方米',
  '万人次',
  '人次',
  '场次',
  '万人',
  '公里',
  '千米',
  '个',
  '所',
  '家',
  '项',
  '场',
  '次',
  '名',
  '人',
  '处',
  '座',
  '条',
  '支',
  '块',
  '片',
  '部',
  '篇',
  '期',
  '套',
  '台',
  '件',
  '类',
  '张',
  '亩',
  '起',
  '米',
] as const;

export const MEASURE_PATTERN = MEASURE_WORDS.join('|');

/** Money is kept in 万元, the unit the bureau's statistics use: 9亿元 → 90000 万元. */
export const MONEY_UNIT = '万元';

export function toWanYuan(value: number, magnitude: '亿' | '万' | ''): { value: number; unit: string } {
  // Plain 元 stays 元: amounts per person or per item (补助500元) would read badly as 0.05 万元.
  if (magnitude === '') return { value, unit: '元' };
  return { value: round(value * (magnitude === '亿' ? 10_000 : 1)), unit: MONEY_UNIT };
}

/** Rounds away binary noise (2.3 × 10000 = 22999.999…). */
export function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
