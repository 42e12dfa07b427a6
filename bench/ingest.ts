import { createHmac } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { Webhook } from 'standardwebhooks';
import { createIngestWebhookHandler } from '../functions/ingest-webhook/app.js';
import { staticSourceRegistry } from '../shared/ports/sources.js';
import type { ReceiptClaim, WebhookReceipts } from '../shared/ports/webhook-receipts.js';
import { systemClock } from '../shared/ports/clock.js';

const SECRET = `whsec_${Buffer.from('bench-secret-0123456789abcdef').toString('base64')}`;

export interface IngestResult {
  requests: number;
  handlerMicros: number;
  floorMicros: number;
  ratio: number;
}

function body(i: number): string {
  return JSON.stringify({
    type: 'progress.submitted',
    // Dated within the plan's years (the time checks refuse anything else), as a 2023 county system would.
    timestamp: '2023-06-20T10:00:05+08:00',
    data: {
      planId: 'jining-sports-2023',
      taskId: 'T08',
      orgId: '370811',
      reportedAt: '2023-06-20T10:00:00+08:00',
      period: '2023-06',
      status: 'in_progress',
      percentComplete: 40 + (i % 50),
      metrics: [{ kpiId: 'sports-clubs', value: 40 + i }],
      summary: '本月新增体育俱乐部5家，完成年度目标的8%。',
      evidence: [{ title: '备案表', url: 'https://example.gov.cn/evidence/1.pdf' }],
    },
  });
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/**
 * CPU per request of the webhook handler (verify, parse, validate, plan references, receipt claim on
 * an in-memory store, publish to a stub bus) against the floor measured in the same run: HMAC-SHA256
 * over the same signed content plus JSON.parse of the body.
 */
export async function benchIngest(requests: number): Promise<IngestResult> {
  const wh = new Webhook(SECRET);
  const events: APIGatewayProxyEventV2[] = [];
  const signed: Array<{ content: string; body: string }> = [];
  const ts = Math.floor(Date.now() / 1000);
  for (let i = 0; i < requests; i++) {
    const b = body(i);
    const id = `msg_bench_${i}`;
    const signature = wh.sign(id, new Date(ts * 1000), b);
    signed.push({ content: `${id}.${ts}.${b}`, body: b });
    events.push({
      version: '2.0',
      routeKey: 'POST /v1/webhooks/{sourceId}',
      rawPath: '/v1/webhooks/rencheng',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature },
      pathParameters: { sourceId: 'rencheng' },
      requestContext: { http: { method: 'POST', path: '/v1/webhooks/rencheng', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' } },
      body: b,
      isBase64Encoded: false,
    } as unknown as APIGatewayProxyEventV2);
  }
  const seen = new Set<string>();
  const receipts: WebhookReceipts = {
    claim: async ({ sourceId, webhookId }): Promise<ReceiptClaim> => {
      const k = `${sourceId}#${webhookId}`;
      if (seen.has(k)) return { kind: 'published' };
      seen.add(k);
      return { kind: 'new' };
    },
    markPublished: async () => {},
  };
  const handler = createIngestWebhookHandler({
    sources: staticSourceRegistry([{ sourceId: 'rencheng', orgIds: ['370811'], secrets: [SECRET], types: ['progress.submitted', 'event.registered'] }]),
    receipts,
    bus: { publish: async () => {} },
    clock: systemClock,
    logger: new Logger({ logLevel: 'SILENT' }),
  });

  // Warm up both paths (JIT), then measure.
  const key = Buffer.from(SECRET.slice(6), 'base64');
  for (let i = 0; i < Math.min(200, requests); i++) {
    createHmac('sha256', key).update(signed[i]!.content).digest('base64');
    JSON.parse(signed[i]!.body);
  }
  const warm = createIngestWebhookHandler({
    sources: staticSourceRegistry([{ sourceId: 'rencheng', orgIds: ['370811'], secrets: [SECRET], types: ['progress.submitted'] }]),
    receipts: { claim: async () => ({ kind: 'new' }), markPublished: async () => {} },
    bus: { publish: async () => {} },
    clock: systemClock,
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  for (let i = 0; i < Math.min(200, requests); i++) await warm(events[i]!);

  let t0 = cpuMicros();
  let sink = 0;
  for (const s of signed) {
    sink += createHmac('sha256', key).update(s.content).digest('base64').length;
    sink += Object.keys(JSON.parse(s.body)).length;
  }
  const floor = (cpuMicros() - t0) / requests;

  t0 = cpuMicros();
  for (const e of events) {
    const r = await handler(e);
    if (r.statusCode !== 202) throw new Error(`bench request answered ${r.statusCode}: ${r.body}`);
  }
  const handlerMicros = (cpuMicros() - t0) / requests;
  if (sink === 0) throw new Error('unreachable');
  return { requests, handlerMicros: round(handlerMicros), floorMicros: round(floor), ratio: round(handlerMicros / floor) };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
