import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { mockClient } from 'aws-sdk-client-mock';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createIngestWebhookHandler, MAX_BODY_BYTES } from '../../functions/ingest-webhook/app.js';
import { SecretsSourceRegistry } from '../../shared/adapters/aws/secrets-source-registry.js';
import type { RateLimiter } from '../../shared/ingest/rate-limiter.js';
import { staticSourceRegistry, type WebhookSource } from '../../shared/ingest/sources.js';
import { InMemoryIntake, newSecret, sampleBody, signature, webhookEvent } from '../helpers/webhooks.js';

/**
 * Secrets never reach logs, errors or responses (issue 10). Everything the ingest function writes
 * (a real Powertools Logger at DEBUG, captured at stdout/stderr) and answers is collected across every
 * path, and searched for the secrets, their key material (base64 and hex) and every signature sent.
 */

const OLD = newSecret();
const NEW = newSecret();
const OTHER_SOURCE_SECRET = newSecret();
const ATTACKER = newSecret();
const ALL_SECRETS = [OLD, NEW, OTHER_SOURCE_SECRET, ATTACKER];

const SOURCES: WebhookSource[] = [
  { sourceId: 'rencheng', orgIds: ['370811'], secrets: [OLD, NEW], types: ['progress.submitted', 'event.registered'] },
  { sourceId: 'lottery-center', orgIds: ['jn-lottery-center'], secrets: [OTHER_SOURCE_SECRET], types: ['progress.submitted'] },
  { sourceId: 'limited', orgIds: ['370811'], secrets: [OTHER_SOURCE_SECRET], types: ['progress.submitted'] },
];

/** Every forbidden string a secret gives: itself, its base64 key, the key in hex. */
function keyMaterial(secrets: readonly string[]): string[] {
  return secrets.flatMap((s) => {
    const b64 = s.slice('whsec_'.length);
    return [s, b64, Buffer.from(b64, 'base64').toString('hex')];
  });
}

/** Captures whatever the process writes to stdout and stderr (where Powertools' Console writes). */
function captureOutput(): { text: () => string; restore: () => void } {
  const chunks: string[] = [];
  const grab = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
    return true;
  };
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(grab);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(grab);
  return {
    text: () => chunks.join(''),
    restore: () => {
      out.mockRestore();
      err.mockRestore();
    },
  };
}

const now = () => Math.floor(Date.now() / 1000);
const progress = sampleBody('valid/progress-t08-rencheng.json');

interface Case {
  name: string;
  status: number;
  event: () => APIGatewayProxyEventV2;
}

