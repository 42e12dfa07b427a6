import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { MAX_BODY_BYTES } from '../../functions/ingest-webhook/app.js';
import { EventRegisteredDetail, ProgressSubmittedDetail } from '../../events/schemas.js';
import { reportSk, taskAuditPk } from '../../shared/adapters/dynamodb/keys.js';
import type { SourceRegistry } from '../../shared/ports/sources.js';
import { tokenBucket } from '../../shared/ingest/rate-limiter.js';
import { buildSignedRequest } from '../../scripts/sign-webhook.js';
import { responseJson, sampleBody, signedEvent, signHeaders, source, webhookEvent } from '../helpers/webhooks.js';
import { NOW, RECEIVED_AT, SECRET, NEW_SECRET, RETIRED_SECRET, T08, setup, edit, pinDateToNow } from '../helpers/ingest-webhook.js';

pinDateToNow();

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
    const { handler, intake } = setup({
      receivedAt,
      sources: [source({ sourceId: 'mass-sports', orgIds: ['jn-mass-sports'], secrets: [SECRET] })],
    });
    const res = await handler(signedEvent({ sourceId: 'mass-sports', body, secrets: SECRET, id: 'msg_marathon' }));
    expect(res.statusCode).toBe(202);
    expect([...intake.records.keys()]).toEqual(['WEBHOOK#mass-sports#msg_marathon|EVENT']);
    const [entry] = intake.events;
    expect(entry!.detailType).toBe('event.registered');
    const detail = entry!.detail;
    expect(detail).toEqual({
      ...JSON.parse(body).data,
      sourceId: 'mass-sports',
      webhookId: 'msg_marathon',
      receivedAt,
      timestamp: '2023-10-30T18:00:00+08:00',
    });
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
      webhookEvent({
        sourceId: 'rencheng',
        body: Buffer.from(T08, 'utf8').toString('base64'),
        isBase64Encoded: true,
        headers,
        noPathParameters: true,
      }),
    );
    expect(res.statusCode).toBe(202);
    expect(bus.events).toHaveLength(1);
  });

  it('a request built by the sign command (scripts/sign-webhook.ts) is accepted', async () => {
    const { handler, bus } = setup();
    const signed = buildSignedRequest({
      sourceId: 'rencheng',
      body: Buffer.from(T08),
      secret: SECRET,
      id: 'msg_cli',
      url: 'http://127.0.0.1:3000',
    });
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

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/jsonp'], [undefined]])(
    '415 for content-type %s',
    async (contentType) => {
      const { handler, bus } = setup();
      const res = await handler(
        signedEvent({ sourceId: 'rencheng', body: T08, secrets: SECRET, id: 'msg_415', headers: { 'content-type': contentType } }),
      );
      expect(res.statusCode).toBe(415);
      expect(responseJson(res).error?.code).toBe('unsupported_media_type');
      expect(bus.events).toHaveLength(0);
    },
  );

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
    const { handler } = setup({
      sources: [source({ secrets: [SECRET] }), other],
      rateLimiter: tokenBucket({ ratePerSecond: 1, burst: 1, now: () => t }),
    });
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
    expect(log.records.some((r) => r.level === 'error' && JSON.stringify(r.extra).includes('ProvisionedThroughputExceededException'))).toBe(
      true,
    );
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
