import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { WebhookSource } from '../../shared/ingest/sources.js';

const base = { sourceId: 'rencheng', orgIds: ['370811'], types: ['progress.submitted'] };

describe('WebhookSource secrets', () => {
  it.each(['whsec_abc', 'whsec_', 'whsec_abcd=', 'whsec_ab=c', 'abcd', 'whsec_YWJj ZA=='])(
    'rejects %j, which the verifier could not decode',
    (secret) => {
      expect(WebhookSource.safeParse({ ...base, secrets: [secret] }).success).toBe(false);
    },
  );

  it.each(['whsec_YQ==', 'whsec_YWI=', 'whsec_YWJj', `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`])(
    'accepts %j, and the verifier takes it',
    (secret) => {
      expect(WebhookSource.safeParse({ ...base, secrets: [secret] }).success).toBe(true);
      expect(() => new Webhook(secret)).not.toThrow();
    },
  );
});
