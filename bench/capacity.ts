import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { createAggregateKpisHandler } from '../functions/aggregate-kpis/app.js';
import { DynamoReviewStore } from '../shared/adapters/dynamodb/review-store.js';
import { documentClient } from '../shared/adapters/aws/clients.js';
import { SummingCapacityMeter } from '../shared/adapters/dynamodb/capacity.js';
import { DynamoSnapshotStore } from '../shared/adapters/dynamodb/snapshot-store.js';
import { DynamoStateStore } from '../shared/adapters/dynamodb/state-store.js';
import { DynamoWebhookReceipts } from '../shared/adapters/dynamodb/webhook-receipts.js';
import { createTableInput } from '../shared/adapters/dynamodb/table-definition.js';
import { fixedClock } from '../shared/ports/clock.js';
import { getPlan } from '../shared/plan/catalog.js';
import { reportLoad, type Random } from './load.js';
import { progressEvent, registeredEvent } from './samples.js';

export interface CapacityScale {
  factor: number;
  reports: number;
  aggregationRead: number;
  aggregationWrite: number;
  reminderRead: number;
  reminderWrite: number;
}

export interface CapacityResult {
  /** Write units DynamoDB charges for one one-metric progress event: consumer writes + ingest receipt. */
  wcuPerProgressEvent: number;
  wcuPerProgressEventConsumer: number;
  wcuPerProgressEventIngest: number;
  wcuPerEventRegistered: number;
  scales: CapacityScale[];
  reminderReadsGrowth: number;
}

export type ReminderRun = (doc: ReturnType<typeof documentClient>, tableName: string, meter: SummingCapacityMeter, now: string) => Promise<void>;

/**
 * Consumed capacity (ReturnConsumedCapacity) measured on DynamoDB Local. None of our writes is
 * transactional except the reminder digest, which DynamoDB Local reports at 1 unit per item where
 * DynamoDB charges 2: that figure is doubled here (see docs/cost-model.md).
 */
export async function benchCapacity(
  endpoint: string,
  options: { pairs: number; factors: number[]; random: Random; reminderRun?: ReminderRun; progress: (m: string) => void },
): Promise<CapacityResult> {
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const doc = documentClient(client);
  const plan = getPlan('jining-sports-2023')!;

  // One-metric progress event and one event.registered, on a fresh table.
  const single = `bench-single-${Date.now()}`;
  await client.send(new CreateTableCommand(createTableInput(single)));
  const meter = new SummingCapacityMeter();
  const store = new DynamoStateStore(doc, single, meter);
  const receipts = new DynamoWebhookReceipts(doc, single, meter);
  const report = progressEvent(0, { orgId: '370811', kpiValue: 40 });
  await receipts.claim({ sourceId: report.sourceId, webhookId: report.webhookId, bodyHash: 'h', receivedAt: report.receivedAt });
  await receipts.markPublished(report.sourceId, report.webhookId);
  const ingest = meter.sum().write;
  meter.reset();
  await store.applyProgress(report);
  const consumer = meter.sum().write;
  meter.reset();
  await store.registerEvent(registeredEvent(0));
  const eventWcu = meter.sum().write;

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
    scales.push({ factor, reports: reports.length, aggregationRead: agg.read, aggregationWrite: agg.write, reminderRead: rem.read, reminderWrite: rem.write });
  }
  client.destroy();
  const first = scales[0]!;
  const last = scales[scales.length - 1]!;
  const growth = Math.max(last.aggregationRead / first.aggregationRead, first.reminderRead > 0 ? last.reminderRead / first.reminderRead : 0);
  return {
    wcuPerProgressEvent: consumer + ingest,
    wcuPerProgressEventConsumer: consumer,
    wcuPerProgressEventIngest: ingest,
    wcuPerEventRegistered: eventWcu,
    scales,
    reminderReadsGrowth: Math.round(growth * 1000) / 1000,
  };
}
