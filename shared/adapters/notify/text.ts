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
