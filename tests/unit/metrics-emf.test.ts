import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReminderDueDetail } from '../../events/schemas.js';
import { BUSINESS_METRICS, METRIC_NAMES, METRICS_NAMESPACE, type MetricName } from '../../shared/observability/metrics.js';
import { sqsRecord } from '../helpers/reports.js';
import { fixedSecret, sampleBody, signedEvent } from '../helpers/webhooks.js';

/**
 * Every business metric in the EMF output of the Lambda entries themselves (`functions/<name>/
 * handler.ts`: middy, Powertools, the EMF adapter), the AWS clients mocked: what CloudWatch would
 * turn into the metrics infra/constructs/monitoring.ts alarms on.
 */

const ddb = mockClient(DynamoDBDocumentClient);
const sm = mockClient(SecretsManagerClient);
const eb = mockClient(EventBridgeClient);
const sns = mockClient(SNSClient);

const SECRET = fixedSecret('rencheng-secret');
const ARN = 'arn:aws-cn:secretsmanager:cn-north-1:000000000000:secret:x';

interface Emf {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }>;
  };
  [key: string]: unknown;
}

/** The EMF lines written to stdout while `run` runs. */
async function emfOf(run: () => Promise<unknown>): Promise<Emf[]> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(...String(chunk).split('\n'));
    return true;
  });
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines.filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Emf);
}

/** The lines of `name`, as (dimension values → value) with the dimension sets of the line. */
function linesOf(emf: Emf[], name: MetricName) {
  return emf
    .filter((e) => e._aws.CloudWatchMetrics[0]!.Metrics.some((m) => m.Name === name))
    .map((e) => {
      const directive = e._aws.CloudWatchMetrics[0]!;
      const keys = [...new Set(directive.Dimensions.flat())];
      return {
        namespace: directive.Namespace,
        sets: directive.Dimensions,
        unit: directive.Metrics[0]!.Unit,
        dims: Object.fromEntries(keys.map((k) => [k, e[k]])),
        value: e[name],
      };
    });
}

const seen = new Set<MetricName>();
/** Asserts the line of `name` with `dims` is there with `value`, under the sets of shared/observability/metrics.ts. */
function expectMetric(emf: Emf[], name: MetricName, dims: Record<string, string>, value: number): void {
  const lines = linesOf(emf, name);
  expect(lines, `${name} ${JSON.stringify(dims)} in ${JSON.stringify(lines)}`).toContainEqual({
    namespace: METRICS_NAMESPACE,
    sets: BUSINESS_METRICS[name].dimensionSets.map((set) => ['service', ...set]),
    unit: 'Count',
    dims,
    value,
  });
  seen.add(name);
}

const context = (name: string) =>
  ({
    functionName: name,
    awsRequestId: 'req-1',
    invokedFunctionArn: `arn:aws-cn:lambda:cn-north-1:000000000000:function:${name}`,
    memoryLimitInMB: '256',
    functionVersion: '$LATEST',
    getRemainingTimeInMillis: () => 30_000,
  }) as unknown as Context;

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
type JobHandler = (event: unknown, context: Context) => Promise<unknown>;

beforeAll(() => {
  vi.stubEnv('AWS_REGION', 'cn-north-1');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('TABLE_NAME', 'supervision');
  vi.stubEnv('EVENT_BUS_NAME', 'bus');
  vi.stubEnv('SOURCES_SECRET_ARN', ARN);
  vi.stubEnv('ROBOT_SECRET_ARN', ARN);
  vi.stubEnv('CURSOR_SECRET_ARN', ARN);
  vi.stubEnv('NOTIFICATION_TOPIC_ARN', 'arn:aws-cn:sns:cn-north-1:000000000000:notify');
  vi.stubEnv('SOURCE_RATE_PER_SECOND', '0');
});
afterAll(() => vi.unstubAllEnvs());

beforeEach(() => {
  ddb.reset();
  ddb.onAnyCommand().resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  sm.reset();
  eb.reset();
  eb.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
    FailedEntryCount: 0,
    Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
  }));
  sns.reset();
});

