/**
 * Standard Webhooks signing, as the service verifies it (docs/api.md): HMAC-SHA256 with the secret's
 * key over `webhook-id.webhook-timestamp.body`, sent as `webhook-signature: v1,<base64>`. This is
 * the one signer of the repository: the client, `npm run sign` and the tests all use it.
 */
import { Webhook } from 'standardwebhooks';

/** A type (not an interface) so that it fits wherever a plain header record is expected. */
export type SignedHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** The secret is not `whsec_` followed by base64 (as the bureau issues it). */
export class WebhookSecretError extends Error {
  override readonly name = 'WebhookSecretError';
}

const SECRET = /^whsec_[A-Za-z0-9+/=]+$/;

/**
 * The three headers for `body`, which must be the exact text you send: re-serialising the JSON
 * after signing breaks the signature. `secret` may be two secrets during a rotation (the service
 * accepts either signature). `timestampSeconds` defaults to now; the service accepts ±5 minutes.
 */
export function signWebhook(input: {
  secret: string | readonly string[];
  id: string;
  body: string;
  timestampSeconds?: number;
}): SignedHeaders {
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  if (secrets.length === 0) throw new WebhookSecretError('no secret given');
  const ts = input.timestampSeconds ?? Math.floor(Date.now() / 1000);
  const signatures = secrets.map((secret) => {
    let webhook: Webhook;
    try {
      if (!SECRET.test(secret)) throw new Error('format');
      webhook = new Webhook(secret);
    } catch {
      // Never quote the secret: this message reaches logs.
      throw new WebhookSecretError('the secret is not a Standard Webhooks secret (whsec_ followed by base64)');
    }
    return webhook.sign(input.id, new Date(ts * 1000), input.body);
  });
  return { 'webhook-id': input.id, 'webhook-timestamp': String(ts), 'webhook-signature': signatures.join(' ') };
}
