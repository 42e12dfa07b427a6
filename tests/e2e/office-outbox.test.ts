import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { localFunctions } from '../../local/functions.js';
import { loadSources } from '../../local/config.js';
import { startRuntime, type Runtime } from '../../local/runtime.js';
import { dynamoDbStream } from '../../local/stream.js';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { OutboxNotifier } from '../../shared/adapters/notify/outbox.js';
import type { BusEvent, EventBus } from '../../shared/ports/bus.js';
import { offsetClock } from '../../shared/time/clocks.js';
import { createTestTable } from '../helpers/dynamodb.js';
import { Api, EVIDENCE, OFFICE_TOKEN, PLAN_ID, TOKEN, progressBody, sendWebhook, tempDataDir } from './helpers.js';

/**
 * Issue 18 through the local runtime: office-api no longer publishes. The office's decision (销号) and
 * its amendment (计划调整), posted over HTTP with the office token, are stored as outbox records; the
 * runtime's stream reader hands them to relay-outbox, which puts them on the bus as `review.recorded`
 * and `plan.amended` — each exactly once, also when the office repeats the same request.
 *
 * The runtime runs in this process (the real functions and routes of `npm start`, local/functions.ts,
 * over the run's DynamoDB Local and the table's stream) so that the test can see the bus: every
 * function's bus is the runtime's, wrapped to record each event it takes.
 */

const MASS = 'jn-mass-sports';
let table: Awaited<ReturnType<typeof createTestTable>>;
let streams: DynamoDBStreamsClient;
let dataDir: string;
let runtime: Runtime;
let api: Api;
const clients: DynamoDBClient[] = [];
/** Every event put on the runtime's bus, in order, by whichever function. */
const onBus: BusEvent[] = [];
const ofType = (detailType: string) => onBus.filter((e) => e.detailType === detailType);

beforeAll(async () => {
  // Quiet, as the spawned runtime of the other e2e tests is: no function logs or EMF lines on the test's output.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  table = await createTestTable();
  dataDir = await tempDataDir('office-outbox');
  const endpoint = inject('dynamodbEndpoint');
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  streams = new DynamoDBStreamsClient({ endpoint, region: 'local', credentials });
  const streamArn = (await table.client.send(new DescribeTableCommand({ TableName: table.tableName }))).Table!.LatestStreamArn!;
  // The business clock a week after the plan's year, as in tests/e2e/reviews.test.ts.
  const clock = offsetClock(new Date('2024-01-08T09:00:00+08:00'));
  const outbox = new OutboxNotifier({ file: join(dataDir, 'outbox.jsonl'), now: () => clock.now() });
  const functions = localFunctions({
    documentClient: () => {
      const c = new DynamoDBClient({ endpoint, region: 'local', credentials });
      clients.push(c);
      return documentClient(c);
    },
    tableName: table.tableName,
    sources: await loadSources(new URL('../../config/sources.local.json', import.meta.url).pathname),
    clock,
    outbox,
    cursorSecret: 'e2e-office-outbox',
  });
  runtime = await startRuntime(
    {
      port: 0,
      dataDir,
      apiToken: TOKEN,
      officeToken: OFFICE_TOKEN,
      clock,
      schedules: false,
      consumerConcurrency: 1,
      outbox: { list: async () => outbox.list() },
      stream: { source: dynamoDbStream(streams, streamArn, 'local'), idleMs: 20 },
      log: () => undefined,
    },
    (services) => {
      const bus: EventBus = {
        publish: async (events) => {
          await services.bus.publish(events);
          onBus.push(...events);
        },
      };
      return functions({ ...services, bus });
    },
  );
  api = new Api(runtime.url);
}, 120_000);

afterAll(async () => {
  await runtime?.stop();
  streams?.destroy();
  for (const c of clients) c.destroy();
  await table?.drop();
  await rm(dataDir, { recursive: true, force: true });
  vi.unstubAllEnvs();
});

describe('the office’s actions reach the bus through the table’s stream, once', () => {
  it('an approval (销号) is on the bus as review.recorded exactly once, its detail the answer; a repeat adds nothing', async () => {
    const claim = progressBody({
      taskId: 'T06',
      orgId: MASS,
      reportedAt: '2024-01-05T10:00:00+08:00',
      period: '2023-12',
      status: 'completed',
      summary: 'T06已全部完成',
      evidence: EVIDENCE,
    });
    expect((await sendWebhook(api.url, { sourceId: 'mass-sports', id: 'msg_outbox_claim', body: claim })).status).toBe(202);
    await api.drain();
    expect(ofType('progress.submitted').map((e) => e.detail.webhookId)).toEqual(['msg_outbox_claim']);

    const approved = await api.review('T06', { orgId: MASS, decision: 'approve' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ taskId: 'T06', orgId: MASS, state: 'approved', decidedBy: 'local:office-token' });
    await api.drain();
    // The detail is exactly the decision as answered: the row without its keys and kind.
    expect(ofType('review.recorded')).toEqual([{ detailType: 'review.recorded', detail: approved.body }]);

    // The office repeats the same request (say its answer was lost): the same decision, nothing new on the bus.
    const again = await api.review('T06', { orgId: MASS, decision: 'approve' });
    expect(again).toEqual({ status: 200, body: approved.body });
    await api.drain();
    expect(ofType('review.recorded')).toHaveLength(1);
    // The read API sees the decision (the consumers did not need an event for it).
    const t06 = await api.get<{ status: string; reviews: unknown[] }>(`/v1/plans/${PLAN_ID}/tasks/T06`);
    expect(t06).toMatchObject({ status: 'done', reviews: [{ orgId: MASS, state: 'approved' }] });
  }, 60_000);

  it('an amendment (计划调整) is on the bus as plan.amended exactly once, its detail the answer; a repeat adds nothing', async () => {
    const amend = async (body: unknown) => {
      const res = await fetch(`${api.url}/v1/plans/${PLAN_ID}/amendments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${OFFICE_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const confirm = { reason: '督查室确认节点日期', changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }] };
    const amended = await amend(confirm);
    expect(amended.status, JSON.stringify(amended.body)).toBe(201);
    expect(amended.body).toMatchObject({ planId: PLAN_ID, version: 2, amendedBy: 'local:office-token' });
    await api.drain();
    expect(ofType('plan.amended')).toEqual([{ detailType: 'plan.amended', detail: amended.body }]);

    const again = await amend(confirm);
    expect(again).toEqual({ status: 201, body: amended.body });
    await api.drain();
    expect(ofType('plan.amended')).toHaveLength(1);
    // Nothing else went out twice either: each event of the run once.
    expect(onBus.map((e) => e.detailType)).toEqual(['progress.submitted', 'review.recorded', 'plan.amended']);
  }, 60_000);
});
