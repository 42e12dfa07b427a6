import { afterAll, beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createAggregateKpisHandler } from '../../functions/aggregate-kpis/app.js';
import { createBulletinApiHandler } from '../../functions/bulletin-api/app.js';
import { createApplyProgressHandler } from '../../functions/apply-progress/app.js';
import { createDeliverNotificationHandler } from '../../functions/deliver-notification/app.js';
import { createIngestWebhookHandler } from '../../functions/ingest-webhook/app.js';
import { createOfficeApiHandler } from '../../functions/office-api/app.js';
import { createQueryApiHandler } from '../../functions/query-api/app.js';
import { createRegisterEventHandler } from '../../functions/register-event/app.js';
import { createRelayOutboxHandler } from '../../functions/relay-outbox/app.js';
import { createSendRemindersHandler } from '../../functions/send-reminders/app.js';
import { FUNCTION_NAMES, type FunctionName } from '../../infra/functions.js';
import { PUBLISHES, STREAM_READ, TABLE_ACCESS, type StreamAction, type TableAction } from '../../infra/permissions.js';
import { DynamoIntake } from '../../shared/adapters/dynamodb/intake.js';
import { isOutboxInsert } from '../../shared/adapters/dynamodb/outbox.js';
import { StreamCheckpoints, StreamPoller, dynamoDbStream } from '../../local/stream.js';
import { STREAM_RELAY } from '../../shared/routing.js';
import { DynamoCalendarOverrides } from '../../shared/adapters/dynamodb/calendar-overrides.js';
import { DynamoDeliveryReceipts } from '../../shared/adapters/dynamodb/delivery-receipts.js';
import { DynamoReminderStore } from '../../shared/adapters/dynamodb/reminder-store.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../../shared/plan/amender.js';
import { DynamoSnapshotStore } from '../../shared/adapters/dynamodb/snapshot-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { DynamoRateBudget } from '../../shared/adapters/dynamodb/rate-budget.js';
import { sharedRateLimiter } from '../../shared/ingest/shared-rate-limiter.js';
import { OutboxNotifier } from '../../shared/adapters/notify/outbox.js';
import { chineseWorkdayCalendar } from '../../shared/calendar/workdays.js';
import type { BusEvent } from '../../shared/ports/bus.js';
import { fixedClock } from '../../shared/time/clocks.js';
import { staticSourceRegistry } from '../../shared/ingest/sources.js';
import { createTestTable } from '../helpers/dynamodb.js';
import { sqsRecord } from '../helpers/reports.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedSecret, sampleBody, signedEvent, source } from '../helpers/webhooks.js';
import { recordingLogger } from '../unit/reminders.fakes.js';

/**
 * IAM exactly as used: each function runs a typical invocation against DynamoDB Local through a
 * client that records every call (its action and partition key). Every call must be allowed by one
 * of the function's grants in infra/permissions.ts (action and `dynamodb:LeadingKeys` pattern), and
 * every grant must be used (each action on its partitions) — so that a grant nobody uses, or a new
 * key the grant does not cover, fails here before it fails (or stays too wide) in AWS. The table's
 * stream is read the way the relay's event source mapping reads it (local/stream.ts), through a
 * client that records the Streams actions, checked against STREAM_READ.
 */

const logger = new Logger({ logLevel: 'SILENT' });
let table: Awaited<ReturnType<typeof createTestTable>>;
const used = new Map<FunctionName, Array<{ action: TableAction; pk: string }>>();
const streamActions = new Set<StreamAction>();
const published = new Map<FunctionName, string[]>();
const all: BusEvent[] = [];
/** A bus that records what `name` publishes. */
function busFor(name: FunctionName) {
  const types: string[] = [];
  published.set(name, types);
  return { publish: async (events: BusEvent[]) => void events.forEach((e) => (types.push(e.detailType), all.push(e))) };
}

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());

