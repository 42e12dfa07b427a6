import { parseChineseNumeral } from './numerals.js';

/** A numbered part of the notice (一、…) and its heading. */
export interface ParsedSection {
  number: number;
  title: string;
  /** The paragraph between the heading and the section's first item, if any (kept for the reviewer). */
  intro: string;
}

/** A numbered item (1. … or （一）…): the future task. */
export interface ParsedItem {
  /** The number as printed (per plan for 1. 2. …, per section for （一）). */
  number: number;
  sectionNumber: number;
  /** The item's first sentence, without its full stop. */
  title: string;
  /** The item's full text: its lines joined as one paragraph. */
  text: string;
}

export interface ParsedBody {
  /** The lines before the first section heading: the notice's header and the plan's preamble. */
  headerLines: string[];
  sections: ParsedSection[];
  items: ParsedItem[];
  /** Oddities a reviewer should see: a skipped section number, a section without items. */
  notes: string[];
}

const HEADING = /^([一二三四五六七八九十]{1,3})\s*[、.．]\s*(.+)$/;
const ARABIC_ITEM = /^(\d{1,2})\s*[.．、]\s*(?!\d)(.+)$/;
const CHINESE_ITEM = /^[（(]([一二三四五六七八九十]{1,3})[）)]\s*(.+)$/;
/** Where the plan ends: the copy-to and printed-by lines of a 红头文件. */
const TRAILER = /^(抄送|抄报|附件|主送)\s*[:：]|印发\s*$|^（此件/;

/** The item's first sentence: up to its first full stop (the notice prints the item's heading as its first sentence). */
export function itemTitle(text: string): string {
  const stop = text.indexOf('。');
  return (stop > 0 ? text.slice(0, stop) : text).trim();
}

/**
 * Splits the notice into header lines, sections and items. Lines inside an item are joined without a
 * separator: the breaks in a notice's text come from the page layout (the 2023 notice breaks 8421工程's
 * sentence across three lines), not from the author.
 */
export function parseBody(rawLines: string[]): ParsedBody {
  const lines = rawLines.map((l) => l.trim());
  const first = lines.findIndex((l) => HEADING.exec(l)?.[1] === '一');
  if (first < 0) return { headerLines: lines, sections: [], items: [], notes: [] };

  const sections: ParsedSection[] = [];
  const items: Array<{ number: number; sectionNumber: number; parts: string[] }> = [];
  const intros: string[][] = [];
  const notes: string[] = [];
  let style: 'arabic' | 'chinese' | undefined;
  let current: { number: number; sectionNumber: number; parts: string[] } | undefined;

  for (const line of lines.slice(first)) {
    if (line === '') continue;
    if (TRAILER.test(line)) break;
    const heading = HEADING.exec(line);
    const headingNumber = heading ? parseChineseNumeral(heading[1]!) : undefined;
    const lastSection = sections.at(-1)?.number ?? 0;
    if (heading && headingNumber !== undefined && headingNumber > lastSection) {
      if (headingNumber !== lastSection + 1)
        notes.push(`部分序号跳号：${lastSection === 0 ? '开头' : `第${lastSection}部分之后`}直接出现“${heading[1]}、”`);
      // A heading is one line; text after its full stop (rare) is the section's first paragraph.
      const stop = heading[2]!.indexOf('。');
      sections.push({ number: headingNumber, title: (stop > 0 ? heading[2]!.slice(0, stop) : heading[2]!).trim(), intro: '' });
      intros.push(stop > 0 ? [heading[2]!.slice(stop + 1)] : []);
      current = undefined;
      continue;
    }
    const section = sections.at(-1)!;
    const arabic = ARABIC_ITEM.exec(line);
    const chinese = CHINESE_ITEM.exec(line);
    const marker = style === 'chinese' ? chinese : style === 'arabic' ? arabic : (arabic ?? chinese);
    if (marker) {
      const lineStyle = marker === chinese ? 'chinese' : 'arabic';
      const n = lineStyle === 'chinese' ? parseChineseNumeral(marker[1]!)! : Number(marker[1]);
      const inSection = items.filter((i) => i.sectionNumber === section.number);
      const lastAny = items.at(-1)?.number ?? 0;
      const lastHere = inSection.at(-1)?.number ?? 0;
      // The next number, counted through the plan (1.…27.) or restarting in each section (（一）…).
      const next = n === lastAny + 1 || n === lastHere + 1 || (n === 1 && inSection.length === 0);
      if (next) {
        style = lineStyle;
        current = { number: n, sectionNumber: section.number, parts: [marker[2]!] };
        items.push(current);
        continue;
      }
    }
    if (current) current.parts.push(line);
    else intros.at(-1)!.push(line);
  }

  sections.forEach((s, i) => {
    s.intro = intros[i]!.join('').trim();
    if (!items.some((it) => it.sectionNumber === s.number)) notes.push(`第${s.number}部分“${s.title}”下没有编号事项`);
  });
  return {
    headerLines: lines.slice(0, first),
    sections,
    items: items.map((i) => {
      const text = i.parts.join('').trim();
      return { number: i.number, sectionNumber: i.sectionNumber, title: itemTitle(text), text };
    }),
    notes,
  };
}
