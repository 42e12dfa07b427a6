import { createHmac } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { createIngestWebhookHandler } from '../functions/ingest-webhook/app.js';
import { staticSourceRegistry } from '../shared/ingest/sources.js';
import type { AcceptOutcome, MessageIntake } from '../shared/ports/intake.js';
import { systemClock } from '../shared/time/clocks.js';
import sample from '../events/samples/valid/progress-t08-rencheng-clubs.json' with { type: 'json' };

const SECRET = `whsec_${Buffer.from('bench-secret-0123456789abcdef').toString('base64')}`;

export interface IngestResult {
  requests: number;
  handlerMicros: number;
  floorMicros: number;
  ratio: number;
}

/** The sample report (events/samples, the OpenAPI example), a fresh figure per request. */
function body(i: number): string {
  return JSON.stringify({
    ...sample,
    data: { ...sample.data, percentComplete: 40 + (i % 50), metrics: [{ kpiId: 'sports-clubs', value: 40 + i }] },
  });
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * CPU per request of the webhook handler (verify, parse, validate, plan references, body hash, the
 * durable accept on an in-memory intake) against the floor measured in the same run: HMAC-SHA256
 * over the same signed content plus JSON.parse of the body. Both are measured in `ROUNDS`
 * alternating rounds of `requests` fresh messages and the medians are compared: one round of each
 * swings by half on a shared machine (garbage collection, other processes), the median much less.
 */
export const ROUNDS = 5;

export async function benchIngest(requests: number): Promise<IngestResult> {
  const seen = new Set<string>();
  const intake: MessageIntake = {
    accept: async ({ detail }): Promise<AcceptOutcome> => {
      const k = `${detail.sourceId}#${detail.webhookId}`;
      if (seen.has(k)) return 'resend';
      seen.add(k);
      return 'accepted';
    },
  };
  const handler = createIngestWebhookHandler({
    sources: staticSourceRegistry([
      { sourceId: 'rencheng', orgIds: ['370811'], secrets: [SECRET], types: ['progress.submitted', 'event.registered'] },
    ]),
    intake,
    clock: systemClock,
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  const key = Buffer.from(SECRET.slice(6), 'base64');

  const floors: number[] = [];
  const handlers: number[] = [];
  let sink = 0;
  for (let round = -1; round < ROUNDS; round++) {
    const { events, signed } = signedRequests(`r${round}`, requests);
    // Round -1 warms both paths up (JIT) and is not counted.
    let t0 = cpuMicros();
    for (const s of signed) {
      sink += createHmac('sha256', key).update(s.content).digest('base64').length;
      sink += Object.keys(JSON.parse(s.body) as object).length;
    }
    const floor = (cpuMicros() - t0) / requests;
    t0 = cpuMicros();
    for (const e of events) {
      const r = await handler(e);
      if (r.statusCode !== 202) throw new Error(`bench request answered ${r.statusCode}: ${r.body}`);
    }
    const handlerMicros = (cpuMicros() - t0) / requests;
    if (round >= 0) {
      floors.push(floor);
      handlers.push(handlerMicros);
    }
  }
  if (sink === 0) throw new Error('unreachable');
  const handlerMicros = median(handlers);
  const floor = median(floors);
  return { requests, handlerMicros: round(handlerMicros), floorMicros: round(floor), ratio: round(handlerMicros / floor) };
}

/** `requests` signed webhooks (ids prefixed with `tag`), and the HMAC input and body of each for the floor. */
function signedRequests(tag: string, requests: number) {
  const wh = new Webhook(SECRET);
  const events: APIGatewayProxyEventV2[] = [];
  const signed: Array<{ content: string; body: string }> = [];
  const ts = Math.floor(Date.now() / 1000);
  for (let i = 0; i < requests; i++) {
    const b = body(i);
    const id = `msg_bench_${tag}_${i}`;
    const signature = wh.sign(id, new Date(ts * 1000), b);
    signed.push({ content: `${id}.${ts}.${b}`, body: b });
    events.push({
      version: '2.0',
      routeKey: 'POST /v1/webhooks/{sourceId}',
      rawPath: '/v1/webhooks/rencheng',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature },
      pathParameters: { sourceId: 'rencheng' },
      requestContext: {
        http: { method: 'POST', path: '/v1/webhooks/rencheng', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
      },
      body: b,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2);
  }
  return { events, signed };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
