import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { planAmender } from '../../shared/plan/amender.js';
import { createIngestWebhookHandler, MAX_BODY_BYTES, type IngestDeps } from '../../functions/ingest-webhook/app.js';
import { EventRegisteredDetail, ProgressSubmittedDetail } from '../../events/schemas.js';
import { reportSk, taskAuditPk } from '../../shared/adapters/dynamodb/keys.js';
import { fixedClock } from '../../shared/time/clocks.js';
import type { SourceRegistry } from '../../shared/ports/sources.js';
import { staticSourceRegistry, type WebhookSource } from '../../shared/ingest/sources.js';
import { tokenBucket } from '../../shared/ingest/rate-limiter.js';
import { buildSignedRequest } from '../../scripts/sign-webhook.js';
import {
  fixedSecret,
  InMemoryIntake,
  recordingLogger,
  responseJson,
  sampleBody,
  signature,
  signedEvent,
  signHeaders,
  source,
  webhookEvent,
} from '../helpers/webhooks.js';

/** The real clock as the tests pretend it is (signatures are checked against it). */
const NOW = new Date('2023-06-25T02:20:00.000Z');
const NOW_S = NOW.getTime() / 1000;
/** The business clock that stamps `receivedAt` (deliberately not the same instant as NOW). */
const RECEIVED_AT = '2023-06-25T02:20:00.250Z';

const SECRET = fixedSecret('rencheng-secret');
const NEW_SECRET = fixedSecret('rencheng-secret-2024');
const RETIRED_SECRET = fixedSecret('rencheng-secret-2022');
const T08 = sampleBody('valid/progress-t08-rencheng.json');

/**
 * The handler over an in-memory intake. `bus.events` are what the relay will put on the bus from the
 * records stored (tests/unit/relay-outbox.test.ts covers the relay itself).
 */
function setup(options: { sources?: WebhookSource[]; registry?: SourceRegistry; rateLimiter?: IngestDeps['rateLimiter']; receivedAt?: string; amender?: IngestDeps['amender'] } = {}) {
  const intake = new InMemoryIntake();
  const log = recordingLogger();
  const sources = options.registry ?? staticSourceRegistry(options.sources ?? [source({ secrets: [SECRET] })]);
  const handler = createIngestWebhookHandler({
    sources,
    intake,
    clock: fixedClock(options.receivedAt ?? RECEIVED_AT),
    logger: log.logger,
    ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
    ...(options.amender ? { amender: options.amender } : {}),
  });
  return { handler, intake, bus: intake, log };
}

