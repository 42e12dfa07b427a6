import { NoticeDecodeError } from '../errors.js';

export type NoticeEncoding = 'utf-8' | 'gb18030';

export interface DecodedNotice {
  text: string;
  encoding: NoticeEncoding;
}

/**
 * Decodes a notice file. Chinese government files come as UTF-8 or as GB18030 (GBK's superset, the
 * encoding of files saved by older Windows editors and WPS). UTF-8 is tried first, strictly: GB18030
 * text is almost never valid UTF-8, whereas almost any byte string decodes as GB18030, so the order
 * matters. A GB18030 result must still look like Chinese text, so that a binary file (a .docx, a PDF)
 * is refused rather than turned into mojibake.
 */
export function decodeNotice(bytes: Uint8Array): DecodedNotice {
  const utf8 = tryDecode('utf-8', bytes);
  if (utf8 !== undefined && looksLikeText(utf8)) return { text: stripBom(utf8), encoding: 'utf-8' };
  const gb = tryDecode('gb18030', bytes);
  if (gb !== undefined && looksLikeText(gb) && hasChinese(gb)) return { text: gb, encoding: 'gb18030' };
  throw new NoticeDecodeError(
    '无法识别通知文件的编码：既不是 UTF-8，也不是 GB18030 文本（请另存为纯文本 .txt）。 / The notice is neither UTF-8 nor GB18030 text (save it as plain .txt).',
  );
}

function tryDecode(encoding: NoticeEncoding, bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

// Control characters other than tab, line feed, carriage return and form feed: a few in a long text are
// noise, many mean the bytes were not text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/g;

function looksLikeText(text: string): boolean {
  if (text.includes('\u0000')) return false;
  const controls = text.match(CONTROL)?.length ?? 0;
  return controls <= Math.max(2, text.length / 1000);
}

function hasChinese(text: string): boolean {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  return han >= Math.min(20, text.length / 4);
}
