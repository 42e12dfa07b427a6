/**
 * Fuzzing the webhook handler (fast-check). Sized to run in a few seconds; `LONG=1` runs 20× more
 * (`npm run test:long`).
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { createIngestWebhookHandler } from '../../functions/ingest-webhook/app.js';
import { EventRegisteredDetail, ProgressSubmittedDetail } from '../../events/schemas.js';
import { fixedClock } from '../../shared/time/clocks.js';
import { staticSourceRegistry, type WebhookSource } from '../../shared/ingest/sources.js';
import { fixedSecret, InMemoryIntake, recordingLogger, responseJson, sampleBody, signature, webhookEvent } from '../helpers/webhooks.js';

const SCALE = process.env.LONG ? 20 : 1;
// CI runs one fixed seed (the coverage guard needs it); LONG=1 explores from a fresh one each run.
const FUZZ_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.LONG ? undefined : 20230625;
/** Per-test timeout: the long mode runs 20× the cases. */
const TIMEOUT = 30_000 * SCALE;
const NOW = new Date('2023-06-25T02:20:00.000Z');
const NOW_S = NOW.getTime() / 1000;

const SECRET = fixedSecret('fuzz-city-secret');
const OTHER_SECRET = fixedSecret('fuzz-other-secret');
const ALL_SECRETS = [SECRET, OTHER_SECRET];

const SAMPLE_FILES = readdirSync(fileURLToPath(new URL('../../events/samples/valid/', import.meta.url))).filter((f) => f.endsWith('.json'));
const SAMPLES = SAMPLE_FILES.map((f) => JSON.parse(sampleBody(`valid/${f}`)) as Record<string, unknown>);

/** `city` may report for every sample's org but 370830 (→ some 403s); `lottery` may only send progress. */
const SOURCES: WebhookSource[] = [
  {
    sourceId: 'city',
    orgIds: [...new Set(SAMPLES.map((s) => (s.data as { orgId: string }).orgId))].filter((o) => o !== '370830'),
    secrets: [SECRET],
    types: ['progress.submitted', 'event.registered'],
  },
  { sourceId: 'lottery', orgIds: ['jn-lottery-center', 'jn-mass-sports'], secrets: [OTHER_SECRET, SECRET], types: ['progress.submitted'] },
  { sourceId: 'nokeys', orgIds: ['370811'], secrets: [], types: ['progress.submitted'] },
];

const ALLOWED = new Set([202, 400, 401, 403, 404, 405, 409, 413, 415, 422]);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

/** `bus.events`: what the relay puts on the bus from the records the intake stored. */
function harness(sources: WebhookSource[] = SOURCES) {
  const intake = new InMemoryIntake();
  const log = recordingLogger();
  const handler = createIngestWebhookHandler({
    sources: staticSourceRegistry(sources),
    intake,
    clock: fixedClock('2023-06-25T02:20:00.500Z'),
    logger: log.logger,
  });
  return { handler, intake, bus: intake, log };
}

// ---- arbitraries -------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path (array of keys) to a value inside `value`. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

interface Mutation {
  kind: 'set' | 'delete' | 'add';
  at: number;
  key: string;
  value: Json;
}

function mutate(doc: Json, mutations: readonly Mutation[]): Json {
  let root = structuredClone(doc);
  for (const m of mutations) {
    const all = paths(root);
    const path = all[m.at % all.length]!;
    if (path.length === 0) {
      if (m.kind === 'set') root = m.value;
      continue;
    }
    let parent = root as Record<string | number, Json>;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
    const last = path[path.length - 1]!;
    if (m.kind === 'set') parent[last] = m.value;
    else if (m.kind === 'delete') {
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      const target = parent[last];
      if (target !== null && typeof target === 'object' && !Array.isArray(target)) (target as Record<string, Json>)[m.key] = m.value;
    }
  }
  return root;
}