describe('secrets never in logs or responses: the ingest handler with a real Powertools logger', () => {
  let capture: ReturnType<typeof captureOutput>;
  beforeEach(() => {
    capture = captureOutput();
  });
  afterEach(() => capture.restore());

  it('on every answer (202 400 401 403 404 409 413 415 422 429 503) logs and returns no secret, key or signature', async () => {
    const signaturesSent: string[] = [];
    /** A signed event; every signature value is remembered so that the test can look for it. */
    const signed = (options: {
      sourceId: string;
      id: string;
      body: string;
      secrets: readonly string[];
      ts?: number;
      contentType?: string;
      signatureOverride?: (sig: string) => string;
    }) => {
      const ts = options.ts ?? now();
      const sigs = options.secrets.map((s) => signature(s, options.id, ts, options.body));
      signaturesSent.push(...sigs.map((s) => s.slice(3)));
      const header = sigs.join(' ');
      const sent = options.signatureOverride ? options.signatureOverride(header) : header;
      signaturesSent.push(
        ...sent
          .split(' ')
          .map((s) => s.slice(3))
          .filter((s) => s.length > 8),
      );
      return webhookEvent({
        sourceId: options.sourceId,
        body: options.body,
        headers: {
          'content-type': options.contentType ?? 'application/json',
          'webhook-id': options.id,
          'webhook-timestamp': String(ts),
          'webhook-signature': sent,
        },
      });
    };
    const withData = (patch: Record<string, unknown>) => {
      const b = JSON.parse(progress) as { data: Record<string, unknown> };
      return JSON.stringify({ ...b, data: { ...b.data, ...patch } });
    };

    const intake = new InMemoryIntake();
    const limiter: RateLimiter = { take: (key) => (key === 'limited' ? { ok: false, retryAfterSeconds: 7 } : { ok: true }) };
    const logger = new Logger({ serviceName: 'ingest-webhook', logLevel: 'DEBUG' });
    const handler = createIngestWebhookHandler({
      sources: staticSourceRegistry(SOURCES),
      intake,
      clock: { now: () => new Date() },
      logger,
      rateLimiter: limiter,
    });

    const cases: Case[] = [
      {
        name: 'accepted (new secret)',
        status: 202,
        event: () => signed({ sourceId: 'rencheng', id: 'msg_ok', body: progress, secrets: [NEW] }),
      },
      {
        name: 'exact resend (old secret)',
        status: 202,
        event: () => signed({ sourceId: 'rencheng', id: 'msg_ok', body: progress, secrets: [OLD] }),
      },
      {
        name: 'both secrets during rotation',
        status: 202,
        event: () => signed({ sourceId: 'rencheng', id: 'msg_both', body: progress, secrets: [OLD, NEW] }),
      },
      {
        name: 'conflict',
        status: 409,
        event: () => signed({ sourceId: 'rencheng', id: 'msg_ok', body: progress.replace('48', '49'), secrets: [NEW] }),
      },
      {
        name: 'malformed JSON',
        status: 400,
        event: () => signed({ sourceId: 'rencheng', id: 'msg_json', body: '{"type": "progress.submitted", ', secrets: [NEW] }),
      },
      {
        name: 'schema violation',
        status: 400,
        event: () =>
          signed({ sourceId: 'rencheng', id: 'msg_schema', body: withData({ status: 'done', secretLike: NEW }), secrets: [NEW] }),
      },
      {
        name: 'wrong secret',
        status: 401,
        event: () => signed({ sourceId: 'rencheng', id: 'msg_forged', body: progress, secrets: [ATTACKER] }),
      },
      {
        name: 'another source’s secret',
        status: 401,
        event: () => signed({ sourceId: 'rencheng', id: 'msg_other', body: progress, secrets: [OTHER_SOURCE_SECRET] }),
      },
      {
        name: 'truncated signature',
        status: 401,
        event: () =>
          signed({ sourceId: 'rencheng', id: 'msg_trunc', body: progress, secrets: [NEW], signatureOverride: (s) => s.slice(0, -4) }),
      },
      {
        name: 'wrong version tag',
        status: 401,
        event: () =>
          signed({
            sourceId: 'rencheng',
            id: 'msg_v2',
            body: progress,
            secrets: [NEW],
            signatureOverride: (s) => s.replace(/^v1,/, 'v2,'),
          }),
      },
      {
        name: 'old timestamp',
        status: 401,
        event: () => signed({ sourceId: 'rencheng', id: 'msg_old', body: progress, secrets: [NEW], ts: now() - 3600 }),
      },
      {
        name: 'no signature',
        status: 401,
        event: () =>
          webhookEvent({
            sourceId: 'rencheng',
            body: progress,
            headers: { 'webhook-id': 'msg_nosig', 'webhook-timestamp': String(now()) },
          }),
      },
      {
        name: 'org not allowed',
        status: 403,
        event: () => signed({ sourceId: 'rencheng', id: 'msg_org', body: withData({ orgId: '370881' }), secrets: [NEW] }),
      },
      {
        name: 'type not allowed',
        status: 403,
        event: () =>
          signed({
            sourceId: 'lottery-center',
            id: 'msg_type',
            body: sampleBody('valid/event-marathon-2023-held.json'),
            secrets: [OTHER_SOURCE_SECRET],
          }),
      },
      { name: 'unknown source', status: 404, event: () => signed({ sourceId: 'nowhere', id: 'msg_404', body: progress, secrets: [NEW] }) },
      {
        name: 'too large',
        status: 413,
        event: () =>
          signed({ sourceId: 'rencheng', id: 'msg_big', body: withData({ summary: 'x'.repeat(MAX_BODY_BYTES) }), secrets: [NEW] }),
      },
      {
        name: 'not JSON',
        status: 415,
        event: () => signed({ sourceId: 'rencheng', id: 'msg_415', body: progress, secrets: [NEW], contentType: 'text/plain' }),
      },
      {
        name: 'unknown task',
        status: 422,
        event: () => signed({ sourceId: 'rencheng', id: 'msg_422', body: withData({ taskId: 'T99' }), secrets: [NEW] }),
      },
      {
        name: 'rate limited',
        status: 429,
        event: () => signed({ sourceId: 'limited', id: 'msg_429', body: progress, secrets: [OTHER_SOURCE_SECRET] }),
      },
      {
        name: 'message store failed',
        status: 503,
        event: () => {
          intake.failWith = Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' });
          return signed({ sourceId: 'rencheng', id: 'msg_store', body: progress.replace('48', '51'), secrets: [NEW] });
        },
      },
    ];

    const answers: APIGatewayProxyStructuredResultV2[] = [];
    const statuses: Record<string, number> = {};
    for (const c of cases) {
      const res = await handler(c.event());
      answers.push(res);
      statuses[c.name] = res.statusCode ?? 0;
    }
    expect(statuses).toEqual(Object.fromEntries(cases.map((c) => [c.name, c.status])));

    const logs = capture.text();
    // The capture did see the logger (so the search below is not vacuous).
    expect(logs).toContain('"message":"webhook accepted"');
    expect(logs).toContain('"message":"webhook signature rejected"');
    expect(logs).toContain('"message":"message store unavailable"');
    expect(logs).toContain('msg_forged');

    const responses = JSON.stringify(answers);
    const forbidden = [...keyMaterial(ALL_SECRETS), ...signaturesSent];
    expect(signaturesSent.length).toBeGreaterThan(20);
    for (const f of forbidden) {
      expect(logs, 'logs').not.toContain(f);
      expect(responses, 'responses').not.toContain(f);
    }
    // The 401s are indistinguishable: no hint which part failed.
    const unauthorized = answers.filter((a) => a.statusCode === 401).map((a) => a.body);
    expect(new Set(unauthorized).size).toBe(1);
  });
});

