import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { OPS_CLI, opsAction } from '../../scripts/ops.js';
import { OpsError, OpsUsageError } from '../../scripts/lib/errors.js';
import { explainDeadLetter, listDeadLetters, queueDepths, redrive, stackQueues, type StackQueue } from '../../scripts/lib/ops.js';
import { parseCommandLine } from '../../scripts/lib/cli.js';
import { QUEUE_TAG } from '../../shared/routing.js';
import { progressReport, sqsRecord } from '../helpers/reports.js';
import { runProgram } from '../helpers/programs.js';

const sqs = new SQSClient({ region: 'cn-north-1' });
const mock = mockClient(sqs);
const URL = (name: string) => `https://sqs.cn-north-1.amazonaws.com.cn/000000000000/${name}`;

/** The stack's queues as CloudFormation names them, and their tags (infra/constructs/pipeline.ts, schedules.ts). */
const DEPLOYED: Record<string, string> = {
  'SupervisionProd-PipelineProgressQueueA1B2C3D4-AbCdEf': 'progress',
  'SupervisionProd-PipelineProgressDlqE5F6A7B8-GhIjKl': 'progress-dlq',
  'SupervisionProd-PipelineEventsQueue11111111-MnOpQr': 'events',
  'SupervisionProd-PipelineEventsDlq22222222-StUvWx': 'events-dlq',
  'SupervisionProd-PipelineDeliveryQueue3333333-YzAbCd': 'delivery',
  'SupervisionProd-PipelineDeliveryDlq44444444-EfGhIj': 'delivery-dlq',
  'SupervisionProd-PipelineBusTargetDlq5555555-KlMnOp': 'bus-target-dlq',
  'SupervisionProd-SchedulesScheduleDlq6666666-QrStUv': 'schedule-dlq',
  'SupervisionProd-PipelineRelayDlq77777777-WxYzAb': 'relay-dlq',
};

function deploy(queues: Record<string, string> = DEPLOYED): void {
  const names = Object.keys(queues);
  // Two pages, as ListQueues pages them.
  mock
    .on(ListQueuesCommand, { QueueNamePrefix: 'SupervisionProd-' })
    .resolvesOnce({ QueueUrls: names.slice(0, 5).map(URL), NextToken: 'page-2' })
    .resolvesOnce({ QueueUrls: [...names.slice(5).map(URL), URL('SupervisionProd-SomethingElse-1')] });
  mock.on(ListQueueTagsCommand).callsFake((input: { QueueUrl: string }) => {
    const tag = queues[input.QueueUrl.split('/').pop()!];
    return { Tags: tag ? { [QUEUE_TAG]: tag, stage: 'prod' } : { stage: 'prod' } };
  });
}

const tagOrder = [
  'progress',
  'progress-dlq',
  'events',
  'events-dlq',
  'delivery',
  'delivery-dlq',
  'bus-target-dlq',
  'schedule-dlq',
  'relay-dlq',
];

beforeEach(() => mock.reset());

describe('stackQueues', () => {
  it("finds the stack's queues by prefix and tag, through every page, each work queue beside its DLQ", async () => {
    deploy();
    const queues = await stackQueues(sqs, 'SupervisionProd');
    expect(queues.map((q) => q.tag)).toEqual(tagOrder);
    expect(queues.find((q) => q.tag === 'progress-dlq')?.url).toBe(URL('SupervisionProd-PipelineProgressDlqE5F6A7B8-GhIjKl'));
    expect(mock.commandCalls(ListQueuesCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, 'page-2']);
  });

  it('names the queues it cannot find (a stack not deployed here, or deployed before the tags)', async () => {
    const { ['SupervisionProd-SchedulesScheduleDlq6666666-QrStUv']: _gone, ...rest } = DEPLOYED;
    deploy(rest);
    await expect(stackQueues(sqs, 'SupervisionProd')).rejects.toThrow(
      new OpsError(
        `stack SupervisionProd: no queue tagged ${QUEUE_TAG}=schedule-dlq in this account and region (is the stack deployed here, and with this version?)`,
      ),
    );
  });
});

