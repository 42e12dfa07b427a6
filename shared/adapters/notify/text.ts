const encoder = new TextEncoder();
const utf8Length = (s: string) => encoder.encode(s).length;

/** Cuts `text` to at most `maxBytes` UTF-8 bytes (robots limit message size), ending with `suffix` when cut. */
export function truncateUtf8(text: string, maxBytes: number, suffix = '\n……（内容过长，已截断，请登录系统查看全部事项）'): string {
  if (utf8Length(text) <= maxBytes) return text;
  const budget = maxBytes - utf8Length(suffix);
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = utf8Length(ch);
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + suffix;
}

/**
 * A digest too long for one robot message, as several: cut between lines (an item is one line, so
 * no item is cut), each message at most `maxBytes` UTF-8 bytes. Every message after the first
 * repeats the title line; each title says which part it is (`（第2/3条）`), so that a unit reads
 * every item, in order, and knows whether it has all of them. A line that alone exceeds a message is
 * cut (`truncateUtf8`). Text that fits is one message, unchanged.
 */
export function splitUtf8ByLines(text: string, maxBytes: number): string[] {
  if (utf8Length(text) <= maxBytes) return [text];
  const [title = '', ...rest] = text.split('\n');
  const label = (k: number, n: number) => `（第${k}/${n}条）`;
  // Packed with room for a label of `width` digits; packed again, wider, in the unlikely case that
  // the parts then number more than the width holds (a label must never push a part over).
  for (let width = 2; ; width++) {
    const widest = 10 ** width - 1;
    const budget = maxBytes - utf8Length(title) - utf8Length(label(widest, widest)) - 1;
    // A title that leaves no room for a line (never a digest's): one message, cut.
    if (budget < 64) return [truncateUtf8(text, maxBytes)];
    const parts = pack(rest, budget);
    if (parts.length === 0) return [truncateUtf8(text, maxBytes)];
    if (parts.length <= widest) return parts.map((body, i) => `${title}${label(i + 1, parts.length)}\n${body}`);
  }
}

/** Lines into bodies of at most `budget` bytes each, cut between lines; a line alone over the budget is cut. */
function pack(lines: readonly string[], budget: number): string[] {
  const bodies: string[][] = [[]];
  let used = 0;
  for (const raw of lines) {
    const line = utf8Length(raw) > budget ? truncateUtf8(raw, budget) : raw;
    const n = utf8Length(line) + 1;
    const current = bodies[bodies.length - 1]!;
    if (used + n > budget && current.length > 0) {
      bodies.push([line]);
      used = n;
    } else {
      current.push(line);
      used += n;
    }
  }
  // A part that would open with blank lines opens with its first line of text; a blank part is none.
  return bodies.map((body) => body.join('\n').replace(/^\n+/, '')).filter((body) => body.trim() !== '');
}