/** A mutation of a JSON body, kept as the exact bytes that get signed. */
function edit(body: string, change: (json: { type: string; timestamp: string; data: Record<string, unknown> }) => void): string {
  const json = JSON.parse(body);
  change(json);
  return JSON.stringify(json);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('202: accepted once the message is stored (its outbox record)', () => {
  it('stores a report as its audit row, keyed by instant, source and webhook-id; it stands for the validated data + receipt', async () => {
    const { handler, intake, bus } = setup();
    const res = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_t08_0625' }));

    expect(res.statusCode).toBe(202);
    expect(res.headers?.['content-type']).toMatch(/^application\/json/);
    expect(responseJson(res)).toEqual({ id: 'msg_t08_0625' });

    const sent = JSON.parse(T08);
    const key = `${taskAuditPk('jining-sports-2023', 'T08')}|${reportSk('2023-06-25T02:00:00.000Z', 'rencheng', 'msg_t08_0625')}`;
    expect([...intake.records.keys()]).toEqual([key]);
    expect(intake.records.get(key)).toMatchObject({ kind: 'report', bodyHash: expect.any(String) });
    expect(bus.events).toHaveLength(1);
    expect(bus.events[0]!.detailType).toBe('progress.submitted');
    const detail = bus.events[0]!.detail;
    expect(detail).toEqual({
      ...sent.data,
      sourceId: 'rencheng',
      webhookId: 'msg_t08_0625',
      receivedAt: RECEIVED_AT,
      timestamp: '2023-06-25T10:15:00+08:00',
    });
    // What the consumers parse.
    expect(ProgressSubmittedDetail.safeParse(detail).success).toBe(true);
    expect(intake.outcomes.map((o) => o.outcome)).toEqual(['accepted']);
  });

  it('publishes the validated data: defaults filled in (metrics, summary, evidence), nothing else added', async () => {
    const body = sampleBody('valid/progress-minimal-quarterly.json');
    const { handler, bus } = setup({ sources: [source({ sourceId: 'general-office', orgIds: ['jn-general-office'], secrets: [SECRET] })] });
    const res = await handler(signedEvent({ sourceId: 'general-office', body, secrets: SECRET, id: 'msg_min' }));
    expect(res.statusCode).toBe(202);
    expect(bus.events).toEqual([
      {
        detailType: 'progress.submitted',
        detail: {
          planId: 'jining-sports-2023',
          taskId: 'T26',
          orgId: 'jn-general-office',
          reportedAt: '2023-03-25T08:00:00Z',
          period: '2023-Q1',
          status: 'not_started',
          metrics: [],
          summary: '',
          evidence: [],
          sourceId: 'general-office',
          webhookId: 'msg_min',
          receivedAt: RECEIVED_AT,
          timestamp: '2023-03-25T08:00:00Z',
        },
      },
    ]);
  });

  it('stores an event.registered as an event message (per source and webhook-id), published as event.registered', async () => {
    const body = sampleBody('valid/event-marathon-2023-held.json');
    // Received after the sender's own timestamp: a message from the future is refused (422).
    const receivedAt = '2023-10-30T10:00:00.000Z';
    const { handler, intake } = setup({ receivedAt, sources: [source({ sourceId: 'mass-sports', orgIds: ['jn-mass-sports'], secrets: [SECRET] })] });
    const res = await handler(signedEvent({ sourceId: 'mass-sports', body, secrets: SECRET, id: 'msg_marathon' }));
    expect(res.statusCode).toBe(202);
    expect([...intake.records.keys()]).toEqual(['WEBHOOK#mass-sports#msg_marathon|EVENT']);
    const [entry] = intake.events;
    expect(entry!.detailType).toBe('event.registered');
    const detail = entry!.detail;
    expect(detail).toEqual({ ...JSON.parse(body).data, sourceId: 'mass-sports', webhookId: 'msg_marathon', receivedAt, timestamp: '2023-10-30T18:00:00+08:00' });
    expect(EventRegisteredDetail.safeParse(detail).success).toBe(true);
  });

  const validDir = fileURLToPath(new URL('../../events/samples/valid/', import.meta.url));
  it.each(readdirSync(validDir).filter((f) => f.endsWith('.json')))('accepts the valid sample %s', async (file) => {
    const body = sampleBody(`valid/${file}`);
    const json = JSON.parse(body);
    // Received one minute after the sample's own timestamp (samples are dated across the year).
    const receivedAt = new Date(new Date(json.timestamp).getTime() + 60_000).toISOString();
    const { handler, bus } = setup({ receivedAt, sources: [source({ sourceId: 'city', orgIds: [json.data.orgId], secrets: [SECRET] })] });
    const res = await handler(signedEvent({ sourceId: 'city', body, secrets: SECRET, id: `msg_${file.replace(/\W/g, '_')}` }));
    expect(res.statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
    expect(bus.events[0]!.detailType).toBe(json.type);
  });

  it('accepts content-type with parameters, the source id from rawPath, and a base64-encoded body (verified on the decoded bytes)', async () => {
    const { handler, bus } = setup();
    const headers = { ...signHeaders({ secrets: SECRET, id: 'msg_b64', body: T08 }), 'content-type': 'Application/JSON; charset=utf-8' };
    const res = await handler(
      webhookEvent({ sourceId: 'rencheng', body: Buffer.from(T08, 'utf8').toString('base64'), isBase64Encoded: true, headers, noPathParameters: true }),
    );
    expect(res.statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
  });

  it('a request built by the sign command (scripts/sign-webhook.ts) is accepted', async () => {
    const { handler, bus } = setup();
    const signed = buildSignedRequest({ sourceId: 'rencheng', body: Buffer.from(T08), secret: SECRET, id: 'msg_cli', url: 'http://127.0.0.1:3000' });
    expect(signed.url).toBe('http://127.0.0.1:3000/v1/webhooks/rencheng');
    const res = await handler(webhookEvent({ sourceId: 'rencheng', body: T08, headers: signed.headers }));
    expect(res.statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
  });
});

describe('duplicates: webhook-id is the idempotency key', () => {
  it('an exact resend answers 202 again and stores (so publishes) nothing new', async () => {
    const { handler, bus, intake } = setup();
    const event = signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_dup' });
    expect((await handler(event)).statusCode).toBe(202);
    // Resent a minute later, re-signed with a new timestamp (what a retrying sender does).
    vi.setSystemTime(NOW.getTime() + 60_000);
    const again = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_dup' }));
    expect(again.statusCode).toBe(202);
    expect(responseJson(again)).toEqual({ id: 'msg_dup' });
    expect(bus.events).toHaveLength(1);
    expect(intake.outcomes.map((c) => c.outcome)).toEqual(['accepted', 'resend']);
  });

  it('409 for the same webhook-id with a different body; nothing is published', async () => {
    const { handler, bus, intake } = setup();
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_same' }))).statusCode).toBe(202);
    const changed = edit(T08, (j) => {
      j.data.percentComplete = 50;
    });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body: changed, secrets: SECRET, id: 'msg_same' }));
    expect(res.statusCode).toBe(409);
    expect(responseJson(res).error?.code).toBe('webhook_id_conflict');
    expect(bus.events).toHaveLength(1);
    expect(intake.records.size).toBe(1);
  });

  it('the same body re-serialised (different bytes) under the same id is a different body: 409', async () => {
    const { handler, bus } = setup();
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_bytes' }))).statusCode).toBe(202);
    const compact = JSON.stringify(JSON.parse(T08));
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: compact, secrets: SECRET, id: 'msg_bytes' }))).statusCode).toBe(409);
    expect(bus.events).toHaveLength(1);
  });

  // The audit row is the one durable write, keyed by (task, reportedAt, source, webhook-id): a
  // webhook-id reused for another report (another instant or task) is another message, stored beside
  // the first. A guard keyed by the id alone would cost a write more per report (docs/data-model.md).
  it('the same webhook-id for another report (another reportedAt) is another message: both stored', async () => {
    const { handler, bus } = setup();
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_reused' }))).statusCode).toBe(202);
    const later = edit(T08, (j) => {
      j.data.reportedAt = '2023-06-25T10:05:00+08:00';
    });
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: later, secrets: SECRET, id: 'msg_reused' }))).statusCode).toBe(202);
    expect(bus.events.map((e) => e.detail.reportedAt)).toEqual(['2023-06-25T10:00:00+08:00', '2023-06-25T10:05:00+08:00']);
  });

  it('webhook-ids are per source: two sources may use the same id', async () => {
    const other = source({ sourceId: 'yanzhou', orgIds: ['370812'], secrets: [NEW_SECRET] });
    const { handler, bus } = setup({ sources: [source({ secrets: [SECRET] }), other] });
    const yanzhouBody = edit(T08, (j) => {
      j.data.orgId = '370812';
    });
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_1' }))).statusCode).toBe(202);
    expect((await handler(signedEvent({ sourceId: 'yanzhou', body: yanzhouBody, secrets: NEW_SECRET, id: 'msg_1' }))).statusCode).toBe(202);
    expect(bus.events.map((e) => e.detail.sourceId)).toEqual(['rencheng', 'yanzhou']);
  });
});

