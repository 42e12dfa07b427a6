import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Checks `Authorization: Bearer <token>` against the expected token in constant time (both sides are
 * hashed first, so neither the length nor a prefix leaks). Missing, malformed and wrong tokens are
 * all just `false`.
 */
export function bearerAuthorizer(expectedToken: string): (headers: Record<string, string | undefined>) => boolean {
  const expected = createHash('sha256').update(expectedToken, 'utf8').digest();
  return (headers) => {
    const value = headers['authorization'];
    const m = typeof value === 'string' ? /^Bearer ([\x21-\x7e]+)$/i.exec(value.trim()) : null;
    const given = createHash('sha256')
      .update(m?.[1] ?? '', 'utf8')
      .digest();
    return timingSafeEqual(given, expected) && m !== null;
  };
}