/** Small JSON values that are often meaningful to the schema. */
const interesting = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Json>(
      '370811',
      '370830',
      'T08',
      'T99',
      'T13',
      'sports-clubs',
      'marathon-held',
      'jining-sports-2023',
      'event.registered',
      'progress.submitted',
      '2023-Q2',
      '2023-13',
      'completed',
      -1,
      101,
      1e308,
      '',
      'https://x.cn/a',
      'http://x.cn/a',
      '2023-06-25T10:00:00+08:00',
      '2023-02-30',
      ['T13', 'T99'],
      [{ kpiId: 'lottery-sales', value: 1 }],
      ['T10-M1'],
      'jining-sports-2022',
    ),
  },
);

const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('set', 'set', 'delete', 'add'),
  at: fc.nat(),
  key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'type', 'orgId'), fc.string({ maxLength: 8 })),
  value: interesting,
});

/** A valid envelope naming something the plan may not have (→ 422, or still valid). */
const referenceBody: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom(...SAMPLES),
    fc.constantFrom('planId', 'taskId', 'metrics', 'taskIds', 'completedMilestoneIds'),
    fc.constantFrom<Json>(
      'jining-sports-2022',
      'T99',
      'T13',
      'T08',
      [{ kpiId: 'lottery-sales', value: 1 }],
      [{ kpiId: 'marathon-held', value: 1 }],
      ['T13', 'T99'],
      ['T10-M1'],
      ['T08-M1'],
    ),
  )
  .map(([sample, field, value]) => {
    const doc = structuredClone(sample) as { data: Record<string, Json> };
    doc.data[field] = value;
    return JSON.stringify(doc);
  });

/** Bodies: mostly mutated valid envelopes (to reach every answer after authentication), some anything at all. */
const bodyArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...SAMPLES),
        fc.oneof(fc.constant([]), fc.constant([]), fc.array(mutation, { minLength: 1, maxLength: 3 })),
        fc.boolean(),
      )
      .map(([s, ms, pretty]) => JSON.stringify(mutate(s as Json, ms), null, pretty ? 2 : 0)),
  },
  { weight: 4, arbitrary: referenceBody },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '{',
      '[]',
      'null',
      '"x"',
      '{"type":"progress.submitted"}',
      '\u0000',
      '{"type":"progress.submitted","data":{}}',
    ),
  },
);

const idArb = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,40}$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: fc.constant('msg_fixed') },
);

type SignatureMode = 'valid' | 'valid-other-secret' | 'both' | 'random' | 'missing' | 'other-body' | 'other-id' | 'other-timestamp';
const signatureMode = fc.constantFrom<SignatureMode>(
  'valid',
  'valid',
  'valid',
  'valid-other-secret',
  'both',
  'random',
  'missing',
  'other-body',
  'other-id',
  'other-timestamp',
);

const anyRequest = fc.record({
  sourceId: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('city', 'lottery', 'nokeys') },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !s.includes('/')) },
  ),
  method: fc.oneof({ weight: 10, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('GET', 'PUT', 'DELETE') }),
  contentType: fc.oneof(
    {
      weight: 8,
      arbitrary: fc.constantFrom<string | undefined>('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON'),
    },
    { weight: 1, arbitrary: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }) },
  ),
  body: bodyArb,
  base64: fc.boolean(),
  id: idArb,
  timestamp: fc.oneof(
    { weight: 8, arbitrary: fc.integer({ min: -300, max: 300 }).map((d) => String(NOW_S + d)) },
    {
      weight: 1,
      arbitrary: fc.oneof(fc.integer({ min: 301, max: 1e6 }), fc.integer({ min: -1e6, max: -301 })).map((d) => String(NOW_S + d)),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 14 }) },
  ),
  mode: signatureMode,
  randomSignature: fc.string({ maxLength: 60 }),
  extraHeaders: fc.dictionary(
    fc.constantFrom('webhook-id', 'webhook-signature', 'webhook-timestamp', 'x-forwarded-for', 'content-length'),
    fc.string({ maxLength: 20 }),
    { maxKeys: 1 },
  ),
  extraHeadersApplied: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))),
  storeFails: fc.boolean(),
  resend: fc.constantFrom<'none' | 'same' | 'changed'>('none', 'none', 'same', 'changed'),
});
/** Requests that pass authentication (so that every answer after it is reached), with only the body varied. */
const authenticRequest = fc.record({
  sourceId: fc.constantFrom('city', 'city', 'lottery'),
  method: fc.constant('POST'),
  contentType: fc.constantFrom<string | undefined>('application/json', 'application/json; charset=utf-8'),
  body: bodyArb,
  base64: fc.boolean(),
  id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,40}$/), fc.constant('msg_fixed')),
  timestamp: fc.integer({ min: -300, max: 300 }).map((d) => String(NOW_S + d)),
  mode: fc.constantFrom<SignatureMode>('valid', 'both'),
  randomSignature: fc.constant(''),
  extraHeaders: fc.constant({}),
  extraHeadersApplied: fc.constant(false),
  storeFails: fc.boolean(),
  resend: fc.constantFrom<'none' | 'same' | 'changed'>('none', 'same', 'changed'),
});

