import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { TOLERANCE_SECONDS, verifySignature } from '../../shared/ingest/standard-webhooks.js';
import { fixedSecret, newSecret } from '../helpers/webhooks.js';

/**
 * The node:crypto verifier (shared/ingest/standard-webhooks.ts) against the `standardwebhooks`
 * package and Svix's own library (`svix`) on the same vectors: every verdict must agree, for valid
 * signatures from either signer, tampered ones, other secrets, rotation lists, odd timestamps and
 * bodies. The ingest tests (tests/unit/ingest-webhook-auth.test.ts, ingest-fuzz.test.ts) hold the 401s.
 */

const NOW = new Date('2023-06-25T02:20:00.000Z');
const NOW_S = NOW.getTime() / 1000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

const SECRETS = [fixedSecret('vector-secret-a'), fixedSecret('vector-secret-b'), newSecret(), newSecret()];

/** The libraries' verdict: does any of `secrets` verify the message? */
function libraries(secrets: readonly string[], m: { id: string; timestamp: string; signature: string; body: string }) {
  const headers = { 'webhook-id': m.id, 'webhook-timestamp': m.timestamp, 'webhook-signature': m.signature };
  const ok = (verify: () => unknown) => {
    try {
      verify();
      return true;
    } catch {
      return false;
    }
  };
  return {
    standardwebhooks: secrets.some((s) => ok(() => new StandardWebhook(s).verify(m.body, headers, { jsonParse: false }))),
    svix: secrets.some((s) => ok(() => new SvixWebhook(s).verify(m.body, headers))),
  };
}

const sign = (signer: 'standardwebhooks' | 'svix', secret: string, id: string, seconds: number, body: string) =>
  (signer === 'svix' ? new SvixWebhook(secret) : new StandardWebhook(secret)).sign(id, new Date(seconds * 1000), body);

const bodyArb = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom(
    '',
    '{}',
    '{"type":"progress.submitted","data":{"summary":"任城区体育总会完成换届筹备 🏃"}}',
    'a\u0000b',
    '\ud800 lone surrogate',
  ),
);
const vectorArb = fc.record({
  id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,40}$/), fc.string({ maxLength: 20 })),
  offset: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: -TOLERANCE_SECONDS, max: TOLERANCE_SECONDS }) },
    { weight: 1, arbitrary: fc.integer({ min: -5000, max: 5000 }) },
    { weight: 1, arbitrary: fc.constantFrom(-301, -300, 300, 301) },
  ),
  timestampForm: fc.constantFrom('plain', 'plain', 'plain', 'plain', 'leading-zero', 'trailing-text', 'garbage'),
  body: bodyArb,
  signer: fc.constantFrom<'standardwebhooks' | 'svix'>('standardwebhooks', 'svix'),
  signedWith: fc.nat({ max: SECRETS.length - 1 }),
  accepted: fc.uniqueArray(fc.nat({ max: SECRETS.length - 1 }), { minLength: 1, maxLength: 2 }),
  tamper: fc.constantFrom(
    'none',
    'none',
    'none',
    'none',
    'none',
    'none',
    'list-with-valid',
    'flip',
    'non-canonical',
    'unpadded',
    'other-body',
    'other-id',
    'version',
    'truncate',
    'list-with-valid',
    'list-without-valid',
    'empty',
    'no-comma',
    'trailing-field',
  ),
  flipAt: fc.nat(),
});

const B64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

type Vector = typeof vectorArb extends fc.Arbitrary<infer T> ? T : never;

function build(v: Vector) {
  const seconds = NOW_S + v.offset;
  const timestamp = { plain: String(seconds), 'leading-zero': `00${seconds}`, 'trailing-text': `${seconds}abc`, garbage: 'soon' }[
    v.timestampForm
  ];
  const secret = SECRETS[v.signedWith]!;
  const valid = sign(v.signer, secret, v.id, seconds, v.body);
  const b64 = valid.slice(3);
  const flipped = (() => {
    const i = v.flipAt % b64.length;
    const c = b64[i] === 'A' ? 'B' : 'A';
    return `v1,${b64.slice(0, i)}${c}${b64.slice(i + 1)}`;
  })();
  const signature = {
    none: valid,
    flip: flipped,
    'other-body': sign(v.signer, secret, v.id, seconds, `${v.body} `),
    'other-id': sign(v.signer, secret, `${v.id}x`, seconds, v.body),
    version: `v2,${b64}`,
    truncate: valid.slice(0, -2),
    'list-with-valid': `${flipped} ${valid}`,
    'list-without-valid': `${flipped} v1a,${b64}`,
    empty: '',
    'no-comma': `v1${b64}`,
    // A third comma-separated field after the signature (the libraries read the second field only).
    'trailing-field': `${valid},x`,
    // The same bytes spelled otherwise: the last character's two unused bits set, or the padding left out.
    'non-canonical': `v1,${b64.slice(0, 42)}${B64_ALPHABET[B64_ALPHABET.indexOf(b64[42]!) | 1]}=`,
    unpadded: `v1,${b64.slice(0, 43)}`,
  }[v.tamper];
  return { id: v.id, timestamp, signature, body: v.body, secrets: v.accepted.map((i) => SECRETS[i]!) };
}

describe('the node:crypto verifier agrees with standardwebhooks and svix', () => {
  it('on generated vectors: valid, tampered, other secrets, rotation lists, odd timestamps and bodies', () => {
    let valid = 0;
    let invalid = 0;
    fc.assert(
      fc.property(vectorArb, (v) => {
        const m = build(v);
        const expected = libraries(m.secrets, m);
        const ours = verifySignature(m, m.secrets, Date.now());
        expect(expected.svix).toBe(expected.standardwebhooks);
        expect(ours).toBe(expected.standardwebhooks);
        if (ours) valid++;
        else invalid++;
      }),
      { numRuns: process.env.LONG ? 20_000 : 2_000, seed: 20230625 },
    );
    // Both verdicts occur often enough for the agreement to mean something.
    expect(valid).toBeGreaterThan(200);
    expect(invalid).toBeGreaterThan(200);
  });

  it('the window is ±5 minutes around the real clock, bounds included', () => {
    const secret = SECRETS[0]!;
    for (const [offset, ok] of [
      [-300, true],
      [300, true],
      [-301, false],
      [301, false],
    ] as const) {
      const seconds = NOW_S + offset;
      const m = {
        id: 'msg_window',
        timestamp: String(seconds),
        body: '{}',
        signature: sign('standardwebhooks', secret, 'msg_window', seconds, '{}'),
      };
      expect(verifySignature(m, [secret], Date.now()), `offset ${offset}`).toBe(ok);
      expect(libraries([secret], m).standardwebhooks, `offset ${offset}`).toBe(ok);
    }
  });

  it('a secret the message was not signed with, and no secret at all, verify nothing', () => {
    const m = { id: 'msg_x', timestamp: String(NOW_S), body: '{}', signature: sign('svix', SECRETS[0]!, 'msg_x', NOW_S, '{}') };
    expect(verifySignature(m, [SECRETS[1]!], Date.now())).toBe(false);
    expect(verifySignature(m, [], Date.now())).toBe(false);
    expect(verifySignature(m, [SECRETS[1]!, SECRETS[0]!], Date.now())).toBe(true);
  });
});