const queues: StackQueue[] = tagOrder.map((tag) => ({ tag, url: URL(tag) }));

describe('queueDepths', () => {
  it('reads waiting, in flight and delayed of each queue', async () => {
    mock.on(GetQueueAttributesCommand).callsFake((input: { QueueUrl: string }) => ({
      Attributes: input.QueueUrl.endsWith('progress-dlq')
        ? { ApproximateNumberOfMessages: '3', ApproximateNumberOfMessagesNotVisible: '0', ApproximateNumberOfMessagesDelayed: '0' }
        : {
            ApproximateNumberOfMessages: '0',
            ApproximateNumberOfMessagesNotVisible: input.QueueUrl.endsWith('/progress') ? '7' : '0',
            ApproximateNumberOfMessagesDelayed: '0',
          },
    }));
    const depths = await queueDepths(sqs, queues);
    expect(depths.filter((d) => d.visible + d.inFlight + d.delayed > 0)).toEqual([
      { tag: 'progress', visible: 0, inFlight: 7, delayed: 0 },
      { tag: 'progress-dlq', visible: 3, inFlight: 0, delayed: 0 },
    ]);
    expect(mock.commandCalls(GetQueueAttributesCommand)).toHaveLength(tagOrder.length);
  });
});

/** A dead letter as SQS returns it: the record's body (an EventBridge event) and its attributes. */
function letter(id: string, detail: unknown): Message {
  const r = sqsRecord('progress.submitted', detail, id);
  return {
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: r.body,
    Attributes: { SentTimestamp: '1687658400000', ApproximateReceiveCount: '1' },
  };
}

