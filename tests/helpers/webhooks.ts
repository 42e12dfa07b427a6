import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Logger } from '../../shared/ports/logger.js';
import { signWebhook, type SignedHeaders } from '../../clients/ts/signing.js';
import { busEventOf, outboxRecord } from '../../shared/adapters/dynamodb/outbox.js';
import { BusPublishError } from '../../shared/adapters/errors.js';
import type { BusEvent, EventBus } from '../../shared/ports/bus.js';
import type { AcceptedMessage, AcceptOutcome, MessageIntake } from '../../shared/ports/intake.js';
import type { WebhookSource } from '../../shared/ingest/sources.js';

/** A fresh Standard Webhooks secret: `whsec_` + base64 of 32 random bytes. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** A deterministic secret from a label (for readable fixtures). */
export function fixedSecret(label: string): string {
  return `whsec_${Buffer.from(label.padEnd(24, '.')).toString('base64')}`;
}

/** `v1,<base64>` for `id.timestamp.body` under `secret`, exactly as a county system computes it. */
export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  return signWebhook({ secret, id, body, timestampSeconds })['webhook-signature'];
}

export type { SignedHeaders };

/**
 * The three Standard Webhooks headers for `body` (the client's signer, clients/ts/signing.ts).
 * `secrets` signs with each secret, space-separated (as a sender does during rotation). The
 * timestamp defaults to now (`Date.now()`, so fake timers apply).
 */
export function signHeaders(options: {
  secrets: string | readonly string[];
  id: string;
  body: string;
  timestampSeconds?: number;
}): SignedHeaders {
  return signWebhook({
    secret: options.secrets,
    id: options.id,
    body: options.body,
    ...(options.timestampSeconds === undefined ? {} : { timestampSeconds: options.timestampSeconds }),
  });
}

/**
 * An HTTP API (payload format 2.0) event for `POST /v1/webhooks/{sourceId}`, with lower-cased
 * headers as API Gateway delivers them. `headers` replace the defaults (`content-type: application/json`);
 * a header given as `undefined` is removed.
 */
export function webhookEvent(options: {
  sourceId: string;
  body?: string;
  headers?: Record<string, string | undefined>;
  method?: string;
  isBase64Encoded?: boolean;
  /** Leave `pathParameters` out (the handler then reads the id from `rawPath`). */
  noPathParameters?: boolean;
}): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries({ 'content-type': 'application/json', ...options.headers })) {
    if (v !== undefined) headers[k.toLowerCase()] = v;
  }
  const rawPath = `/v1/webhooks/${options.sourceId}`;
  const method = options.method ?? 'POST';
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: 'POST /v1/webhooks/{sourceId}',
    rawPath,
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test.execute-api.cn-north-1.amazonaws.com.cn',
      domainPrefix: 'test',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'county-system/1.0' },
      requestId: `req-${Math.random().toString(36).slice(2)}`,
      routeKey: 'POST /v1/webhooks/{sourceId}',
      stage: '$default',
      time: '25/Jun/2023:02:20:00 +0000',
      timeEpoch: Date.now(),
    },
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
  if (!options.noPathParameters) event.pathParameters = { sourceId: options.sourceId };
  if (options.body !== undefined) event.body = options.body;
  return event;
}

/** A signed webhook event: `body` signed with `secrets` under `id` (extra headers override). */
export function signedEvent(options: {
  sourceId: string;
  body: string;
  secrets: string | readonly string[];
  id: string;
  timestampSeconds?: number;
  headers?: Record<string, string | undefined>;
}): APIGatewayProxyEventV2 {
  const signed = signHeaders({
    secrets: options.secrets,
    id: options.id,
    body: options.body,
    ...(options.timestampSeconds === undefined ? {} : { timestampSeconds: options.timestampSeconds }),
  });
  return webhookEvent({ sourceId: options.sourceId, body: options.body, headers: { ...signed, ...options.headers } });
}

/** The response body parsed (the handler always answers JSON). */
export function responseJson(res: APIGatewayProxyStructuredResultV2): {
  id?: string;
  error?: { code: string; message: string; issues?: Array<{ path: string; message: string }> };
} {
  return JSON.parse(res.body ?? 'null');
}

const SAMPLES = fileURLToPath(new URL('../../events/samples/', import.meta.url));

/** The exact bytes of a sample under `events/samples/` (e.g. `valid/progress-t08-rencheng.json`). */
export function sampleBody(relativePath: string): string {
  return readFileSync(`${SAMPLES}${relativePath}`, 'utf8');
}

/**
 * An in-memory `MessageIntake` with the semantics of the DynamoDB adapter: the same records under the
 * same keys (shared/adapters/dynamodb/outbox.ts), put once; a resend is told from another body by the hash.
 */
export class InMemoryIntake implements MessageIntake {
  /** Stored records by `pk|sk`, in the order they were stored (what the table's stream carries). */
  readonly records = new Map<string, Record<string, unknown>>();
  readonly outcomes: Array<{ sourceId: string; webhookId: string; outcome: AcceptOutcome }> = [];
  /** When set, `accept` rejects with it (the table did not answer). */
  failWith?: Error;

  async accept(message: AcceptedMessage, bodyHash: string): Promise<AcceptOutcome> {
    if (this.failWith) throw this.failWith;
    const record = outboxRecord(message, bodyHash);
    const key = `${String(record.pk)}|${String(record.sk)}`;
    const old = this.records.get(key);
    let outcome: AcceptOutcome;
    if (!old) {
      this.records.set(key, record);
      outcome = 'accepted';
    } else {
      outcome = old.bodyHash === bodyHash ? 'resend' : 'conflict';
    }
    this.outcomes.push({ sourceId: message.detail.sourceId, webhookId: message.detail.webhookId, outcome });
    return outcome;
  }

  /** What the relay puts on the bus from the stream: one event per stored record, in order. */
  get events(): BusEvent[] {
    return [...this.records.values()].map((r) => busEventOf(r)!);
  }
}

/** A bus that records what it took; `failNext(n)` makes the next n publishes reject with BusPublishError. */
export class RecordingBus implements EventBus {
  readonly events: BusEvent[] = [];
  private failures = 0;

  failNext(n = 1): void {
    this.failures = n;
  }

  async publish(events: readonly BusEvent[]): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new BusPublishError('EventBridge rejected 1 of 1 entries (InternalFailure)', 1);
    }
    this.events.push(...events);
  }
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  extra: unknown[];
}

/** A Logger (shared/ports/logger.ts) that keeps every call, so that tests can inspect what was logged. */
export function recordingLogger(): { logger: Logger; records: LogRecord[]; text: () => string } {
  const records: LogRecord[] = [];
  const at =
    (level: LogRecord['level']) =>
    (message: string, ...extra: unknown[]) => {
      records.push({ level, message, extra });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return {
    logger,
    records,
    text: () =>
      JSON.stringify(records, (_k, v: unknown) => (v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v)),
  };
}

/** A source with defaults for 任城区 (rencheng → 370811). */
export function source(overrides: Partial<WebhookSource> = {}): WebhookSource {
  return {
    sourceId: 'rencheng',
    orgIds: ['370811'],
    secrets: [fixedSecret('rencheng-secret')],
    types: ['progress.submitted', 'event.registered'],
    ...overrides,
  };
}
