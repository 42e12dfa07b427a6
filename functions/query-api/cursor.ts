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

export function cursorCodec(key: Uint8Array | string): CursorCodec {
  const secret = typeof key === 'string' ? Buffer.from(key, 'utf8') : Buffer.from(key);
  if (secret.length < 16) throw new Error('cursor key must be at least 16 bytes');
  const sign = (body: string) => createHmac('sha256', secret).update(body, 'utf8').digest();
  return {
    encode(payload) {
      const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
      return `${body}.${sign(body).toString('base64url')}`;
    },
    decode(cursor) {
      const parts = cursor.split('.');
      const [body, mac] = parts;
      if (parts.length !== 2 || !body || !mac) throw new InvalidCursorError('malformed cursor');
      const given = Buffer.from(mac, 'base64url');
      const expected = sign(body);
      // Re-encoding rejects non-canonical base64url (two strings decoding to the same bytes).
      if (given.length !== expected.length || given.toString('base64url') !== mac || !timingSafeEqual(given, expected)) {
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
