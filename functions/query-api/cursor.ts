import { createHmac, timingSafeEqual } from 'node:crypto';

/** A cursor that is not one this service issued for this listing (altered, truncated, or from elsewhere). */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

/**
 * Opaque, tamper-evident page cursors: `base64url(JSON payload) "." base64url(HMAC-SHA256(key, payload))`.
 * The payload is not secret (it holds a DynamoDB key or an offset), but any change to it, or a cursor
 * signed with another key, is rejected before the payload is used.
 */
export interface CursorCodec {
  encode(payload: Record<string, unknown>): string;
  /** The payload of a cursor this codec issued; throws InvalidCursorError otherwise. */
  decode(cursor: string): unknown;
}

export type CursorKey = Uint8Array | string;

/**
 * `key` signs new cursors; during a key rotation pass `[current, previous]`: cursors signed with either
 * are accepted, so that a page a reader holds keeps working across the rotation.
 */
export function cursorCodec(key: CursorKey | readonly CursorKey[]): CursorCodec {
  const keys = (Array.isArray(key) ? key : [key]) as readonly CursorKey[];
  if (keys.length === 0) throw new Error('a cursor key is required');
  const secrets = keys.map((k) => (typeof k === 'string' ? Buffer.from(k, 'utf8') : Buffer.from(k)));
  if (secrets.some((s) => s.length < 16)) throw new Error('cursor key must be at least 16 bytes');
  const sign = (secret: Buffer, body: string) => createHmac('sha256', secret).update(body, 'utf8').digest();
  return {
    encode(payload) {
      const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
      return `${body}.${sign(secrets[0]!, body).toString('base64url')}`;
    },
    decode(cursor) {
      const parts = cursor.split('.');
      const [body, mac] = parts;
      if (parts.length !== 2 || !body || !mac) throw new InvalidCursorError('malformed cursor');
      const given = Buffer.from(mac, 'base64url');
      // Re-encoding rejects non-canonical base64url (two strings decoding to the same bytes).
      const matches = (secret: Buffer) => {
        const expected = sign(secret, body);
        return given.length === expected.length && timingSafeEqual(given, expected);
      };
      if (given.toString('base64url') !== mac || !secrets.some(matches)) {
        throw new InvalidCursorError('cursor signature mismatch');
      }
      try {
        return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as unknown;
      } catch {
        throw new InvalidCursorError('cursor payload is not JSON');
      }
    },
  };
}