const requestArb = fc.oneof(anyRequest, authenticRequest);
type Request = typeof requestArb extends fc.Arbitrary<infer T> ? T : never;

function signFor(r: Request, body: string): string | undefined {
  const ts = Number(r.timestamp);
  const sign = (secret: string, id = r.id, t = ts, b = body) =>
    Number.isFinite(t) ? signature(secret, id, Math.floor(t), b) : 'v1,unsignable';
  switch (r.mode) {
    case 'valid':
      return sign(SECRET);
    case 'valid-other-secret':
      return sign(OTHER_SECRET);
    case 'both':
      return `${sign(OTHER_SECRET)} ${sign(SECRET)}`;
    case 'random':
      return r.randomSignature;
    case 'missing':
      return undefined;
    case 'other-body':
      return sign(SECRET, r.id, ts, `${body} `);
    case 'other-id':
      return sign(SECRET, `${r.id}x`);
    case 'other-timestamp':
      return sign(SECRET, r.id, ts + 1);
  }
}

function eventFor(r: Request, body: string) {
  const headers: Record<string, string | undefined> = {
    'content-type': r.contentType,
    'webhook-id': r.id,
    'webhook-timestamp': r.timestamp,
    'webhook-signature': signFor(r, body),
    ...(r.extraHeadersApplied ? r.extraHeaders : {}),
  };
  return webhookEvent({
    sourceId: r.sourceId,
    method: r.method,
    headers,
    body: r.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: r.base64,
  });
}

// ---- properties --------------------------------------------------------------------------------

