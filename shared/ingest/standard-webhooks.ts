import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks verification on node:crypto, with the semantics of the `standardwebhooks`
 * package (tests/unit/standard-webhooks.test.ts checks the two, and `svix`, on the same vectors):
 * HMAC-SHA256 with the secret's key over `id.timestamp.body`, the timestamp as the integer the
 * header parses to, ±5 minutes around now, any `v1,<base64>` entry of the space-separated list may
 * match, compared in constant time. The package computes the HMAC in JavaScript (fast-sha256); here
 * it is one native HMAC per secret (two only during a rotation).
 */

/** How far the signature's timestamp may be from now, either way. */
export const TOLERANCE_SECONDS = 5 * 60;

const SECRET_PREFIX = 'whsec_';
/** Base64 of 32 bytes, padded, canonical: the last character before `=` carries 4 bits and 2 zero bits. */
const CANONICAL_SHA256_BASE64 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** Decoded keys per secret: decoding costs about as much as the HMAC, so it is done once. */
const keys = new Map<string, Buffer>();

function keyOf(secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size > 1000) keys.clear();
    key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
    keys.set(secret, key);
  }
  return key;
}

export interface SignedMessage {
  id: string;
  /** The `webhook-timestamp` header as sent (unix seconds). */
  timestamp: string;
  /** The `webhook-signature` header: `v1,<base64>` entries separated by spaces. */
  signature: string;
  /** The raw body, exactly as received. */
  body: string;
}

/** True when one of the `v1` signatures is the HMAC of the message under one of `secrets`, within the time window. */
export function verifySignature(message: SignedMessage, secrets: readonly string[], nowMs: number): boolean {
  if (message.id === '' || message.timestamp === '' || message.signature === '') return false;
  const timestamp = parseInt(message.timestamp, 10);
  if (Number.isNaN(timestamp)) return false;
  const now = Math.floor(nowMs / 1000);
  if (now - timestamp > TOLERANCE_SECONDS || timestamp > now + TOLERANCE_SECONDS) return false;

  // The base64 text is compared, as the package compares it: only the canonical base64 of 32 bytes
  // can equal the expected signature (one text per digest), so other text is never equal, and
  // decoding it would accept non-canonical spellings. Compared as bytes in constant time.
  const passed: Buffer[] = [];
  for (const entry of message.signature.split(' ')) {
    if (!entry.startsWith('v1,')) continue;
    // As the package splits it: the text between the first comma and the next one, if any.
    const end = entry.indexOf(',', 3);
    const signature = end < 0 ? entry.slice(3) : entry.slice(3, end);
    if (CANONICAL_SHA256_BASE64.test(signature)) passed.push(Buffer.from(signature, 'latin1'));
  }
  if (passed.length === 0) return false;

  // One update: each call into the native HMAC costs more than copying the body once.
  const content = `${message.id}.${timestamp}.${message.body}`;
  for (const secret of secrets) {
    const expected = Buffer.from(createHmac('sha256', keyOf(secret)).update(content).digest('base64'), 'latin1');
    for (const p of passed) if (timingSafeEqual(p, expected)) return true;
  }
  return false;
}