describe('400: malformed JSON, unknown type, schema violations (every path)', () => {
  it.each([
    ['not JSON at all', 'this is not json', 'malformed_json'],
    ['truncated JSON', T08.slice(0, 100), 'malformed_json'],
    ['an empty body', '', 'malformed_json'],
    ['a JSON array', '[]', 'invalid_body'],
    ['a JSON string', '"progress.submitted"', 'invalid_body'],
    ['JSON null', 'null', 'invalid_body'],
  ])('%s → 400 %s, nothing claimed or published', async (_name, body, code) => {
    const { handler, bus, intake } = setup();
    const res = await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_bad' }));
    expect(res.statusCode).toBe(400);
    expect(responseJson(res).error?.code).toBe(code);
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
  });

  it.each([['event.updated'], [null], [42], ['PROGRESS.SUBMITTED']])('type %j → 400 unknown_type with the path "type"', async (type) => {
    const { handler, bus } = setup();
    const body = edit(T08, (j) => {
      (j as { type: unknown }).type = type;
    });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_type' }));
    expect(res.statusCode).toBe(400);
    const error = responseJson(res).error!;
    expect(error.code).toBe('unknown_type');
    expect(error.issues).toEqual([{ path: 'type', message: expect.any(String) }]);
    expect(bus.events).toHaveLength(0);
  });

  it('a missing type → 400 unknown_type', async () => {
    const { handler } = setup();
    const body = edit(T08, (j) => {
      delete (j as { type?: string }).type;
    });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_type' }));
    expect(res.statusCode).toBe(400);
    expect(responseJson(res).error?.code).toBe('unknown_type');
  });

  const expected = JSON.parse(sampleBody('invalid/expected.json')) as Record<string, { reason: string; issues: Array<{ path: Array<string | number> }> }>;
  const schemaCases = Object.entries(expected).filter(([file]) => file !== 'unknown-type.json');
  it.each(schemaCases)('invalid sample %s → 400 with every violation and its path', async (file, want) => {
    const body = sampleBody(`invalid/${file}`);
    const orgId = (JSON.parse(body) as { data?: { orgId?: string } }).data?.orgId ?? '370811';
    const { handler, bus, intake } = setup({ sources: [source({ sourceId: 'city', orgIds: [orgId], secrets: [SECRET] })] });
    const res = await handler(signedEvent({ sourceId: 'city', body, secrets: SECRET, id: 'msg_invalid' }));
    expect(res.statusCode).toBe(400);
    const error = responseJson(res).error!;
    expect(error.code).toBe('invalid_body');
    expect(error.issues?.map((i) => i.path).sort()).toEqual(want.issues.map((i) => i.path.join('.')).sort());
    for (const issue of error.issues ?? []) expect(issue.message).not.toBe('');
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
  });

  it('the unknown-type sample → 400 unknown_type', async () => {
    const { handler } = setup({ sources: [source({ sourceId: 'city', orgIds: ['jn-mass-sports'], secrets: [SECRET] })] });
    const res = await handler(signedEvent({ sourceId: 'city', body: sampleBody('invalid/unknown-type.json'), secrets: SECRET, id: 'msg_u' }));
    expect(res.statusCode).toBe(400);
    expect(responseJson(res).error?.code).toBe('unknown_type');
  });

  it('several violations in one body are all reported', async () => {
    const { handler } = setup();
    const body = edit(T08, (j) => {
      j.data.period = '2023-13';
      j.data.status = 'done';
      j.data.percentComplete = -1;
      (j.data.metrics as Array<{ value: unknown }>)[1]!.value = Number.MAX_VALUE * -1;
      (j.data.evidence as Array<{ url: string }>)[0]!.url = 'http://example.gov.cn/a.pdf';
    });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_many' }));
    expect(res.statusCode).toBe(400);
    expect(
      responseJson(res)
        .error?.issues?.map((i) => i.path)
        .sort(),
    ).toEqual(['data.evidence.0.url', 'data.metrics.1.value', 'data.percentComplete', 'data.period', 'data.status']);
  });
});