describe('fuzz: arbitrary requests', () => {
  it(
    'never a 5xx unless the table failed; nothing stored (so nothing published) unless 202; always the JSON answer shape; no secret anywhere',
    async () => {
      let accepted = 0;
      const statuses = new Map<number, number>();
      await fc.assert(
        fc.asyncProperty(requestArb, async (r) => {
          const { handler, bus, intake, log } = harness();
          const attempts = r.resend === 'none' ? [r.body] : [r.body, r.resend === 'same' ? r.body : `${r.body}\n`];
          for (const [n, body] of attempts.entries()) {
            const failStore = r.storeFails && n === 0;
            intake.failWith = failStore
              ? Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' })
              : undefined;
            const eventsBefore = bus.events.length;
            const recordsBefore = new Map([...intake.records].map(([k, v]) => [k, { ...v }]));
            const res = await handler(eventFor(r, body));
            const status = res.statusCode ?? 0;
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            const json = responseJson(res);

            if (status >= 500) {
              expect(failStore).toBe(true);
              expect(status).toBe(503);
              expect(json.error?.code).toBe('unavailable');
              expect(bus.events.length).toBe(eventsBefore);
            } else {
              expect(ALLOWED.has(status)).toBe(true);
            }

            if (status === 202) {
              accepted += 1;
              expect(json).toEqual({ id: r.id });
              const stored = (m: Map<string, Record<string, unknown>>) =>
                [...m.values()].filter((v) => v.sourceId === r.sourceId && v.webhookId === r.id);
              expect(stored(intake.records)).toHaveLength(1);
              const published = bus.events.slice(eventsBefore);
              // An exact resend of a stored message stores (so publishes) nothing; otherwise exactly one event.
              const wasStored = stored(recordsBefore).length > 0;
              expect(published).toHaveLength(wasStored ? 0 : 1);
              for (const e of published) {
                const source = SOURCES.find((s) => s.sourceId === r.sourceId)!;
                expect(source.types).toContain(e.detailType);
                expect(source.orgIds).toContain(e.detail.orgId);
                expect(e.detail).toMatchObject({ sourceId: r.sourceId, webhookId: r.id, receivedAt: '2023-06-25T02:20:00.500Z' });
                const schema = e.detailType === 'progress.submitted' ? ProgressSubmittedDetail : EventRegisteredDetail;
                expect(schema.safeParse(e.detail).success).toBe(true);
              }
            } else {
              expect(json.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
              expect(json).not.toHaveProperty('id');
              // Nothing stored or changed, so nothing published (a 503 included: the one write failed).
              expect(bus.events.length).toBe(eventsBefore);
              expect(intake.records).toEqual(recordsBefore);
            }
            const everything = `${res.body}${JSON.stringify(res.headers)}${log.text()}`;
            for (const s of ALL_SECRETS) expect(everything).not.toContain(s.slice('whsec_'.length));
          }
        }),
        // A fixed seed (FUZZ_SEED to try another): the coverage guard below must not depend on luck.
        // Unseeded, 409 (a resend changed after a 202) came up 3–8 times in 300 runs, and once not at all.
        { numRuns: 300 * SCALE, ...(FUZZ_SEED === undefined ? {} : { seed: FUZZ_SEED }) },
      );
      if (process.env.FUZZ_STATS) console.log(Object.fromEntries(statuses), { accepted });
      // The generators reach the interesting answers, not only 401 (a guard on the fuzzer itself).
      expect(accepted).toBeGreaterThan(10);
      for (const s of [202, 400, 401, 403, 404, 409, 415, 422, 503])
        expect(statuses.get(s) ?? 0, `status ${s} was never produced`).toBeGreaterThan(0);
    },
    TIMEOUT,
  );
});

describe('fuzz: signature bypass attempts all fail with 401', () => {
  const BODY = sampleBody('valid/progress-t08-rencheng.json');
  const ID = 'msg_bypass_target';
  const rencheng: WebhookSource = { sourceId: 'rencheng', orgIds: ['370811'], secrets: [SECRET], types: ['progress.submitted'] };
  const VALID = signature(SECRET, ID, NOW_S, BODY);
  const SIG = VALID.slice(3);
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';

  async function attempt(headers: Record<string, string | undefined>, options: { body?: string; sources?: WebhookSource[] } = {}) {
    const { handler, bus, intake } = harness(options.sources ?? [rencheng]);
    const res = await handler(
      webhookEvent({
        sourceId: 'rencheng',
        body: options.body ?? BODY,
        headers: { 'webhook-id': ID, 'webhook-timestamp': String(NOW_S), 'webhook-signature': VALID, ...headers },
      }),
    );
    return { res, bus, intake };
  }

  const UNAUTHORIZED = JSON.stringify({
    error: { code: 'unauthorized', message: 'signature missing or invalid, or timestamp outside the accepted window' },
  });

  async function expectRefused(headers: Record<string, string | undefined>, options: { body?: string; sources?: WebhookSource[] } = {}) {
    const { res, bus, intake } = await attempt(headers, options);
    expect(res.statusCode, JSON.stringify(headers)).toBe(401);
    expect(res.body).toBe(UNAUTHORIZED);
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
  }

  it('control: the untampered message is accepted, and so is a space-separated list holding it', async () => {
    expect((await attempt({})).res.statusCode).toBe(202);
    expect((await attempt({ 'webhook-signature': `v1,${'A'.repeat(43)}= ${VALID}` })).res.statusCode).toBe(202);
  });

  const base64Char = fc.constantFrom(...B64.split(''));
  const tampered: fc.Arbitrary<{ label: string; signature: string }> = fc.oneof(
    fc
      .constantFrom('v2', 'V1', 'v0', 'v1 ', 'v', 'v11', 'v1\t', '', 'v1,v1', 'v1;', 'v1=', 'V1 ', 'v1a', 'v1.', '\u0076\u0031\u200b')
      .map((tag) => ({ label: 'version tag', signature: `${tag},${SIG}` })),
    fc
      .constantFrom(`v1;${SIG}`, `v1=${SIG}`, `v1:${SIG}`, SIG, `v1,,${SIG}`, `,${SIG}`, `v1${SIG}`)
      .map((s) => ({ label: 'separator', signature: s })),
    fc.integer({ min: 0, max: SIG.length - 1 }).map((k) => ({ label: 'truncated', signature: `v1,${SIG.slice(0, k)}` })),
    fc.integer({ min: 1, max: SIG.length - 1 }).map((k) => ({ label: 'truncated from the front', signature: `v1,${SIG.slice(k)}` })),
    fc.string({ unit: base64Char, minLength: 1, maxLength: 8 }).map((p) => ({ label: 'padded', signature: `v1,${SIG}${p}` })),
    fc.string({ unit: base64Char, minLength: 1, maxLength: 8 }).map((p) => ({ label: 'prefixed', signature: `v1,${p}${SIG}` })),
    fc.constant({ label: 'padding removed', signature: `v1,${SIG.replace(/=+$/, '')}` }),
    fc
      .uniqueArray(fc.integer({ min: 0, max: SIG.length - 1 }), { minLength: 1, maxLength: 10 })
      .map((positions) => {
        const chars = SIG.split('');
        for (const p of positions) {
          const c = chars[p]!;
          chars[p] = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
        }
        return { label: 'case changed', signature: `v1,${chars.join('')}` };
      })
      .filter((t) => t.signature !== VALID),
    fc.constant({ label: 'all upper case', signature: `v1,${SIG.toUpperCase()}` }),
    fc.constant({ label: 'all lower case', signature: `v1,${SIG.toLowerCase()}` }),
    fc
      .constant({ label: 'base64url instead of base64', signature: `v1,${Buffer.from(SIG, 'base64').toString('base64url')}` })
      .filter((t) => t.signature !== VALID),
    fc.constant({ label: 'hex instead of base64', signature: `v1,${Buffer.from(SIG, 'base64').toString('hex')}` }),
    fc
      .tuple(fc.integer({ min: 1, max: SIG.length - 1 }), fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u2028', '  '))
      .map(([k, ws]) => ({ label: 'whitespace inside', signature: `v1,${SIG.slice(0, k)}${ws}${SIG.slice(k)}` })),
    fc.constantFrom('\t', '\n', '\u00a0').map((ws) => ({ label: 'whitespace after the comma', signature: `v1,${ws}${SIG}` })),
    fc
      .array(
        fc.oneof(
          fc.string({ unit: base64Char, minLength: 43, maxLength: 44 }),
          fc.constant(signature(SECRET, `${ID}2`, NOW_S, BODY).slice(3)),
        ),
        { minLength: 2, maxLength: 4 },
      )
      .map((sigs) => ({ label: 'repeated header values joined with ","', signature: sigs.map((s) => `v1,${s}`).join(',') })),
    fc
      .array(fc.string({ unit: base64Char, minLength: 43, maxLength: 44 }), { minLength: 1, maxLength: 3 })
      .map((sigs) => ({ label: 'a list of guesses', signature: sigs.map((s) => `v1,${s}`).join(' ') })),
    fc.string({ maxLength: 100 }).map((s) => ({ label: 'anything', signature: s })),
    fc.string({ unit: 'binary', maxLength: 100 }).map((s) => ({ label: 'any code points', signature: s })),
  );

  it(
    'tampered signatures',
    async () => {
      await fc.assert(
        fc.asyncProperty(tampered, async (t) => {
          fc.pre(!t.signature.split(' ').includes(VALID));
          await expectRefused({ 'webhook-signature': t.signature });
        }),
        { numRuns: 400 * SCALE },
      );
    },
    TIMEOUT,
  );

  it(
    'a valid signature for a different body',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), fc.string({ maxLength: 3 }), async (ms, tail) => {
          const other = JSON.stringify(mutate(JSON.parse(BODY) as Json, ms)) + tail;
          fc.pre(other !== BODY);
          // Sent: BODY; signed: other.
          await expectRefused({ 'webhook-signature': signature(SECRET, ID, NOW_S, other) });
          // Sent: other; signed: BODY.
          await expectRefused({}, { body: other });
        }),
        { numRuns: 100 * SCALE },
      );
    },
    TIMEOUT,
  );

  it('the same JSON with other bytes (re-serialised, trailing newline, BOM) is a different body', async () => {
    for (const other of [JSON.stringify(JSON.parse(BODY)), `${BODY}\n`, `\ufeff${BODY}`, BODY.replace('\n', '\r\n')]) {
      expect(other).not.toBe(BODY);
      await expectRefused({}, { body: other });
    }
  });

  it(
    'a valid signature for a different webhook-id',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,40}$/), async (otherId) => {
          fc.pre(otherId !== ID);
          await expectRefused({ 'webhook-signature': signature(SECRET, otherId, NOW_S, BODY) });
          await expectRefused({ 'webhook-id': otherId });
        }),
        { numRuns: 100 * SCALE },
      );
    },
    TIMEOUT,
  );

  it(
    'a valid signature for a different timestamp (within the window)',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: -299, max: 299 }).filter((d) => d !== 0),
          async (d) => {
            await expectRefused({ 'webhook-signature': signature(SECRET, ID, NOW_S + d, BODY) });
            await expectRefused({ 'webhook-timestamp': String(NOW_S + d) });
          },
        ),
        { numRuns: 100 * SCALE },
      );
    },
    TIMEOUT,
  );

  it('a timestamp in milliseconds, negative, fractional or with a sign is refused', async () => {
    for (const ts of [
      String(NOW.getTime()),
      `-${NOW_S}`,
      `${NOW_S}.0`,
      `+${NOW_S}`,
      ` ${NOW_S}`,
      `${NOW_S},${NOW_S}`,
      `${NOW_S}e0`,
      '0x' + NOW_S.toString(16),
    ]) {
      await expectRefused({ 'webhook-timestamp': ts });
    }
  });

  it('repeated webhook-id or webhook-timestamp headers (joined with ",") are refused', async () => {
    await expectRefused({ 'webhook-id': `${ID},${ID}` });
    await expectRefused({ 'webhook-timestamp': `${NOW_S},${NOW_S}` });
  });

  it(
    'a valid signature by a secret the source does not hold',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (key) => {
          const secret = `whsec_${Buffer.from(key).toString('base64')}`;
          fc.pre(secret !== SECRET);
          await expectRefused({ 'webhook-signature': signature(secret, ID, NOW_S, BODY) });
        }),
        { numRuns: 100 * SCALE },
      );
    },
    TIMEOUT,
  );

  it(
    'a source with an empty secret list accepts nothing',
    async () => {
      await fc.assert(
        fc.asyncProperty(tampered, async (t) => {
          await expectRefused({ 'webhook-signature': t.signature }, { sources: [{ ...rencheng, secrets: [] }] });
        }),
        { numRuns: 50 * SCALE },
      );
      await expectRefused({}, { sources: [{ ...rencheng, secrets: [] }] });
    },
    TIMEOUT,
  );
});