/** One mock of Secrets Manager for the file (mocks of the same client class would share its prototype). */
const sm = mockClient(SecretsManagerClient);

describe('secrets never in errors or logs: the sources secret (Secrets Manager) when it is malformed', () => {
  let capture: ReturnType<typeof captureOutput>;
  beforeEach(() => {
    sm.reset();
    capture = captureOutput();
  });
  afterEach(() => capture.restore());

  const sourcesJson = (secrets: string[]) =>
    JSON.stringify({ sources: [{ sourceId: 'rencheng', orgIds: ['370811'], secrets, types: ['progress.submitted'] }] });

  const malformed: Array<[string, string]> = [
    ['not JSON (cut off after a secret)', sourcesJson([OLD, NEW]).slice(0, 90)],
    ['a secret that is not base64', sourcesJson([`${OLD}!`, NEW])],
    ['three secrets', sourcesJson([OLD, NEW, OTHER_SOURCE_SECRET])],
    [
      'an unknown field holding a secret',
      JSON.stringify({
        sources: [{ sourceId: 'rencheng', orgIds: ['370811'], secrets: [OLD], types: ['progress.submitted'], backup: NEW }],
      }),
    ],
  ];

  it.each(malformed)(
    '%s: the registry error names paths only, and the handler logs and answers nothing secret',
    async (_label, secretString) => {
      expect(secretString).toContain(OLD.slice(0, 20));
      sm.on(GetSecretValueCommand).resolves({ SecretString: secretString });
      const registry = new SecretsSourceRegistry(new SecretsManagerClient({}), 'arn:sources');
      const err = await registry.get('rencheng').then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err?.message).toMatch(/sources secret is (not valid JSON|malformed at)/);

      const handler = createIngestWebhookHandler({
        sources: registry,
        intake: new InMemoryIntake(),
        clock: { now: () => new Date() },
        logger: new Logger({ serviceName: 'ingest-webhook', logLevel: 'DEBUG' }),
      });
      const ts = now();
      const event = webhookEvent({
        sourceId: 'rencheng',
        body: progress,
        headers: { 'webhook-id': 'msg_sm', 'webhook-timestamp': String(ts), 'webhook-signature': signature(NEW, 'msg_sm', ts, progress) },
      });
      const thrown = await handler(event).then(
        (res) => JSON.stringify(res),
        (e: unknown) => `${(e as Error).name}: ${(e as Error).message}\n${(e as Error).stack ?? ''}`,
      );
      const everything = [err?.message, err?.stack, thrown, capture.text()].join('\n');
      for (const f of keyMaterial([OLD, NEW, OTHER_SOURCE_SECRET])) expect(everything).not.toContain(f);
    },
  );
});