describe('explainDeadLetter: why it failed, by the consumer’s own reading and checks', () => {
  it('a valid report failed for a cause outside it: redrive it; its keys say what it is', async () => {
    const report = progressReport({ webhookId: 'msg_ok', orgId: '370811' });
    expect(await explainDeadLetter('progress', letter('m-ok', report))).toEqual({
      messageId: 'm-ok',
      sentAt: '2023-06-25T02:00:00.000Z',
      verdict: 'valid now',
      reason:
        'the consumer would apply it now: it failed for a cause outside it, which the apply-progress log names ("record failed", messageId m-ok)',
      keys: { sourceId: report.sourceId, webhookId: 'msg_ok', planId: 'jining-sports-2023', taskId: report.taskId, orgId: '370811' },
    });
  });

  it('a report the checks refuse fails again, with the same reason the consumer gave', async () => {
    const report = progressReport({
      webhookId: 'msg_late',
      orgId: '370811',
      reportedAt: '2023-06-25T10:00:00+08:00',
      receivedAt: '2023-06-20T02:00:00.000Z',
    });
    const out = await explainDeadLetter('progress', letter('m-late', report));
    expect(out.verdict).toBe('fails again');
    expect(out.reason).toMatch(/^UnappliableMessageError: .*data\.reportedAt: .* is later than the time of receipt/);
    expect(out.keys).toMatchObject({ webhookId: 'msg_late', orgId: '370811' });
  });

  it('a body that is not an event fails again: MalformedMessageError names what is wrong', async () => {
    expect(await explainDeadLetter('events', { MessageId: 'm-x', Body: 'not json' })).toMatchObject({
      verdict: 'fails again',
      reason: 'MalformedMessageError: body is not JSON',
      keys: {},
    });
    expect((await explainDeadLetter('progress', letter('m-y', { planId: 'jining-sports-2023' }))).reason).toMatch(
      /^MalformedMessageError: not a valid event: detail\.taskId: /,
    );
  });

  it('a digest: the channel that refused it is in the delivery log', async () => {
    const digest = {
      digestId: 'd-1',
      planId: 'jining-sports-2023',
      orgId: '370811',
      date: '2023-10-09',
      text: '督查督办提醒',
      items: [{ key: 'k', kind: 'overdue', taskId: 'T08', dueDate: '2023-08-31', title: '体育社团' }],
    };
    const body = JSON.stringify({
      version: '0',
      id: 'e',
      'detail-type': 'reminder.due',
      source: 'jining.supervision',
      time: '2023-10-09T01:00:00Z',
      detail: digest,
    });
    expect(await explainDeadLetter('delivery', { MessageId: 'm-d', Body: body })).toMatchObject({
      verdict: 'valid now',
      keys: { planId: 'jining-sports-2023', orgId: '370811', digestId: 'd-1' },
    });
  });

  it('the bus-target and schedule DLQs: the error EventBridge or the Scheduler attached', async () => {
    const event = letter('m-b', progressReport({ webhookId: 'msg_b' }));
    const attrs = (a: Record<string, string>) =>
      Object.fromEntries(Object.entries(a).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]));
    const out = await explainDeadLetter('bus-target', {
      ...event,
      MessageAttributes: attrs({
        ERROR_CODE: 'SQS_ACCESS_DENIED',
        ERROR_MESSAGE: 'Access denied',
        RULE_ARN: 'arn:rule',
        TARGET_ARN: 'arn:queue',
      }),
    });
    expect(out).toMatchObject({
      verdict: 'not delivered',
      reason: 'SQS_ACCESS_DENIED: Access denied (arn:rule → arn:queue)',
      keys: { webhookId: 'msg_b' },
    });
    expect(
      await explainDeadLetter('schedule', {
        MessageId: 's',
        Body: '{}',
        MessageAttributes: attrs({ ERROR_CODE: 'AWS.Lambda.TooManyRequestsException', ERROR_MESSAGE: 'Rate exceeded' }),
      }),
    ).toMatchObject({
      verdict: 'not delivered',
      reason: 'AWS.Lambda.TooManyRequestsException: Rate exceeded',
    });
  });

  it('the relay DLQ: the stream batch Lambda gave up on (shard and sequence range), not the records', async () => {
    // The on-failure record of a DynamoDB stream event source mapping (the records stay in the table).
    const body = JSON.stringify({
      requestContext: { requestId: 'r', functionArn: 'arn:relay', condition: 'RecordAgeExceeded', approximateInvokeCount: 1000 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2023-06-26T02:00:00.000Z',
      DDBStreamBatchInfo: {
        shardId: 'shardId-1',
        startSequenceNumber: '100',
        endSequenceNumber: '109',
        approximateArrivalOfFirstRecord: '2023-06-25T02:00:00Z',
        approximateArrivalOfLastRecord: '2023-06-25T02:00:01Z',
        batchSize: 10,
        streamArn: 'arn:stream',
      },
    });
    expect(await explainDeadLetter('relay', { MessageId: 'm-r', Body: body })).toEqual({
      messageId: 'm-r',
      verdict: 'not delivered',
      reason:
        "RecordAgeExceeded: 10 stream record(s) not put on the bus (first stored 2023-06-25T02:00:00Z); the relay-outbox log names the bus's error",
      keys: { shardId: 'shardId-1', startSequenceNumber: '100', endSequenceNumber: '109' },
    });
    expect(await explainDeadLetter('relay', { MessageId: 'm-x', Body: 'not json' })).toMatchObject({
      verdict: 'not delivered',
      reason: 'not a stream batch failure record',
    });
  });
});

