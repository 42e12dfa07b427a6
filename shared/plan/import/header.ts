import { parseNumber } from './numerals.js';

/** What the notice says about itself (the 红头 and the plan's own title). */
export interface NoticeHeader {
  /** The issuing body, from the signature above the date (or the title's prefix). */
  issuer: string | undefined;
  /** 济体字〔2023〕1号, as printed. */
  documentNumber: string | undefined;
  /** The year in the document number. */
  documentYear: number | undefined;
  title: string | undefined;
  /** The plan's year, from its title (or else the document number). */
  year: number | undefined;
  /** The issue date exactly as printed. */
  issueDatePrinted: string | undefined;
  issueDate: { year: number; month: number; day: number } | undefined;
  /** The addressee line (主送), without its colon. */
  addresseeLine: string | undefined;
  /** Data-quality flags for the plan's `flags` (a printed date that contradicts the year). */
  flags: Array<{ field: string; message: string }>;
  /** What a reviewer should check in the header (two titles that disagree, a missing number). */
  notes: string[];
}

const DOC_NUMBER = /^(\S{0,24}?[〔[［(（]\s*(\d{4})\s*[〕\]］)）]\s*\d+\s*号)$/;
const DATE_LINE = /^(\d{4}|[〇○零一二三四五六七八九]{4})年(\d{1,2}|[一二三四五六七八九十]{1,3})月(\d{1,2}|[一二三四五六七八九十]{1,3})日$/;
const YEAR_IN_TITLE = /(\d{4})年/;

function yearDigits(text: string): number | undefined {
  return /^\d{4}$/.test(text) ? Number(text) : parseNumber(text);
}

/**
 * Reads the header from the lines before the plan's first section: the document number, the
 * 《title》 of 关于印发《…》的通知 (or the plan's own title line), the addressees, the signature and the
 * printed date. Nothing here is guessed: a field the notice does not print stays undefined and the
 * caller puts it on the review list.
 */
export function parseHeader(lines: string[]): NoticeHeader {
  const trimmed = lines.map((l) => l.trim());
  const notes: string[] = [];

  const numberLine = trimmed.find((l) => DOC_NUMBER.test(l));
  const numberMatch = numberLine ? DOC_NUMBER.exec(numberLine) : null;
  const documentNumber = numberMatch?.[1]?.replace(/\s+/g, '');
  const documentYear = numberMatch ? Number(numberMatch[2]) : undefined;

  // 关于印发《济宁市体育局2023年工作要点》的 / 通  知 — the title may break across lines.
  const joined = trimmed.join('');
  const quoted = /关于印发《([^》]+)》/.exec(joined)?.[1]?.trim();
  const dateIndex = trimmed.findIndex((l) => DATE_LINE.test(l.replace(/\s+/g, '')));
  // The plan's own title line: the last short line without a full stop before the first section.
  const ownTitle = [...trimmed]
    .reverse()
    .find(
      (l) =>
        l.length <= 40 &&
        YEAR_IN_TITLE.test(l) &&
        !/[。《]|关于印发/.test(l) &&
        !/[：:]$/.test(l) &&
        !DATE_LINE.test(l.replace(/\s+/g, '')) &&
        !DOC_NUMBER.test(l),
    );
  const title = quoted ?? ownTitle;
  if (quoted && ownTitle && quoted !== ownTitle && YEAR_IN_TITLE.test(ownTitle)) {
    notes.push(`通知标题中的《${quoted}》与正文标题“${ownTitle}”不一致，草稿采用前者`);
  }

  const year = title && YEAR_IN_TITLE.test(title) ? Number(YEAR_IN_TITLE.exec(title)![1]) : documentYear;

  let issueDatePrinted: string | undefined;
  let issueDate: NoticeHeader['issueDate'];
  let issuer: string | undefined;
  if (dateIndex >= 0) {
    issueDatePrinted = trimmed[dateIndex]!.replace(/\s+/g, '');
    const m = DATE_LINE.exec(issueDatePrinted)!;
    const y = yearDigits(m[1]!);
    const mo = parseNumber(m[2]!);
    const d = parseNumber(m[3]!);
    if (y !== undefined && mo !== undefined && d !== undefined) issueDate = { year: y, month: mo, day: d };
    // The signature is the line above the date (right-aligned in the printed notice).
    const above = trimmed
      .slice(0, dateIndex)
      .filter((l) => l.length > 0)
      .at(-1);
    if (above && above.length <= 30 && !/[。，：:]/.test(above)) issuer = above;
  }
  const titlePrefix = title ? /^(.+?)(?:\d{4}|[〇○零一二三四五六七八九]{4})年/.exec(title)?.[1] : undefined;
  if (!issuer && titlePrefix) issuer = titlePrefix;
  else if (issuer && titlePrefix && issuer !== titlePrefix)
    notes.push(`落款“${issuer}”与标题中的单位“${titlePrefix}”不一致，请核对发文单位`);

  // 主送: the first line after the number or title that ends with a colon (各县（市、区）…：).
  const addresseeLine = trimmed.find((l) => /[：:]$/.test(l) && !/^(现将|附件|抄送)/.test(l))?.replace(/[：:]$/, '');

  const flags: NoticeHeader['flags'] = [];
  if (issueDatePrinted && issueDate && year !== undefined) {
    const againstNumber = documentYear !== undefined && issueDate.year !== documentYear;
    const againstYear = issueDate.year !== year;
    // A plan may be issued late in the year before it (2023年12月 for 2024): that alone is no contradiction.
    // A date before its own document number's year is one, and so is a date far from the plan year.
    if (againstNumber || (documentYear === undefined && againstYear && issueDate.year !== year - 1)) {
      const contradicted = [againstNumber ? `文号〔${documentYear}〕` : undefined, againstYear ? `${year}年度` : undefined]
        .filter(Boolean)
        .join('及');
      const likely = documentYear ?? year;
      flags.push({
        field: 'issueDatePrinted',
        message: `印发日期印为“${issueDatePrinted}”，与${contradicted}不符，疑为${likely}年${issueDate.month}月${issueDate.day}日之误；按原文保留。`,
      });
    }
  }
  if (!documentNumber) notes.push('未找到文号（如“济体字〔2023〕1号”）');
  if (!issueDatePrinted) notes.push('未找到印发日期');
  if (!issuer) notes.push('未找到发文单位');
  if (!addresseeLine) notes.push('未找到主送单位');

  return { issuer, documentNumber, documentYear, title, year, issueDatePrinted, issueDate, addresseeLine, flags, notes };
}