describe('401: signature missing or wrong, or timestamp outside ±5 minutes — no hint which', () => {
  async function unauthorizedBody(headers: Record<string, string | undefined>, body = T08) {
    const { handler, bus, intake, log } = setup();
    const res = await handler(webhookEvent({ sourceId: 'rencheng', body, headers }));
    expect(res.statusCode).toBe(401);
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
    expect(log.text()).not.toContain(SECRET);
    return res.body;
  }

  it('every failing part answers the same 401 body', async () => {
    const good = signHeaders({ secrets: SECRET, id: 'msg_401', body: T08 });
    const bodies = [
      await unauthorizedBody({ ...good, 'webhook-id': undefined }),
      await unauthorizedBody({ ...good, 'webhook-timestamp': undefined }),
      await unauthorizedBody({ ...good, 'webhook-signature': undefined }),
      await unauthorizedBody({ ...good, 'webhook-signature': '' }),
      await unauthorizedBody({ 'webhook-id': undefined, 'webhook-timestamp': undefined, 'webhook-signature': undefined }),
      await unauthorizedBody({ ...good, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` }),
      await unauthorizedBody({ ...good, 'webhook-timestamp': 'yesterday' }),
      await unauthorizedBody({ ...good, 'webhook-id': 'msg with spaces' }),
      await unauthorizedBody({ ...good, 'webhook-id': 'x'.repeat(129) }),
      await unauthorizedBody(signHeaders({ secrets: SECRET, id: 'msg_401', body: T08, timestampSeconds: NOW_S - 6 * 60 })),
      await unauthorizedBody(signHeaders({ secrets: SECRET, id: 'msg_401', body: T08, timestampSeconds: NOW_S + 6 * 60 })),
    ];
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
  });

  it('a signature 6 minutes old is refused; the same message signed now is accepted', async () => {
    const { handler, bus } = setup();
    const old = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_time', timestampSeconds: NOW_S - 360 }));
    expect(old.statusCode).toBe(401);
    const fresh = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_time' }));
    expect(fresh.statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
  });

  it('the window is ±5 minutes inclusive, against the real clock (Date.now)', async () => {
    const { handler } = setup();
    const at = (offset: number, id: string) => handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id, timestampSeconds: NOW_S + offset }));
    expect((await at(-300, 'msg_a')).statusCode).toBe(202);
    expect((await at(300, 'msg_b')).statusCode).toBe(202);
    expect((await at(-301, 'msg_c')).statusCode).toBe(401);
    expect((await at(301, 'msg_d')).statusCode).toBe(401);
    // A message signed "now" is stale once the real clock has moved on six minutes.
    const event = signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_e' });
    vi.setSystemTime(NOW.getTime() + 6 * 60_000);
    expect((await handler(event)).statusCode).toBe(401);
  });

  it('authentication comes before parsing: an unsigned malformed body is 401, not 400', async () => {
    await unauthorizedBody({}, '{not json');
  });

  it('a valid signature for another source is refused', async () => {
    const other = source({ sourceId: 'yanzhou', orgIds: ['370812'], secrets: [NEW_SECRET] });
    const { handler } = setup({ sources: [source({ secrets: [SECRET] }), other] });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: NEW_SECRET, id: 'msg_x' }));
    expect(res.statusCode).toBe(401);
  });
});

describe('rotation: a source with two secrets', () => {
  const rotating = () => setup({ sources: [source({ secrets: [SECRET, NEW_SECRET] })] });

  it.each([
    ['the old (still listed) secret', [SECRET]],
    ['the new secret', [NEW_SECRET]],
    ['both, space-separated', [SECRET, NEW_SECRET]],
    ['both, new first', [NEW_SECRET, SECRET]],
    ['a retired secret and the new one', [RETIRED_SECRET, NEW_SECRET]],
  ])('a signature by %s is accepted', async (_name, secrets) => {
    const { handler, bus } = rotating();
    const res = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets, id: 'msg_rot' }));
    expect(res.statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
  });

  it('a body signed with a secret no longer in the list is refused', async () => {
    const { handler, bus } = setup({ sources: [source({ secrets: [NEW_SECRET] })] });
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_old' }))).statusCode).toBe(401);
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: RETIRED_SECRET, id: 'msg_old' }))).statusCode).toBe(401);
    expect(bus.events).toHaveLength(0);
  });

  it('after the rotation completes, the old secret stops working', async () => {
    let current = [source({ secrets: [SECRET, NEW_SECRET] })];
    const registry: SourceRegistry = { get: async (id) => current.find((s) => s.sourceId === id) };
    const { handler } = setup({ registry });
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_r1' }))).statusCode).toBe(202);
    current = [source({ secrets: [NEW_SECRET] })];
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_r2' }))).statusCode).toBe(401);
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: NEW_SECRET, id: 'msg_r2' }))).statusCode).toBe(202);
  });
});

describe('403: the source may not report for that org, or may not send that type', () => {
  it('org not allowed', async () => {
    const { handler, bus, intake } = setup();
    const body = edit(T08, (j) => {
      j.data.orgId = '370812';
    });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_org' }));
    expect(res.statusCode).toBe(403);
    expect(responseJson(res).error?.code).toBe('org_not_allowed');
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
  });

  it('type not allowed', async () => {
    const { handler, bus } = setup({ sources: [source({ sourceId: 'mass-sports', orgIds: ['jn-mass-sports'], types: ['progress.submitted'], secrets: [SECRET] })] });
    const res = await handler(signedEvent({ sourceId: 'mass-sports', body: sampleBody('valid/event-marathon-2023-held.json'), secrets: SECRET, id: 'msg_t' }));
    expect(res.statusCode).toBe(403);
    expect(responseJson(res).error?.code).toBe('type_not_allowed');
    expect(bus.events).toHaveLength(0);
  });
});

describe('404, 405, 413, 415', () => {
  it('404 for an unknown source (before any signature check)', async () => {
    const { handler } = setup();
    const res = await handler(signedEvent({ sourceId: 'atlantis', body: T08, secrets: SECRET, id: 'msg_404' }));
    expect(res.statusCode).toBe(404);
    expect(responseJson(res).error?.code).toBe('unknown_source');
  });

  it('404 when the path names no source', async () => {
    const { handler } = setup();
    const event = webhookEvent({ sourceId: 'rencheng', body: T08, noPathParameters: true });
    event.rawPath = '/v1/webhooks/';
    expect((await handler(event)).statusCode).toBe(404);
  });

  it('405 for another method, with Allow: POST', async () => {
    const { handler } = setup();
    const res = await handler(webhookEvent({ sourceId: 'rencheng', method: 'GET' }));
    expect(res.statusCode).toBe(405);
    expect(res.headers?.allow).toBe('POST');
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/jsonp'], [undefined]])('415 for content-type %s', async (contentType) => {
    const { handler, bus } = setup();
    const res = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_415', headers: { 'content-type': contentType } }));
    expect(res.statusCode).toBe(415);
    expect(responseJson(res).error?.code).toBe('unsupported_media_type');
    expect(bus.events).toHaveLength(0);
  });

  it('413 over 256 KiB, before the source is even looked up', async () => {
    const get = vi.fn(async () => source({ secrets: [SECRET] }));
    const { handler } = setup({ registry: { get } });
    const res = await handler(webhookEvent({ sourceId: 'rencheng', body: 'x'.repeat(MAX_BODY_BYTES + 1) }));
    expect(res.statusCode).toBe(413);
    expect(responseJson(res).error?.code).toBe('payload_too_large');
    expect(get).not.toHaveBeenCalled();
  });

  it('counts bytes, not characters: 87,382 Chinese characters are over 256 KiB', async () => {
    const { handler } = setup();
    const body = '中'.repeat(Math.ceil(MAX_BODY_BYTES / 3) + 1);
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    expect((await handler(webhookEvent({ sourceId: 'rencheng', body }))).statusCode).toBe(413);
  });

  it('exactly 256 KiB is not too large (it goes on to the signature check)', async () => {
    const { handler } = setup();
    expect((await handler(webhookEvent({ sourceId: 'rencheng', body: 'x'.repeat(MAX_BODY_BYTES) }))).statusCode).toBe(401);
  });

  it('a base64-encoded body over 256 KiB decoded is 413', async () => {
    const { handler } = setup();
    const body = Buffer.alloc(MAX_BODY_BYTES + 1, 'x').toString('base64');
    expect((await handler(webhookEvent({ sourceId: 'rencheng', body, isBase64Encoded: true }))).statusCode).toBe(413);
  });

  // The limit counts decoded bytes, padding excluded: exactly 256 KiB (349,528 base64 chars with '==')
  // is not too large (and, unsigned, is refused as unauthorised instead).
  it('a base64-encoded body of exactly 256 KiB is not too large', async () => {
    const { handler } = setup();
    const body = Buffer.alloc(MAX_BODY_BYTES, 'x').toString('base64');
    expect((await handler(webhookEvent({ sourceId: 'rencheng', body, isBase64Encoded: true }))).statusCode).toBe(401);
  });
});

describe('422: the message names what the plan does not have', () => {
  async function unknownReference(body: string, sourceOverrides: Partial<WebhookSource> = {}, receivedAt?: string) {
    const { handler, bus, intake } = setup({ receivedAt, sources: [source({ secrets: [SECRET], ...sourceOverrides })] });
    const res = await handler(signedEvent({ sourceId: sourceOverrides.sourceId ?? 'rencheng', body, secrets: SECRET, id: 'msg_422' }));
    expect(res.statusCode).toBe(422);
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
    const error = responseJson(res).error!;
    expect(error.code).toBe('unknown_reference');
    return error.issues!;
  }

  it('unknown plan', async () => {
    const issues = await unknownReference(
      edit(T08, (j) => {
        j.data.planId = 'jining-sports-2022';
      }),
    );
    expect(issues).toEqual([{ code: 'unknown_reference', path: 'data.planId', message: expect.stringContaining('jining-sports-2022') }]);
  });

  it('unknown task', async () => {
    const issues = await unknownReference(
      edit(T08, (j) => {
        j.data.taskId = 'T99';
      }),
    );
    expect(issues).toEqual([{ code: 'unknown_reference', path: 'data.taskId', message: expect.stringContaining('T99') }]);
  });

  it('a KPI that is not the task’s, and a KPI counted from events, each with its path', async () => {
    const issues = await unknownReference(
      edit(T08, (j) => {
        j.data.metrics = [
          { kpiId: 'sports-clubs', value: 48 },
          { kpiId: 'lottery-sales', value: 1 },
          { kpiId: 'marathon-held', value: 1 },
        ];
      }),
    );
    expect(issues).toEqual([
      { code: 'unknown_reference', path: 'data.metrics.1.kpiId', message: expect.stringContaining('lottery-sales') },
      { code: 'unknown_reference', path: 'data.metrics.2.kpiId', message: expect.stringContaining('marathon-held') },
    ]);
  });

  it('a KPI counted from registered events, reported on its own task (T13 marathon-held)', async () => {
    const issues = await unknownReference(
      edit(T08, (j) => {
        j.data.taskId = 'T13';
        j.data.orgId = 'jn-mass-sports';
        j.data.metrics = [{ kpiId: 'marathon-held', value: 1 }];
      }),
      { orgIds: ['jn-mass-sports'] },
    );
    expect(issues).toEqual([{ code: 'unknown_reference', path: 'data.metrics.0.kpiId', message: expect.stringContaining('event.registered') }]);
  });

  it('a milestone of another task', async () => {
    const issues = await unknownReference(
      edit(T08, (j) => {
        j.data.completedMilestoneIds = ['T08-M1', 'T10-M1'];
      }),
    );
    expect(issues).toEqual([{ code: 'unknown_reference', path: 'data.completedMilestoneIds.1', message: expect.stringContaining('T10-M1') }]);
  });

  it('an unknown taskIds entry of a sports event', async () => {
    const body = edit(sampleBody('valid/event-marathon-2023-held.json'), (j) => {
      j.data.taskIds = ['T13', 'T99'];
    });
    const issues = await unknownReference(body, { sourceId: 'mass-sports', orgIds: ['jn-mass-sports'] }, '2023-10-30T10:00:00.000Z');
    expect(issues).toEqual([{ code: 'unknown_reference', path: 'data.taskIds.1', message: expect.stringContaining('T99') }]);
  });
});

describe('integrity: a well-formed but wrong message is refused before anything is stored', () => {
  async function refused(body: string, options: { status?: number; sourceId?: string; orgIds?: string[]; receivedAt?: string } = {}) {
    const sourceId = options.sourceId ?? 'rencheng';
    const { handler, bus, intake } = setup({ receivedAt: options.receivedAt, sources: [source({ sourceId, secrets: [SECRET], ...(options.orgIds ? { orgIds: options.orgIds } : {}) })] });
    const res = await handler(signedEvent({ sourceId, body, secrets: SECRET, id: 'msg_integrity' }));
    expect(res.statusCode).toBe(options.status ?? 422);
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
    return responseJson(res).error! as { code: string; issues: Array<{ code?: string; path: string; message: string }> };
  }
  const withData = (patch: Record<string, unknown>, base = T08) =>
    edit(base, (j) => {
      Object.assign(j.data, patch);
    });

  it('a report dated in the future (2099) → 422 time_out_of_range at data.reportedAt', async () => {
    const error = await refused(withData({ reportedAt: '2099-01-01T00:00:00Z' }));
    expect(error.code).toBe('time_out_of_range');
    expect(error.issues.map((i) => i.path)).toEqual(['data.reportedAt']);
  });

  it('local time mislabelled Z (10:00 Beijing sent as 10:00Z, received 02:20Z) → 422', async () => {
    const error = await refused(withData({ reportedAt: '2023-06-25T10:00:00Z' }));
    expect(error.issues).toEqual([{ code: 'time_out_of_range', path: 'data.reportedAt', message: expect.stringContaining('later than the time of receipt') }]);
  });

  it('an envelope timestamp in the future → 422 at timestamp', async () => {
    const body = edit(T08, (j) => {
      j.timestamp = '2023-06-25T10:30:00+08:00';
    });
    const error = await refused(body);
    expect(error.issues.map((i) => [i.code, i.path])).toEqual([['time_out_of_range', 'timestamp']]);
  });

  it('a sender clock up to 5 minutes ahead is tolerated; 5 minutes and a second is not', async () => {
    const ahead = (ms: number) => new Date(Date.parse(RECEIVED_AT) + ms).toISOString();
    const { handler } = setup();
    const ok = await handler(signedEvent({ sourceId: 'rencheng', body: withData({ reportedAt: ahead(5 * 60_000) }), secrets: SECRET, id: 'msg_skew_ok' }));
    expect(ok.statusCode).toBe(202);
    const late = await refused(withData({ reportedAt: ahead(5 * 60_000 + 1000) }));
    expect(late.code).toBe('time_out_of_range');
  });

  it('an absurd UTC offset (+23:59) is a contract violation → 400 at data.reportedAt', async () => {
    const error = await refused(withData({ reportedAt: '2023-06-24T10:00:00+23:59' }), { status: 400 });
    expect(error.code).toBe('invalid_body');
    expect(error.issues.map((i) => i.path)).toContain('data.reportedAt');
  });

  it('a report from outside the plan’s years ± 1 → 422', async () => {
    const error = await refused(withData({ reportedAt: '2021-06-25T10:00:00+08:00' }));
    expect(error.issues).toEqual([{ code: 'time_out_of_range', path: 'data.reportedAt', message: expect.stringContaining('2022–2024') }]);
  });

  it.each([
    ['2023-12', 'a June report for December (it would silence December’s 催报)', 'has not begun'],
    ['2023-07', 'a June report for July', 'has not begun'],
    ['2023-Q2', 'a quarter for a monthly task (T08)', 'monthly'],
    ['2022-06', 'a period of another year', "plan's year"],
  ])('period %s: %s → 422 invalid_period at data.period', async (period, _what, says) => {
    const error = await refused(withData({ period }));
    expect(error.code).toBe('invalid_period');
    expect(error.issues).toEqual([{ code: 'invalid_period', path: 'data.period', message: expect.stringContaining(says) }]);
  });

  it('a period that began earlier the same year is accepted (a late May report sent in June)', async () => {
    const { handler, bus } = setup();
    const res = await handler(signedEvent({ sourceId: 'rencheng', body: withData({ period: '2023-05' }), secrets: SECRET, id: 'msg_may' }));
    expect(res.statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
  });

  it('a unit not assigned to the task (高新区 on T17, the 11 counties’ 8421) → 422 unit_not_assigned at data.orgId', async () => {
    const body = withData({ taskId: 'T17', orgId: 'jn-zone-gaoxin', metrics: [{ kpiId: '8421-primary-schools', value: 500 }] });
    const error = await refused(body, { orgIds: ['jn-zone-gaoxin'] });
    expect(error.code).toBe('unit_not_assigned');
    expect(error.issues).toEqual([{ code: 'unit_not_assigned', path: 'data.orgId', message: 'jn-zone-gaoxin is not a lead or support unit of T17' }]);
  });

  it('a unit of the task reporting a KPI that only other units report (the lead office on a county quota) → 422 at the metric', async () => {
    const body = withData({ taskId: 'T17', orgId: 'jn-youth-sports', metrics: [{ kpiId: '8421-primary-schools', value: 88 }] });
    const error = await refused(body, { orgIds: ['jn-youth-sports'] });
    expect(error.issues).toEqual([{ code: 'unit_not_assigned', path: 'data.metrics.0.kpiId', message: '8421-primary-schools is not reported by jn-youth-sports' }]);
  });

  it('an event linked to a task of another unit → 422 unit_not_assigned at data.taskIds.n', async () => {
    const body = edit(sampleBody('valid/event-marathon-2023-held.json'), (j) => {
      j.data.taskIds = ['T13', 'T22'];
    });
    const error = await refused(body, { sourceId: 'mass-sports', orgIds: ['jn-mass-sports'], receivedAt: '2023-10-30T10:00:00.000Z' });
    expect(error.issues).toEqual([{ code: 'unit_not_assigned', path: 'data.taskIds.1', message: 'T22 is not a task of jn-mass-sports' }]);
  });

  it.each([[0], [2.5]])('a rank KPI reported as %s → 400 at the value (a rank is a whole number from 1)', async (value) => {
    const body = withData({ taskId: 'T07', orgId: 'jn-mass-sports', metrics: [{ kpiId: 'venue-subsidy-rank', value }] });
    const error = await refused(body, { status: 400, orgIds: ['jn-mass-sports'] });
    expect(error.code).toBe('invalid_body');
    expect(error.issues).toEqual([{ code: 'invalid_value', path: 'data.metrics.0.value', message: expect.stringContaining('rank') }]);
  });

  // Issue 15: `completed` is a completion claim (申请办结) the office reviews against its evidence.
  it('a completion claim without evidence → 422 evidence_required at data.evidence; with evidence → 202', async () => {
    const error = await refused(withData({ status: 'completed', evidence: [] }));
    expect(error.code).toBe('evidence_required');
    expect(error.issues).toEqual([{ code: 'evidence_required', path: 'data.evidence', message: expect.stringContaining('佐证材料') }]);
    // The field left out (it defaults to none) is the same claim without evidence.
    const omitted = edit(T08, (j) => {
      j.data.status = 'completed';
      delete j.data.evidence;
    });
    expect((await refused(omitted)).code).toBe('evidence_required');
    // Other statuses need none.
    const { handler } = setup();
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: withData({ status: 'in_progress', evidence: [] }), secrets: SECRET, id: 'msg_no_evidence' }))).statusCode).toBe(202);
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: withData({ status: 'completed' }), secrets: SECRET, id: 'msg_claim' }))).statusCode).toBe(202);
  });

  // Issue 15: the unit checks follow the plan as amended on the day of receipt.
  it('a unit assigned to a task by an amendment may report on it from its effective day; before, 422', async () => {
    const body = withData({ taskId: 'T01', period: '2023-Q2', metrics: [] });
    expect((await refused(body)).code).toBe('unit_not_assigned');
    const amendment = {
      planId: 'jining-sports-2023',
      version: 2,
      effectiveFrom: RECEIVED_AT.slice(0, 10),
      reason: '增加任城区为配合单位',
      changes: [{ op: 'assign_units' as const, taskId: 'T01', supportOrgIds: ['370811'] }],
      amendedAt: RECEIVED_AT,
      amendedBy: 'jwt:office',
    };
    const { handler, bus } = setup({ amender: planAmender({ list: async () => [amendment] }, { ttlMs: 0 }) });
    expect((await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_assigned' }))).statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
    const later = setup({ amender: planAmender({ list: async () => [{ ...amendment, effectiveFrom: '2099-01-01' }] }, { ttlMs: 0 }) });
    expect((await later.handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_not_yet' }))).statusCode).toBe(422);
  });

  it('every issue of a message is listed at once, each with its own code', async () => {
    const body = withData({ taskId: 'T17', orgId: 'jn-zone-gaoxin', period: '2023-12', completedMilestoneIds: ['T08-M1'] });
    const error = await refused(body, { orgIds: ['jn-zone-gaoxin'] });
    expect(error.issues.map((i) => [i.code, i.path])).toEqual([
      ['invalid_period', 'data.period'],
      ['unit_not_assigned', 'data.orgId'],
      ['unknown_reference', 'data.metrics.0.kpiId'],
      ['unknown_reference', 'data.metrics.1.kpiId'],
      ['unknown_reference', 'data.completedMilestoneIds.0'],
    ]);
    expect(error.code).toBe('invalid_period');
  });
});

describe('429: per-source rate limit with Retry-After', () => {
  it('refuses past the burst, names when to retry, and recovers with time', async () => {
    let t = 1_000_000;
    const { handler, bus } = setup({ rateLimiter: tokenBucket({ ratePerSecond: 0.5, burst: 2, now: () => t }) });
    const send = (id: string) => handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id }));
    expect((await send('msg_r1')).statusCode).toBe(202);
    expect((await send('msg_r2')).statusCode).toBe(202);
    const limited = await send('msg_r3');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers?.['retry-after']).toBe('2');
    expect(responseJson(limited).error?.code).toBe('rate_limited');
    expect(bus.events).toHaveLength(2);
    t += 2000;
    expect((await send('msg_r3')).statusCode).toBe(202);
    expect(bus.events).toHaveLength(3);
  });

  it('unauthenticated requests do not spend a source’s budget', async () => {
    const t = 1_000_000;
    const { handler } = setup({ rateLimiter: tokenBucket({ ratePerSecond: 1, burst: 1, now: () => t }) });
    for (let i = 0; i < 5; i++) {
      const res = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: RETIRED_SECRET, id: `msg_x${i}` }));
      expect(res.statusCode).toBe(401);
    }
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_ok' }))).statusCode).toBe(202);
  });

  it('buckets are per source', async () => {
    const t = 1_000_000;
    const other = source({ sourceId: 'yanzhou', orgIds: ['370812'], secrets: [NEW_SECRET] });
    const { handler } = setup({ sources: [source({ secrets: [SECRET] }), other], rateLimiter: tokenBucket({ ratePerSecond: 1, burst: 1, now: () => t }) });
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_1' }))).statusCode).toBe(202);
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_2' }))).statusCode).toBe(429);
    const yanzhou = edit(T08, (j) => {
      j.data.orgId = '370812';
    });
    expect((await handler(signedEvent({ sourceId: 'yanzhou', body: yanzhou, secrets: NEW_SECRET, id: 'msg_1' }))).statusCode).toBe(202);
  });
});

describe('503 only when the message could not be stored', () => {
  it('the table failing → 503 with Retry-After, nothing stored; the retry with the same id is accepted', async () => {
    const { handler, intake, bus, log } = setup();
    intake.failWith = Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_rs' }));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['retry-after']).toBe('1');
    expect(responseJson(res).error?.code).toBe('unavailable');
    expect(bus.events).toHaveLength(0);
    expect(log.records.some((r) => r.level === 'error' && JSON.stringify(r.extra).includes('ProvisionedThroughputExceededException'))).toBe(true);
    intake.failWith = undefined;
    expect((await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_rs' }))).statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
  });

  // When the source registry throws (Secrets Manager unavailable, or a malformed sources secret) the
  // answer is the contract's JSON error with Retry-After, like the table's failure above.
  it('the source registry failing → 503 in the error shape, with Retry-After, nothing published', async () => {
    const registry: SourceRegistry = {
      get: async () => {
        throw Object.assign(new Error('Secrets Manager can’t find the specified secret.'), { name: 'ResourceNotFoundException' });
      },
    };
    const { handler, bus, intake } = setup({ registry });
    const res = await handler(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_sm' }));
    expect(bus.events).toHaveLength(0);
    expect(intake.outcomes).toHaveLength(0);
    expect(res.statusCode).toBe(503);
    expect(responseJson(res).error?.code).toBe('unavailable');
    expect(res.headers?.['retry-after']).toBe('1');
  });
});

describe('secrets never leave the function', () => {
  it('no response or log line of any path contains a secret or a valid signature’s key material', async () => {
    const secrets = [SECRET, NEW_SECRET];
    const { handler, log } = setup({ sources: [source({ secrets })] });
    const bodies: string[] = [];
    const run = async (event: ReturnType<typeof webhookEvent>) => bodies.push((await handler(event)).body ?? '');
    await run(signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_s1' }));
    await run(signedEvent({ sourceId: 'rencheng', body: T08, secrets: RETIRED_SECRET, id: 'msg_s2' }));
    await run(signedEvent({ sourceId: 'rencheng', body: '{', secrets: SECRET, id: 'msg_s3' }));
    await run(signedEvent({ sourceId: 'rencheng', body: edit(T08, (j) => void (j.data.orgId = '1')), secrets: SECRET, id: 'msg_s4' }));
    await run(webhookEvent({ sourceId: 'rencheng', body: T08, headers: { 'webhook-id': 'm', 'webhook-timestamp': String(NOW_S), 'webhook-signature': signature(SECRET, 'n', NOW_S, T08) } }));
    const everything = bodies.join('\n') + log.text();
    for (const s of [...secrets, RETIRED_SECRET]) {
      expect(everything).not.toContain(s);
      expect(everything).not.toContain(s.slice('whsec_'.length));
    }
  });
});