describe('listDeadLetters', () => {
  it('reads the DLQ in pages of 10 until --max or empty, hiding them for --hide seconds, deleting nothing', async () => {
    const page = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => letter(`m-${from + i}`, progressReport({ webhookId: `w-${from + i}` })));
    mock
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: page(0, 10) })
      .resolvesOnce({ Messages: page(10, 2) })
      .resolves({ Messages: [] });
    const letters = await listDeadLetters(sqs, queues, 'progress', { max: 25, hideSeconds: 45 });
    expect(letters.map((l) => l.messageId)).toEqual(page(0, 12).map((m) => m.MessageId));
    const calls = mock.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => [c.QueueUrl, c.MaxNumberOfMessages, c.VisibilityTimeout])).toEqual([
      [URL('progress-dlq'), 10, 45],
      [URL('progress-dlq'), 10, 45],
      [URL('progress-dlq'), 10, 45],
    ]);
    expect(calls[0]).toMatchObject({ MessageSystemAttributeNames: ['All'], MessageAttributeNames: ['All'] });
    expect(mock.calls().every((c) => c.args[0] instanceof ReceiveMessageCommand)).toBe(true);
  });

  it('stops at --max', async () => {
    mock.on(ReceiveMessageCommand).resolves({ Messages: [letter('a', {}), letter('b', {})] });
    expect(await listDeadLetters(sqs, queues, 'events', { max: 2, hideSeconds: 30 })).toHaveLength(2);
    expect(mock.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input.MaxNumberOfMessages)).toEqual([2]);
  });
});

describe('redrive', () => {
  it("starts a message move task from the queue's DLQ, back to where its messages came from", async () => {
    mock
      .on(GetQueueAttributesCommand, { QueueUrl: URL('delivery-dlq') })
      .resolves({ Attributes: { QueueArn: 'arn:aws-cn:sqs:cn-north-1:000000000000:delivery-dlq' } });
    mock.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    expect(await redrive(sqs, queues, 'delivery')).toEqual({
      sourceArn: 'arn:aws-cn:sqs:cn-north-1:000000000000:delivery-dlq',
      taskHandle: 'task-1',
    });
    // No destination: SQS sends each message back to its source queue.
    expect(mock.commandCalls(StartMessageMoveTaskCommand).map((c) => c.args[0].input)).toEqual([
      { SourceArn: 'arn:aws-cn:sqs:cn-north-1:000000000000:delivery-dlq' },
    ]);
  });
});

describe('the command line', () => {
  const action = (...argv: string[]) => {
    const parsed = parseCommandLine(OPS_CLI, argv);
    if (parsed.help) throw new Error('help');
    return opsAction(parsed.values);
  };

  it('takes one action, with its queue and limits', () => {
    expect(action('--depths')).toEqual({ kind: 'depths' });
    expect(action('--dead-letters', 'bus-target', '--max', '50', '--hide', '0')).toEqual({
      kind: 'dead-letters',
      queue: 'bus-target',
      max: 50,
      hideSeconds: 0,
    });
    expect(action('--stage', 'prod', '--redrive', 'events')).toEqual({ kind: 'redrive', queue: 'events' });
  });

  it.each([
    [[], /say what to do/],
    [['--depths', '--redrive', 'progress'], /one action at a time/],
    [['--dead-letters', 'progres'], /no queue "progres"; known: progress, events, delivery, bus-target, schedule, relay/],
    [['--redrive', 'schedule'], /no queue of origin/],
    [['--dead-letters', 'progress', '--max', '0'], /--max must be a whole number from 1 to 100/],
    [['--dead-letters', 'progress', '--hide', '1e3'], /--hide must be a whole number/],
  ])('%j is refused: %s', (argv, message) => {
    expect(() => action(...argv)).toThrow(OpsUsageError);
    expect(() => action(...argv)).toThrow(message);
  });

  it('refuses a mistake with exit 2 and the usage before any AWS call (no credentials here)', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_PROFILE: '',
      AWS_REGION: 'cn-north-1',
      AWS_ENDPOINT_URL_SQS: 'http://127.0.0.1:9',
    };
    const noAction = await runProgram('scripts/ops.ts', [], env);
    expect(noAction.code).toBe(2);
    expect(noAction.stderr).toContain('say what to do');
    expect(noAction.stderr).toContain('usage: npm run ops');
    const badStage = await runProgram('scripts/ops.ts', ['--depths', '--stage', 'production'], env);
    expect(badStage.code).toBe(2);
    expect(badStage.stderr).toContain('--stage: unknown stage "production"');
    expect(badStage.stderr).not.toContain('ECONNREFUSED');
  });
});