describe('secrets never in logs: the Lambda entry (middy + Powertools, AWS clients mocked)', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  let capture: ReturnType<typeof captureOutput>;
  beforeEach(() => {
    capture = captureOutput();
  });
  afterEach(() => {
    capture.restore();
    vi.unstubAllEnvs();
  });

  it('from a cold start to 202, 401 and 503, and through a malformed sources secret', async () => {
    vi.stubEnv('SOURCES_SECRET_ARN', 'arn:aws-cn:secretsmanager:cn-north-1:000000000000:secret:sources');
    vi.stubEnv('TABLE_NAME', 'supervision');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
    vi.stubEnv('AWS_REGION', 'cn-north-1');
    sm.reset();
    sm.on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: `{"sources":[{"sourceId":"rencheng","secrets":["${NEW}"` })
      .resolves({ SecretString: JSON.stringify({ sources: SOURCES }) });
    // The first message is stored; the table times out on the second.
    ddb
      .on(PutCommand)
      .resolvesOnce({})
      .rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));
    ddb.on(UpdateCommand).resolves({});
    // The plan's amendments, for the unit checks (issue 15): none.
    ddb.on(QueryCommand).resolves({ Items: [] });

    vi.resetModules();
    const { handler } = await import('../../functions/ingest-webhook/handler.js');
    const context = {
      functionName: 'ingest-webhook',
      awsRequestId: 'req-1',
      invokedFunctionArn: 'arn:aws-cn:lambda:cn-north-1:000000000000:function:ingest-webhook',
      memoryLimitInMB: '256',
      functionVersion: '$LATEST',
      getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context;
    const send = (id: string, body: string, secret: string) => {
      const ts = now();
      return webhookEvent({
        sourceId: 'rencheng',
        body,
        headers: { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature(secret, id, ts, body) },
      });
    };
    const sent: string[] = [];
    const invoke = async (id: string, body: string, secret: string) => {
      const event = send(id, body, secret);
      sent.push((event.headers['webhook-signature'] ?? '').slice(3));
      return (handler as unknown as (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>)(
        event,
        context,
      ).then(
        (r) => JSON.stringify(r),
        (e: unknown) => `${(e as Error).name}: ${(e as Error).message}\n${(e as Error).stack ?? ''}`,
      );
    };

    const results = [
      await invoke('msg_cold', progress, NEW), // the sources secret is cut off: 503, the error named in the log only
      await invoke('msg_ok', progress, OLD),
      await invoke('msg_bad', progress, ATTACKER),
      await invoke('msg_store', progress.replace('48', '52'), NEW),
    ];
    expect(results[0]).toContain('"statusCode":503');
    expect(results[0]).toContain('unavailable');
    expect(results[1]).toContain('"statusCode":202');
    expect(results[2]).toContain('"statusCode":401');
    expect(results[3]).toContain('"statusCode":503');

    const logs = capture.text();
    expect(logs).toContain('"function_name":"ingest-webhook"');
    expect(logs).toContain('msg_bad');
    expect(logs).toContain('source registry unavailable');
    expect(logs).toContain('sources secret is not valid JSON');
    const everything = `${results.join('\n')}\n${logs}`;
    for (const f of [...keyMaterial(ALL_SECRETS), ...sent]) expect(everything).not.toContain(f);
  });
});