describe('ingest-webhook', () => {
  it('WebhooksAccepted and WebhooksRefused by source and code; an unknown source is "-"; SourcesRefreshFailed', async () => {
    sm.on(GetSecretValueCommand).resolves({
      SecretString: JSON.stringify({
        sources: [{ sourceId: 'rencheng', orgIds: ['370811'], secrets: [SECRET], types: ['progress.submitted'] }],
      }),
    });
    // The sources registry takes its clock (`Date.now`) when the module loads: a fake Date from
    // before the import lets the test move past the sources' TTL.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date());
    const { handler } = (await import('../../functions/ingest-webhook/handler.js')) as unknown as { handler: HttpHandler };
    const body = sampleBody('valid/progress-t08-rencheng.json');
    const ctx = context('ingest-webhook');
    const emf = await emfOf(async () => {
      expect((await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_ok' }), ctx)).statusCode).toBe(202);
      expect(
        (await handler(signedEvent({ sourceId: 'rencheng', body, secrets: fixedSecret('not-the-secret'), id: 'msg_bad' }), ctx)).statusCode,
      ).toBe(401);
      expect(
        (await handler(signedEvent({ sourceId: 'rencheng', body, secrets: fixedSecret('not-the-secret'), id: 'msg_bad2' }), ctx))
          .statusCode,
      ).toBe(401);
      expect((await handler(signedEvent({ sourceId: 'made-up-source', body, secrets: SECRET, id: 'msg_x' }), ctx)).statusCode).toBe(404);
    });
    expectMetric(emf, 'WebhooksAccepted', { service: 'ingest-webhook', Source: 'rencheng' }, 1);
    // One line per invocation: each request is its own invocation.
    expect(
      linesOf(emf, 'WebhooksRefused')
        .filter((l) => l.dims.Code === 'unauthorized')
        .map((l) => l.value),
    ).toEqual([1, 1]);
    expectMetric(emf, 'WebhooksRefused', { service: 'ingest-webhook', Source: 'rencheng', Code: 'unauthorized' }, 1);
    expectMetric(emf, 'WebhooksRefused', { service: 'ingest-webhook', Source: '-', Code: 'unknown_source' }, 1);

    // Six minutes later the sources' TTL has passed and Secrets Manager fails: the last good copy is
    // served, and said.
    try {
      vi.setSystemTime(Date.now() + 6 * 60_000);
      sm.reset();
      sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));
      const stale = await emfOf(async () => {
        expect((await handler(signedEvent({ sourceId: 'rencheng', body, secrets: SECRET, id: 'msg_stale' }), ctx)).statusCode).toBe(202);
      });
      expectMetric(stale, 'SourcesRefreshFailed', { service: 'ingest-webhook' }, 1);
      expectMetric(stale, 'WebhooksAccepted', { service: 'ingest-webhook', Source: 'rencheng' }, 1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('apply-progress', () => {
  it('ReportsApplied by outcome, summed over the batch; DeadLetters for a record whose last receive failed', async () => {
    const { handler } = (await import('../../functions/apply-progress/handler.js')) as unknown as { handler: SqsHandler };
    const report = (webhookId: string) => ({
      ...(JSON.parse(sampleBody('valid/progress-t08-rencheng.json')) as { data: object }).data,
      sourceId: 'rencheng',
      webhookId,
      receivedAt: '2023-06-25T02:20:00Z',
      timestamp: '2023-06-25T02:15:00Z',
    });
    const emf = await emfOf(async () => {
      const out = await handler(
        {
          Records: [
            sqsRecord('progress.submitted', report('w1'), 'ok-1'),
            sqsRecord('progress.submitted', report('w2'), 'ok-2'),
            // Malformed at its 5th receive (maxReceiveCount 5): failed for good.
            { ...sqsRecord('progress.submitted', {}, 'bad-5', 5) },
            // Malformed at its 2nd: SQS tries again; not a dead letter yet.
            { ...sqsRecord('progress.submitted', {}, 'bad-2', 2) },
          ],
        },
        context('apply-progress'),
      );
      expect(out.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['bad-2', 'bad-5']);
    });
    expectMetric(emf, 'ReportsApplied', { service: 'apply-progress', Outcome: 'applied' }, 2);
    expectMetric(emf, 'DeadLetters', { service: 'apply-progress', Reason: 'MalformedMessageError' }, 1);
    expect(linesOf(emf, 'DeadLetters')).toHaveLength(1);
  });
});

describe('send-reminders', () => {
  it('RemindersSent by kind; CalendarYearMissing for a year the calendar lacks', async () => {
    const { handler } = (await import('../../functions/send-reminders/handler.js')) as unknown as { handler: JobHandler };
    // Nothing reported by 2023-10-09: reports are missing, milestones overdue.
    const emf = await emfOf(() => handler({ planId: 'jining-sports-2023', now: '2023-10-09T09:00:00+08:00' }, context('send-reminders')));
    const sent = linesOf(emf, 'RemindersSent');
    expect(sent.length).toBeGreaterThan(1);
    const published = eb
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .map((e) => JSON.parse(e.Detail ?? '{}') as ReminderDueDetail);
    const byKind = new Map<string, number>();
    for (const item of published.flatMap((d) => d.items)) byKind.set(item.kind, (byKind.get(item.kind) ?? 0) + 1);
    for (const [kind, n] of byKind) expectMetric(emf, 'RemindersSent', { service: 'send-reminders', Kind: kind }, n);
    expect(sent).toHaveLength(byKind.size);

    // chinese-days and config/holidays-override.json have no 2031: a run then says so, with the year.
    const later = await emfOf(() => handler({ planId: 'jining-sports-2023', now: '2031-03-03T09:00:00+08:00' }, context('send-reminders')));
    expectMetric(later, 'CalendarYearMissing', { service: 'send-reminders' }, 1);
    expect(later.filter((e) => 'CalendarYearMissing' in e).map((e) => e.year)).toContain('2031');
  });
});

describe('deliver-notification', () => {
  const digest = (orgId: string, n: number): ReminderDueDetail => ({
    digestId: `jining-sports-2023#2023-10-09#${orgId}#${n}`,
    planId: 'jining-sports-2023',
    orgId,
    date: '2023-10-09',
    items: [
      {
        key: `due_soon#T07#${orgId}#d3`,
        kind: 'due_soon',
        taskId: 'T07',
        dueDate: '2023-10-12',
        title: '做好群众文体生活满意度工作',
        daysLeft: 3,
      },
      {
        key: `overdue#T07-M2#${orgId}#2023-10-09`,
        kind: 'overdue',
        taskId: 'T07',
        milestoneId: 'T07-M2',
        dueDate: '2023-08-31',
        title: '全民健身月活动',
        daysOverdue: 39,
      },
      { key: `overdue#T08#${orgId}#2023-10-09`, kind: 'overdue', taskId: 'T08', dueDate: '2023-08-31', title: '体育社团', daysOverdue: 39 },
    ],
    text: '### 督查督办提醒（2023-10-09）',
  });

  it('RemindersDelivered by channel and kind; DeliveryFailures by channel; DeadLetters at the last receive', async () => {
    const { handler } = (await import('../../functions/deliver-notification/handler.js')) as unknown as { handler: SqsHandler };
    // Units without a robot in the directory are reached on the notifications topic (sns).
    sns
      .on(PublishCommand)
      .resolvesOnce({ MessageId: 'sent' })
      .rejects(Object.assign(new Error('KMS key disabled'), { name: 'KMSDisabledException' }));
    const emf = await emfOf(async () => {
      const first = await handler({ Records: [sqsRecord('reminder.due', digest('370811', 1), 'd-1')] }, context('deliver-notification'));
      expect(first.batchItemFailures).toEqual([]);
      const failing = await handler(
        { Records: [sqsRecord('reminder.due', digest('370812', 2), 'd-2', 2), sqsRecord('reminder.due', digest('370826', 3), 'd-3', 5)] },
        context('deliver-notification'),
      );
      expect(failing.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['d-2', 'd-3']);
    });
    expectMetric(emf, 'RemindersDelivered', { service: 'deliver-notification', Channel: 'sns', Kind: 'overdue' }, 2);
    expectMetric(emf, 'RemindersDelivered', { service: 'deliver-notification', Channel: 'sns', Kind: 'due_soon' }, 1);
    expectMetric(emf, 'DeliveryFailures', { service: 'deliver-notification', Channel: 'sns' }, 2);
    expectMetric(emf, 'DeadLetters', { service: 'deliver-notification', Reason: 'DeliveryFailedError' }, 1);
  });
});

describe('the business metrics', () => {
  it('each appeared above in a function of its emittedBy', () => {
    // Runs last (vitest keeps the order of a file): every metric of shared/observability/metrics.ts was asserted.
    expect([...seen].sort()).toEqual([...METRIC_NAMES].sort());
  });
});
