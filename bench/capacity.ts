import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { Logger } from '@aws-lambda-powertools/logger';
import { Webhook } from 'standardwebhooks';
import { createAggregateKpisHandler } from '../functions/aggregate-kpis/app.js';
import { createIngestWebhookHandler } from '../functions/ingest-webhook/app.js';
import { createRelayOutboxHandler } from '../functions/relay-outbox/app.js';
import { StreamCheckpoints, StreamPoller, dynamoDbStream } from '../local/stream.js';
import { DynamoReviewStore } from '../shared/adapters/dynamodb/review-store.js';
import { documentClient } from '../shared/adapters/aws/clients.js';
import { SummingCapacityMeter } from '../shared/adapters/dynamodb/capacity.js';
import { DynamoIntake } from '../shared/adapters/dynamodb/intake.js';
import { isOutboxInsert } from '../shared/adapters/dynamodb/outbox.js';
import { DynamoRateBudget } from '../shared/adapters/dynamodb/rate-budget.js';
import { DynamoSnapshotStore } from '../shared/adapters/dynamodb/snapshot-store.js';
import { DynamoStateStore } from '../shared/adapters/dynamodb/state-store.js';
import { createTableInput } from '../shared/adapters/dynamodb/table-definition.js';
import { RateLimitEnv } from '../shared/config/env.js';
import { sharedRateLimiter } from '../shared/ingest/shared-rate-limiter.js';
import type { BusEvent } from '../shared/ports/bus.js';
import { fixedClock } from '../shared/time/clocks.js';
import { staticSourceRegistry } from '../shared/ingest/sources.js';
import { getPlan } from '../shared/plan/catalog.js';
import { STREAM_RELAY } from '../shared/routing.js';
import { EventRegisteredDetail, type ProgressSubmittedDetail } from '../events/schemas.js';
import { reportLoad, type Random } from './load.js';

export interface CapacityScale {
  factor: number;
  reports: number;
  aggregationRead: number;
  aggregationWrite: number;
  reminderRead: number;
  reminderWrite: number;
}

export interface CapacityResult {
  /**
   * Write units DynamoDB charges per one-metric progress event (the sample report's size), from the
   * webhook to the unit's state, for a source sending a burst (reports in one rate window): the audit
   * row, the unit item, and the shared rate budget's lease shared by the burst.
   */
  wcuPerProgressEvent: number;
  wcuPerProgressEventConsumer: number;
  wcuPerProgressEventIngest: number;
  /** Reports in the burst, and how many lease writes they needed. */
  burst: { reports: number; leases: number };
  /** The same for a report alone in its rate window (it pays a whole lease). */
  wcuPerLoneProgressEvent: number;
  /** Read units of the consumer's read-merge-write per report (not write units: listed apart). */
  rcuPerProgressEventConsumer: number;
  /** event.registered: the event message at ingest + the registration (a new event is a transaction: 2 units per item). */
  wcuPerEventRegistered: number;
  scales: CapacityScale[];
  reminderReadsGrowth: number;
  /** Read units of a year (366 days) of `GET …/snapshots`: the trend items, and the full snapshots it used to read. */
  trendYear: { days: number; readTrend: number; readFullSnapshots: number };
}

export type ReminderRun = (
  doc: ReturnType<typeof documentClient>,
  tableName: string,
  meter: SummingCapacityMeter,
  now: string,
) => Promise<void>;

const SOURCE = 'rencheng';
const SECRET = `whsec_${Buffer.from('bench-capacity-secret-0123456789').toString('base64')}`;
const silent = new Logger({ logLevel: 'SILENT' });

/**
 * The sample report (events/samples) with one metric — the size the target is stated for — made
 * `offsetMinutes + i` minutes after the sample's own time, so that each is newer than the last and
 * moves the unit's state (a report that changes nothing is not written at all).
 */
function sampleBodies(count: number, offsetMinutes: number): string[] {
  const sample = JSON.parse(readFileSync('events/samples/valid/progress-t08-rencheng.json', 'utf8')) as {
    data: { reportedAt: string; metrics: unknown[] };
  };
  sample.data.metrics = sample.data.metrics.slice(-1);
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(Date.parse(sample.data.reportedAt) + (offsetMinutes + i) * 60_000).toISOString();
    return JSON.stringify({ ...sample, data: { ...sample.data, reportedAt: at } });
  });
}

/**
 * Every write of `bodies` from the webhook to the unit's state, metered: the ingest handler with the
 * DynamoDB intake and the shared rate budget (the default rate, one window), the relay reading the
 * table's stream as the event source mapping does, and the consumer's store.
 */
