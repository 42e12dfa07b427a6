import { foldWidth } from './numerals.js';

/** A stretch of an item's text: `start`/`end` index the original text, `text` is the original slice. */
export interface Span {
  start: number;
  end: number;
  text: string;
}

/** Stands in for a masked character: never a digit, a delimiter or a measure word. */
export const MASK = '□';

const PAIRS: Array<[string, string]> = [
  ['“', '”'],
  ['‘', '’'],
  ['《', '》'],
  ['"', '"'],
];

/**
 * The item text as the extractors read it: full-width digits folded, and everything inside quotes and
 * book-title marks masked. Quoted words are names and slogans (“三争”, “8421工程”, 《全民健身实施计划
 * （2021—2025年）》): their numbers are not targets and their commas do not end a clause. One character
 * stands for one, so positions carry over to the original.
 */
export function workingText(text: string): string {
  // UTF-16 units, as String indices count: the quote marks are all in the BMP.
  const chars = foldWidth(text).split('');
  let open: string | undefined;
  let openedAt = -1;
  let depth = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (open === undefined) {
      const pair = PAIRS.find(([o]) => o === c);
      if (pair) {
        open = pair[1];
        openedAt = i;
        depth = 1;
      }
      continue;
    }
    if (c === open) {
      depth -= 1;
      if (depth === 0) {
        open = undefined;
        continue;
      }
    } else if (PAIRS.some(([o, cl]) => o === c && cl === open && o !== cl)) {
      depth += 1;
    }
    chars[i] = MASK;
  }
  // An unclosed quote (a typo in the notice) must not hide the rest of the item: unmask it.
  if (open !== undefined) {
    const original = foldWidth(text);
    for (let i = openedAt + 1; i < chars.length; i++) chars[i] = original[i]!;
  }
  return chars.join('');
}

function split(text: string, working: string, from: number, to: number, delimiters: RegExp): Span[] {
  const spans: Span[] = [];
  let start = from;
  for (let i = from; i < to; i++) {
    if (delimiters.test(working[i]!)) {
      if (i > start) spans.push({ start, end: i, text: text.slice(start, i) });
      start = i + 1;
    }
  }
  if (to > start) spans.push({ start, end: to, text: text.slice(start, to) });
  return spans.filter((s) => s.text.trim().length > 0);
}

/** Sentences: up to 。；！？ (a semicolon ends a sentence in the notice's lists of targets). */
export function sentences(text: string, working = workingText(text)): Span[] {
  return split(text, working, 0, text.length, /[。；;！!？?]/);
}

/** Clauses of a sentence: up to ，, or ：. */
export function clauses(text: string, sentence: Span, working = workingText(text)): Span[] {
  return split(text, working, sentence.start, sentence.end, /[，,：:]/);
}
