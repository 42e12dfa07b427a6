/**
 * Numbers as a notice prints them: Arabic (half- or full-width, with decimals) or Chinese (三项, 十三, 二〇二三).
 */

const DIGITS: Record<string, number> = { 零: 0, 〇: 0, '○': 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const POWERS: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** The characters of a Chinese numeral, for building patterns. */
export const CHINESE_NUMERAL_CHARS = '零〇○一二两三四五六七八九十百千';

/**
 * Folds full-width digits and signs to ASCII, one character for one, so that positions in the folded
 * text are positions in the original (the item text is kept exactly as printed).
 */
export function foldWidth(text: string): string {
  return text.replace(/[０-９％．－～]/g, (c) => {
    if (c === '％') return '%';
    if (c === '．') return '.';
    if (c === '－') return '-';
    if (c === '～') return '~';
    return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
  });
}

/** The value of a Chinese numeral below 10 000 (`三` 3, `十三` 13, `二十` 20, `一百零五` 105), or of a digit-by-digit year (`二〇二三` 2023). */
export function parseChineseNumeral(text: string): number | undefined {
  if (text.length === 0) return undefined;
  if ([...text].every((c) => c in DIGITS) && text.length > 1) {
    // 二〇二三: digit by digit, as years are printed.
    return Number([...text].map((c) => DIGITS[c]).join(''));
  }
  let total = 0;
  let current = 0;
  for (const c of text) {
    if (c in DIGITS) {
      current = DIGITS[c]!;
    } else if (c in POWERS) {
      total += (current === 0 ? 1 : current) * POWERS[c]!;
      current = 0;
    } else {
      return undefined;
    }
  }
  return total + current;
}

/** The value of an Arabic or Chinese number as printed, or undefined. */
export function parseNumber(text: string): number | undefined {
  const folded = foldWidth(text);
  if (/^\d+(?:\.\d+)?$/.test(folded)) return Number(folded);
  return parseChineseNumeral(text);
}