const ACTION_OF: Record<string, TableAction | 'TransactWriteItems'> = {
  PutItemCommand: 'PutItem',
  UpdateItemCommand: 'UpdateItem',
  DeleteItemCommand: 'DeleteItem',
  GetItemCommand: 'GetItem',
  QueryCommand: 'Query',
  BatchGetItemCommand: 'BatchGetItem',
  TransactWriteItemsCommand: 'TransactWriteItems',
};

const pkOf = (key: unknown): string => {
  const pk = (key as { pk?: unknown } | undefined)?.pk;
  return typeof pk === 'string' ? pk : String((pk as { S?: string } | undefined)?.S);
};

/** A document client over the test table that records each call for `name`. */
function clientFor(name: FunctionName): DynamoDBDocumentClient {
  const calls: Array<{ action: TableAction; pk: string }> = [];
  used.set(name, calls);
  // A client of its own: middleware added through a document client lands on its underlying client.
  const client = new DynamoDBClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const action = ACTION_OF[context.commandName ?? ''];
      const input = args.input as Record<string, unknown>;
      if (!action) throw new Error(`unexpected command ${context.commandName}`);
      if (action === 'TransactWriteItems') {
        for (const item of input.TransactItems as Array<Record<string, { Item?: unknown; Key?: unknown }>>) {
          const [kind, body] = Object.entries(item)[0]!;
          const part = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem', ConditionCheck: 'ConditionCheckItem' }[
            kind
          ] as TableAction;
          calls.push({ action: part, pk: pkOf(body.Item ?? body.Key) });
        }
      } else if (action === 'Query') {
        const values = input.ExpressionAttributeValues as Record<string, unknown>;
        calls.push({ action, pk: pkOf({ pk: values[':pk'] }) });
      } else if (action === 'BatchGetItem') {
        for (const req of Object.values(input.RequestItems as Record<string, { Keys: unknown[] }>))
          for (const k of req.Keys) calls.push({ action, pk: pkOf(k) });
      } else {
        calls.push({ action, pk: pkOf(input.Item ?? input.Key) });
      }
      return next(args);
    },
    { step: 'build', name: 'recordTableAccess' },
  );
  return doc;
}

