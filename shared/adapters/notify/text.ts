/** Cuts `text` to at most `maxBytes` UTF-8 bytes (robots limit message size), ending with `suffix` when cut. */
export function truncateUtf8(text: string, maxBytes: number, suffix = '\n……（内容过长，已截断，请登录系统查看全部事项）'): string {
  const enc = new TextEncoder();
  if (enc.encode(text).length <= maxBytes) return text;
  const budget = maxBytes - enc.encode(suffix).length;
  let out = '';
  let used = 0;
  for (const ch of text) {
    const n = enc.encode(ch).length;
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + suffix;
}

const utf8Length = (s: string) => new TextEncoder().encode(s).length;

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
  // Room for the widest part label, so that numbering the parts afterwards cannot overflow one.
  const label = (k: number, n: number) => `（第${k}/${n}条）`;
  const budget = maxBytes - utf8Length(title) - utf8Length(label(99, 99)) - 1;
  const bodies: string[][] = [[]];
  let used = 0;
  for (const raw of rest) {
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
  // A part that would open with blank lines opens with its first line of text.
  const parts = bodies.map((lines) => lines.join('\n').replace(/^\n+/, '')).filter((body) => body.trim() !== '');
  return parts.map((body, i) => `${title}${label(i + 1, parts.length)}\n${body}`);
}