async function meteredPath(
  endpoint: string,
  doc: ReturnType<typeof documentClient>,
  tableName: string,
  bodies: string[],
  windowMs: number,
) {
  const ingestMeter = new SummingCapacityMeter();
  const consumerMeter = new SummingCapacityMeter();
  const rate = RateLimitEnv.parse({}).rateLimit!;
  const ingest = createIngestWebhookHandler({
    sources: staticSourceRegistry([
      { sourceId: SOURCE, orgIds: ['370811'], secrets: [SECRET], types: ['progress.submitted', 'event.registered'] },
    ]),
    intake: new DynamoIntake(doc, tableName, ingestMeter),
    rateLimiter: sharedRateLimiter({
      store: new DynamoRateBudget(doc, tableName, ingestMeter),
      ratePerSecond: rate.ratePerSecond,
      now: () => windowMs,
    }),
    clock: fixedClock('2023-06-26T00:00:00Z'),
    logger: silent,
  });
  const wh = new Webhook(SECRET);
  for (const [i, body] of bodies.entries()) {
    const id = `msg_capacity_${windowMs}_${i}`;
    const now = new Date();
    const res = await ingest({
      version: '2.0',
      routeKey: 'POST /v1/webhooks/{sourceId}',
      rawPath: `/v1/webhooks/${SOURCE}`,
      rawQueryString: '',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': wh.sign(id, now, body),
      },
      pathParameters: { sourceId: SOURCE },
      requestContext: { http: { method: 'POST', path: `/v1/webhooks/${SOURCE}` } },
      body,
      isBase64Encoded: false,
    } as never);
    if (res.statusCode !== 202) throw new Error(`capacity: webhook answered ${res.statusCode}: ${res.body}`);
  }
  const published = await relayAll(endpoint, doc, tableName);
  const store = new DynamoStateStore(doc, tableName, consumerMeter);
  const reports = published.filter(
    (e) => e.detailType === 'progress.submitted' && String(e.detail.webhookId).startsWith(`msg_capacity_${windowMs}_`),
  );
  if (reports.length !== bodies.length) throw new Error(`capacity: the stream carried ${reports.length} of ${bodies.length} reports`);
  for (const e of reports) await store.applyProgress(e.detail as unknown as ProgressSubmittedDetail);
  return {
    ingest: ingestMeter.sum().write,
    consumer: consumerMeter.sum().write,
    consumerRead: consumerMeter.sum().read,
    leases: ingestMeter.totals.get('leaseRateBudget')?.calls ?? 0,
  };
}

/** Everything the table's stream holds, through the relay (what it would put on the bus). */
async function relayAll(endpoint: string, doc: ReturnType<typeof documentClient>, tableName: string): Promise<BusEvent[]> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const streams = new DynamoDBStreamsClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const dir = mkdtempSync(join(tmpdir(), 'bench-relay-'));
  const published: BusEvent[] = [];
  try {
    const streamArn = (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table!.LatestStreamArn!;
    const poller = new StreamPoller({
      source: dynamoDbStream(streams, streamArn, 'local'),
      checkpoints: await StreamCheckpoints.open(join(dir, 'checkpoints.jsonl'), streamArn),
      handler: createRelayOutboxHandler({ bus: { publish: async (events) => void published.push(...events) }, logger: silent }),
      filter: (r) => isOutboxInsert(r),
      batchSize: STREAM_RELAY.batchSize,
      functionName: STREAM_RELAY.consumer,
      timeoutMs: 30_000,
      region: 'local',
      idleMs: 20,
    });
    const since = Date.now();
    poller.start();
    for (let i = 0; i < 1500 && !poller.caughtUpSince(since); i++) await new Promise((r) => setTimeout(r, 20));
    await poller.stop();
    return published;
  } finally {
    client.destroy();
    streams.destroy();
    rmSync(dir, { recursive: true, force: true });
    void doc;
  }
}

/**
 * Consumed capacity (ReturnConsumedCapacity) measured on DynamoDB Local, priced as DynamoDB prices
 * it: DynamoDB Local reports a transaction at 1 unit per item where DynamoDB charges 2, and the
 * meter counts transactions twice (shared/adapters/dynamodb/capacity.ts).
 */