const matches = (pattern: string, pk: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(pk);

describe('IAM grants against what each function does (DynamoDB Local)', () => {
  it('runs every function through a typical invocation', async () => {
    const bus = all;
    const tableName = table.tableName;
    const SECRET = fixedSecret('iam-secret');

    // ingest (reports and an event) → the table's stream → relay-outbox → apply-progress, register-event
    const ingestDoc = clientFor('ingest-webhook');
    /** The plan as amended, read through the function's own client. */
    const amenderOf = (doc: DynamoDBDocumentClient) => planAmender(new DynamoAmendmentStore(doc, tableName), { ttlMs: 0 });
    const ingest = createIngestWebhookHandler({
      amender: amenderOf(ingestDoc),
      sources: staticSourceRegistry([
        source({ secrets: [SECRET] }),
        source({ sourceId: 'mass-sports', orgIds: ['jn-mass-sports'], secrets: [SECRET] }),
      ]),
      intake: new DynamoIntake(ingestDoc, tableName),
      rateLimiter: sharedRateLimiter({ store: new DynamoRateBudget(ingestDoc, tableName), ratePerSecond: 20 }),
      clock: fixedClock('2023-06-25T02:20:00Z'),
      logger,
    });
    const body = sampleBody('valid/progress-t08-rencheng.json').replace('"period"', '"completedMilestoneIds": [],\n    "period"');
    expect((await ingest(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'iam_1' }))).statusCode).toBe(202);
    // An event too, so that the relay publishes each detail-type it is granted.
    const eventBody = sampleBody('valid/event-marathon-2023-held.json').replace(
      '"timestamp": "2023-10-30T18:00:00+08:00"',
      '"timestamp": "2023-06-25T10:00:00+08:00"',
    );
    expect((await ingest(signedEvent({ sourceId: 'mass-sports', body: eventBody, secrets: SECRET, id: 'iam_2' }))).statusCode).toBe(202);
    // A completion claim of the lead unit, with evidence: the office's review below decides it.
    const claim = {
      summary: '市体育总会完成换届，申请办结。',
      evidence: [{ title: '体育总会换届材料', url: 'https://example.gov.cn/t08.pdf' }],
    };
    const claimBody = JSON.stringify({
      type: 'progress.submitted',
      timestamp: '2023-06-24T10:00:05+08:00',
      data: {
        planId: 'jining-sports-2023',
        taskId: 'T08',
        orgId: 'jn-mass-sports',
        reportedAt: '2023-06-24T10:00:00+08:00',
        period: '2023-06',
        status: 'completed',
        percentComplete: 100,
        ...claim,
      },
    });
    const claimed = await ingest(signedEvent({ sourceId: 'mass-sports', body: claimBody, secrets: SECRET, id: 'iam_claim' }));
    expect(claimed.statusCode, claimed.body).toBe(202);

    const streamArn = (await table.client.send(new DescribeTableCommand({ TableName: tableName }))).Table!.LatestStreamArn!;
    const streams = new DynamoDBStreamsClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    streams.middlewareStack.add(
      (next, context) => async (args) => {
        streamActions.add((context.commandName ?? '').replace(/Command$/, '') as StreamAction);
        return next(args);
      },
      { step: 'build', name: 'recordStreamAccess' },
    );
    const dir = await mkdtemp(join(tmpdir(), 'iam-stream-'));
    const poller = new StreamPoller({
      source: dynamoDbStream(streams, streamArn, 'local'),
      checkpoints: await StreamCheckpoints.open(join(dir, 'checkpoints.jsonl'), streamArn),
      handler: createRelayOutboxHandler({ bus: busFor('relay-outbox'), logger }),
      filter: (r) => isOutboxInsert(r),
      batchSize: STREAM_RELAY.batchSize,
      functionName: STREAM_RELAY.consumer,
      timeoutMs: 10_000,
      region: 'local',
      idleMs: 20,
    });
    /** Until the relay has read the stream to its end (what was written before this call is on the bus). */
    const relayed = async () => {
      const since = Date.now();
      for (let i = 0; i < 500 && !poller.caughtUpSince(since); i++) await new Promise((r) => setTimeout(r, 20));
      expect(poller.caughtUpSince(since), 'the relay caught up with the stream').toBe(true);
    };
    poller.start();
    // Stopped whatever happens below: a failed expect must not leave the reader polling or the directory behind.
    onTestFinished(async () => {
      await poller.stop();
      streams.destroy();
      await rm(dir, { recursive: true, force: true });
    });
    await relayed();

    const reports = bus.filter((e) => e.detailType === 'progress.submitted');
    expect(reports).toHaveLength(2);
    const eventDetail = bus.find((e) => e.detailType === 'event.registered')!.detail;
    const applyDoc = clientFor('apply-progress');
    const apply = createApplyProgressHandler({ writer: new DynamoStateStore(applyDoc, tableName), amender: amenderOf(applyDoc), logger });
    expect((await apply({ Records: reports.map((r, i) => sqsRecord('progress.submitted', r.detail, `p${i}`)) })).batchItemFailures).toEqual(
      [],
    );

    // the office decides the claim (a reader is refused before any call)
    const officeDoc = clientFor('office-api');
    const office = createOfficeApiHandler({
      reader: new DynamoStateStore(officeDoc, tableName),
      reviews: new DynamoReviewStore(officeDoc, tableName),
      amendments: new DynamoAmendmentStore(officeDoc, tableName),
      amender: amenderOf(officeDoc),
      clock: fixedClock('2023-06-26T10:00:00+08:00'),
      logger,
      authorize: () => ({ kind: 'office', actor: 'iam-test' }),
    });
    const review = await office({
      rawPath: '/v1/plans/jining-sports-2023/tasks/T08/reviews',
      requestContext: { http: { method: 'POST' } },
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orgId: 'jn-mass-sports', decision: 'return', comment: '佐证材料不全' }),
    } as never);
    expect(review.statusCode, review.body).toBe(200);
    // …and amends the plan: T08-M1's date confirmed (version 2).
    const amended = await office({
      rawPath: '/v1/plans/jining-sports-2023/amendments',
      requestContext: { http: { method: 'POST' } },
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: '督查室确认节点日期', changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }] }),
    } as never);
    expect(amended.statusCode, amended.body).toBe(201);
    // office-api published nothing: its two rows are outbox records, which the relay puts on the bus.
    await relayed();
    expect(bus.filter((e) => e.detailType === 'review.recorded').map((e) => e.detail)).toEqual([JSON.parse(review.body!)]);
    expect(bus.filter((e) => e.detailType === 'plan.amended').map((e) => e.detail)).toEqual([JSON.parse(amended.body!)]);
    const registerDoc = clientFor('register-event');
    const register = createRegisterEventHandler({
      writer: new DynamoStateStore(registerDoc, tableName),
      amender: amenderOf(registerDoc),
      logger,
    });
    expect((await register({ Records: [sqsRecord('event.registered', eventDetail, 'e1')] })).batchItemFailures).toEqual([]);

    // the jobs
    const aggregateDoc = clientFor('aggregate-kpis');
    const aggregate = createAggregateKpisHandler({
      reader: new DynamoStateStore(aggregateDoc, tableName),
      auditTrail: new DynamoStateStore(aggregateDoc, tableName),
      reviews: new DynamoReviewStore(aggregateDoc, tableName),
      amender: amenderOf(aggregateDoc),
      snapshots: new DynamoSnapshotStore(aggregateDoc, tableName),
      bus: busFor('aggregate-kpis'),
      clock: fixedClock('2023-07-03T01:00:00+08:00'),
      logger,
    });
    await aggregate({ mode: 'snapshot' });
    await aggregate({ mode: 'reconcile' });
    const remindersDoc = clientFor('send-reminders');
    const reminders = createSendRemindersHandler({
      reader: new DynamoStateStore(remindersDoc, tableName),
      reviews: new DynamoReviewStore(remindersDoc, tableName),
      amender: amenderOf(remindersDoc),
      store: new DynamoReminderStore(remindersDoc, tableName),
      // As functions/send-reminders/handler.ts wires it: the operator's holiday overrides are read every run.
      calendarOverrides: new DynamoCalendarOverrides(remindersDoc, tableName),
      bus: busFor('send-reminders'),
      clock: fixedClock('2023-07-03T09:00:00+08:00'),
      calendar: chineseWorkdayCalendar(),
      logger: recordingLogger(),
    });
    await reminders({ now: '2023-07-03T09:00:00+08:00' });
    const digest = bus.find((e) => e.detailType === 'reminder.due');
    expect(digest, 'the reminder job sent a digest').toBeDefined();

    // delivery: a failed send (the receipt is released), then the retry that succeeds; then the read API
    const deliveryReceipts = new DynamoDeliveryReceipts(clientFor('deliver-notification'), tableName);
    const outbox = new OutboxNotifier({ file: `/tmp/iam-outbox-${process.pid}.jsonl`, now: () => new Date() });
    let down = true;
    const deliver = createDeliverNotificationHandler({
      channelsFor: () => [{ kind: 'outbox' }],
      senders: { outbox: { send: async (channel, d) => (down ? Promise.reject(new Error('channel down')) : outbox.send(channel, d)) } },
      receipts: deliveryReceipts,
      logger: recordingLogger(),
    });
    expect((await deliver({ Records: [sqsRecord('reminder.due', digest!.detail, 'd1')] })).batchItemFailures).toEqual([
      { itemIdentifier: 'd1' },
    ]);
    down = false;
    expect((await deliver({ Records: [sqsRecord('reminder.due', digest!.detail, 'd1')] })).batchItemFailures).toEqual([]);
    const queryDoc = clientFor('query-api');
    const state = new DynamoStateStore(queryDoc, tableName);
    const query = createQueryApiHandler({
      reader: state,
      reports: state,
      reviews: new DynamoReviewStore(queryDoc, tableName),
      amender: amenderOf(queryDoc),
      snapshots: new DynamoSnapshotStore(queryDoc, tableName),
      clock: fixedClock('2023-07-03T10:00:00+08:00'),
      calendar: chineseWorkdayCalendar(),
      cursorKey: 'a-cursor-key-of-32-bytes-or-so!!',
      logger,
    });
    for (const path of ['', '/kpis', '/tasks/T08', '/overdue', '/rankings', '/reviews?state=returned', '/events', '/snapshots']) {
      const [rawPath, q] = `/v1/plans/jining-sports-2023${path}`.split('?');
      const res = await query({
        rawPath,
        ...(q ? { queryStringParameters: Object.fromEntries(new URLSearchParams(q)) } : {}),
        requestContext: { http: { method: 'GET' } },
        headers: {},
      } as never);
      expect(res.statusCode, path).toBe(200);
      if (path.startsWith('/reviews'))
        expect(JSON.parse(res.body!).items, 'the returned claim, with its audit row').toMatchObject([
          { taskId: 'T08', summary: claim.summary, evidence: claim.evidence },
        ]);
      if (path === '') expect(JSON.parse(res.body!), 'the plan as amended').toMatchObject({ version: 2, amendments: [{ version: 2 }] });
    }
    const bulletinDoc = clientFor('bulletin-api');
    const bulletinState = new DynamoStateStore(bulletinDoc, tableName);
    const bulletins = createBulletinApiHandler({
      reader: bulletinState,
      reports: bulletinState,
      reviews: new DynamoReviewStore(bulletinDoc, tableName),
      amender: amenderOf(bulletinDoc),
      clock: fixedClock('2023-07-03T10:00:00+08:00'),
      calendar: chineseWorkdayCalendar(),
      logger,
    });
    const bulletin = await bulletins({
      rawPath: '/v1/plans/jining-sports-2023/bulletins/2023-06',
      queryStringParameters: { format: 'csv' },
      requestContext: { http: { method: 'GET' } },
      headers: {},
    } as never);
    expect(bulletin.statusCode).toBe(200);
  });

  it.each(FUNCTION_NAMES)('%s: every call is granted, and every grant is used', (name) => {
    const calls = used.get(name) ?? [];
    const grants = TABLE_ACCESS[name];
    if (grants.length === 0) expect(calls, `${name} has no table grant`).toEqual([]);
    else expect(calls.length, `${name} made no table call`).toBeGreaterThan(0);
    for (const { action, pk } of calls) {
      const allowed = grants.some((g) => g.actions.includes(action) && g.leadingKeys.some((p) => matches(p, pk)));
      expect(allowed, `${name} issues ${action} on ${pk}, outside ${JSON.stringify(grants)}`).toBe(true);
    }
    for (const g of grants) {
      for (const action of g.actions)
        expect(
          calls.some((c) => c.action === action && g.leadingKeys.some((p) => matches(p, c.pk))),
          `${name}: ${action} on ${g.leadingKeys.join(', ')} granted but never used`,
        ).toBe(true);
      for (const pattern of g.leadingKeys)
        expect(
          calls.some((c) => g.actions.includes(c.action) && matches(pattern, c.pk)),
          `${name}: partition ${pattern} granted but never touched`,
        ).toBe(true);
    }
    // events:PutEvents is granted only for what the function publishes.
    const types = new Set(published.get(name) ?? []);
    for (const t of types) expect(PUBLISHES[name] ?? [], `${name} publishes ${t}`).toContain(t);
    // …and each type granted was published: the grant is exact.
    expect([...types].sort(), `${name}: may publish exactly what it published`).toEqual([...(PUBLISHES[name] ?? [])].sort());
  });

  it('the stream is read with the actions STREAM_READ grants the relay (ListStreams: the event source mapping’s, per the AWS policy for Lambda triggers)', () => {
    expect(STREAM_READ.reader).toBe('relay-outbox');
    expect([...streamActions].sort()).toEqual(['DescribeStream', 'GetRecords', 'GetShardIterator']);
    for (const a of streamActions) expect(STREAM_READ.actions).toContain(a);
  });
});