export async function benchCapacity(
  endpoint: string,
  options: { pairs: number; factors: number[]; random: Random; reminderRun?: ReminderRun; progress: (m: string) => void },
): Promise<CapacityResult> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const doc = documentClient(client);
  const plan = getPlan('jining-sports-2023')!;

  // A burst from one source in one rate window: exactly one lease's worth of reports.
  const single = `bench-single-${Date.now()}`;
  await client.send(new CreateTableCommand(createTableInput(single)));
  const window = 10_000 * 1_000_000;
  const probe = await meteredPath(endpoint, doc, single, sampleBodies(1, 0), window - 10_000);
  const leaseSize = leaseOf();
  const burst = await meteredPath(endpoint, doc, single, sampleBodies(leaseSize, 1), window);
  options.progress(
    `capacity: ${leaseSize} reports in one window: ${burst.ingest} WCU at ingest (${burst.leases} lease), ${burst.consumer} in the consumer`,
  );

  // event.registered: its message at ingest, and a new event's registration (a transaction).
  const eventMeter = new SummingCapacityMeter();
  const sample = JSON.parse(readFileSync('events/samples/valid/event-marathon-2023-held.json', 'utf8')) as {
    data: Record<string, unknown>;
  };
  const event = EventRegisteredDetail.parse({
    ...sample.data,
    sourceId: 'mass-sports',
    webhookId: 'msg_capacity_evt',
    receivedAt: '2023-11-06T00:00:00.000Z',
    timestamp: '2023-10-30T18:00:00+08:00',
  });
  await new DynamoIntake(doc, single, eventMeter).accept({ type: 'event.registered', detail: event }, 'hash');
  await new DynamoStateStore(doc, single, eventMeter).registerEvent(event);
  const eventWcu = eventMeter.sum().write;

  const scales: CapacityScale[] = [];
  for (const factor of options.factors) {
    const tableName = `bench-scale-${factor}-${Date.now()}`;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    const s = new DynamoStateStore(doc, tableName);
    const reports = reportLoad(plan, options.pairs * factor, options.random, options.pairs);
    for (let i = 0; i < reports.length; i += 32) await Promise.all(reports.slice(i, i + 32).map((r) => s.applyProgress(r)));
    options.progress(`capacity ${factor}×: ${reports.length} reports loaded`);
    const m = new SummingCapacityMeter();
    const aggregate = createAggregateKpisHandler({
      reader: new DynamoStateStore(doc, tableName, m),
      auditTrail: new DynamoStateStore(doc, tableName, m),
      reviews: new DynamoReviewStore(doc, tableName, m),
      snapshots: new DynamoSnapshotStore(doc, tableName, m),
      bus: { publish: async () => {} },
      clock: fixedClock('2023-07-03T01:00:00+08:00'),
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    await aggregate({ planId: plan.planId });
    const agg = m.sum();
    m.reset();
    if (options.reminderRun) await options.reminderRun(doc, tableName, m, '2023-07-03T09:00:00+08:00');
    const rem = m.sum();
    scales.push({
      factor,
      reports: reports.length,
      aggregationRead: agg.read,
      aggregationWrite: agg.write,
      reminderRead: rem.read,
      reminderWrite: rem.write,
    });
  }
  const trendYear = await benchTrendYear(doc, `bench-trend-${Date.now()}`, client, options.progress);
  client.destroy();
  const first = scales[0]!;
  const last = scales[scales.length - 1]!;
  const growth = Math.max(
    last.aggregationRead / first.aggregationRead,
    first.reminderRead > 0 ? last.reminderRead / first.reminderRead : 0,
  );
  const per = (n: number) => Math.round((n / leaseSize) * 1000) / 1000;
  return {
    wcuPerProgressEvent: per(burst.ingest + burst.consumer),
    wcuPerProgressEventConsumer: per(burst.consumer),
    wcuPerProgressEventIngest: per(burst.ingest),
    burst: { reports: leaseSize, leases: burst.leases },
    wcuPerLoneProgressEvent: probe.ingest + probe.consumer,
    rcuPerProgressEventConsumer: per(burst.consumerRead),
    wcuPerEventRegistered: eventWcu,
    scales,
    reminderReadsGrowth: Math.round(growth * 1000) / 1000,
    trendYear,
  };
}

/** The lease the shared rate budget takes at the default rate (shared/ingest/shared-rate-limiter.ts). */
function leaseOf(): number {
  const rate = RateLimitEnv.parse({}).rateLimit!;
  let asked = 0;
  const limiter = sharedRateLimiter({
    store: { lease: async (_k, _w, want) => ((asked = want), want) },
    ratePerSecond: rate.ratePerSecond,
    now: () => 0,
  });
  void limiter.take('probe');
  return asked;
}

/** A year of daily snapshots of this plan (one realistic day's view, stored 366 times); the read units of the trend and of the full snapshots. */
async function benchTrendYear(
  doc: ReturnType<typeof documentClient>,
  tableName: string,
  client: DynamoDBClient,
  progress: (m: string) => void,
) {
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  const plan = getPlan('jining-sports-2023')!;
  const { evaluatePlan } = await import('../shared/kpi/evaluate-plan.js');
  const { replayReports } = await import('../shared/kpi/reconcile.js');
  const { seeded } = await import('./load.js');
  const view = evaluatePlan(plan, replayReports(reportLoad(plan, 400, seeded(2023), 162)), [], '2023-07-03');
  const writer = new DynamoSnapshotStore(doc, tableName);
  const days = 366;
  const dates = Array.from({ length: days }, (_, i) => new Date(Date.UTC(2023, 0, 1 + i)).toISOString().slice(0, 10));
  for (let i = 0; i < dates.length; i += 16) {
    await Promise.all(
      dates.slice(i, i + 16).map((date) => writer.putSnapshot({ planId: plan.planId, date, createdAt: `${date}T17:00:00.000Z`, view })),
    );
  }
  const m = new SummingCapacityMeter();
  const reader = new DynamoSnapshotStore(doc, tableName, m);
  const trend = await reader.listTrend(plan.planId, dates[0]!, dates[days - 1]!);
  const readTrend = m.sum().read;
  m.reset();
  await reader.listSnapshots(plan.planId, dates[0]!, dates[days - 1]!);
  const readFullSnapshots = m.sum().read;
  if (trend.length !== days) throw new Error(`trend: ${trend.length} of ${days} days`);
  progress(`capacity: a year of trend ${readTrend} RCU (full snapshots ${readFullSnapshots})`);
  return { days, readTrend, readFullSnapshots };
}
