import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { createRelayOutboxHandler } from '../../functions/relay-outbox/app.js';
import { EventRegisteredDetail, EVENT_SOURCE, ProgressSubmittedDetail, ReviewRecordedDetail } from '../../events/schemas.js';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge-bus.js';
import { outboxRecord } from '../../shared/adapters/dynamodb/outbox.js';
import { amendmentItem } from '../../shared/adapters/dynamodb/amendment-store.js';
import { decisionItem } from '../../shared/adapters/dynamodb/review-store.js';
import { PlanAmendedDetail } from '../../shared/plan/amendment.js';
import { BusPublishError } from '../../shared/adapters/errors.js';
import type { AcceptedMessage } from '../../shared/ports/intake.js';
import { planAmendment, progressReport, reviewDecision, sportsEvent } from '../helpers/reports.js';
import { recordingLogger } from '../helpers/webhooks.js';

const BUS_NAME = 'supervision-bus';
const eventBridge = mockClient(EventBridgeClient);

beforeEach(() => {
  eventBridge.reset();
  eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
});

let seq = 0;
/** A stream record as Lambda hands it to the relay: DynamoDB JSON, new image, a sequence number. */
function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', item: Record<string, unknown>): DynamoDBRecord {
  seq += 1;
  return {
    eventID: `ev-${seq}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      NewImage: marshall(item, { removeUndefinedValues: true }) as never,
      SequenceNumber: String(seq).padStart(21, '0'),
      StreamViewType: 'NEW_IMAGE',
    },
  };
}
const inserted = (m: AcceptedMessage) => streamRecord('INSERT', outboxRecord(m, 'hash'));

function relay() {
  const log = recordingLogger();
  return {
    handler: createRelayOutboxHandler({
      bus: new EventBridgeBus(new EventBridgeClient({ region: 'cn-north-1' }), BUS_NAME),
      logger: log.logger,
    }),
    log,
  };
}

describe('relay-outbox: the table stream → the bus', () => {
  it('puts each inserted outbox record on the bus as the event it stores: source, bus, detail-type, detail = data + receipt', async () => {
    const report = progressReport({ webhookId: 'msg_relay_1' });
    const event = sportsEvent({ webhookId: 'msg_relay_2' });
    const { handler } = relay();
    const out = await handler({
      Records: [inserted({ type: 'progress.submitted', detail: report }), inserted({ type: 'event.registered', detail: event })],
    });
    expect(out).toEqual({ batchItemFailures: [] });
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries!);
    expect(entries.map((e) => [e.Source, e.EventBusName, e.DetailType])).toEqual([
      [EVENT_SOURCE, BUS_NAME, 'progress.submitted'],
      [EVENT_SOURCE, BUS_NAME, 'event.registered'],
    ]);
    const [progressDetail, eventDetail] = entries.map((e) => JSON.parse(e.Detail!));
    // Exactly the message: no key, kind, body hash or expiry.
    expect(progressDetail).toEqual(report);
    expect(eventDetail).toEqual(event);
    expect(ProgressSubmittedDetail.safeParse(progressDetail).success).toBe(true);
    expect(EventRegisteredDetail.safeParse(eventDetail).success).toBe(true);
  });

  it('puts the office’s rows on the bus as review.recorded and plan.amended, each detail exactly the decision / amendment', async () => {
    const decision = reviewDecision();
    const amendment = planAmendment();
    const { handler } = relay();
    const out = await handler({
      Records: [streamRecord('INSERT', decisionItem(decision)), streamRecord('INSERT', amendmentItem(amendment))],
    });
    expect(out).toEqual({ batchItemFailures: [] });
    const entries = eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries!);
    expect(entries.map((e) => [e.Source, e.EventBusName, e.DetailType])).toEqual([
      [EVENT_SOURCE, BUS_NAME, 'review.recorded'],
      [EVENT_SOURCE, BUS_NAME, 'plan.amended'],
    ]);
    const [reviewDetail, amendedDetail] = entries.map((e) => JSON.parse(e.Detail!));
    // Exactly what office-api published before: no key or kind.
    expect(reviewDetail).toStrictEqual(decision);
    expect(amendedDetail).toStrictEqual(amendment);
    expect(ReviewRecordedDetail.parse(reviewDetail)).toStrictEqual(decision);
    expect(PlanAmendedDetail.parse(amendedDetail)).toStrictEqual(amendment);
  });

  it('skips what is not an inserted outbox record (unit state writes, expiries), should the filter let it through', async () => {
    const { handler } = relay();
    const report = outboxRecord({ type: 'progress.submitted', detail: progressReport({ webhookId: 'msg_relay_3' }) }, 'hash');
    const out = await handler({
      Records: [
        streamRecord('MODIFY', { pk: 'PLAN#p#STATE', sk: 'TASK#T08#ORG#370811', kind: 'unit', v: 2 }),
        streamRecord('REMOVE', report),
        streamRecord('MODIFY', report),
        streamRecord('INSERT', { pk: 'PLAN#p#SNAPSHOT', sk: 'DATE#2023-07-03', planId: 'p' }),
      ],
    });
    expect(out).toEqual({ batchItemFailures: [] });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('publishes in chunks of 10 in stream order; a refused chunk is retried from its first record, later chunks wait', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 0, Entries: [] })
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] })
      .resolves({ FailedEntryCount: 0, Entries: [] });
    const records = Array.from({ length: 23 }, (_, i) =>
      inserted({ type: 'progress.submitted', detail: progressReport({ webhookId: `msg_chunk_${i}` }) }),
    );
    const { handler, log } = relay();
    const out = await handler({ Records: records });
    // The second chunk (records 10–19) was refused: Lambda checkpoints records 0–9 and retries from record 10.
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: records[10]!.dynamodb!.SequenceNumber }] });
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).webhookId))).toEqual([
      Array.from({ length: 10 }, (_, i) => `msg_chunk_${i}`),
      Array.from({ length: 10 }, (_, i) => `msg_chunk_${i + 10}`),
    ]);
    expect(log.records.some((r) => r.level === 'error' && JSON.stringify(r.extra).includes('InternalFailure'))).toBe(true);

    // The retry from record 10 publishes the rest.
    expect(await handler({ Records: records.slice(10) })).toEqual({ batchItemFailures: [] });
    expect(
      eventBridge
        .commandCalls(PutEventsCommand)
        .slice(2)
        .map((c) => c.args[0].input.Entries!.length),
    ).toEqual([10, 3]);
  });

  it('a PutEvents call that throws (throttled) fails from the first record of its chunk', async () => {
    eventBridge.on(PutEventsCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const records = [inserted({ type: 'progress.submitted', detail: progressReport({ webhookId: 'msg_thr' }) })];
    const { handler } = relay();
    expect(await handler({ Records: records })).toEqual({ batchItemFailures: [{ itemIdentifier: records[0]!.dynamodb!.SequenceNumber }] });
  });
});

describe('EventBridgeBus', () => {
  it('a failed entry is a BusPublishError with the count and error codes', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ EventId: 'e-1' }, { ErrorCode: 'ThrottlingException' }] });
    const bus = new EventBridgeBus(new EventBridgeClient({ region: 'cn-north-1' }), BUS_NAME);
    const error = await bus
      .publish([
        { detailType: 'progress.submitted', detail: { a: 1 } },
        { detailType: 'progress.submitted', detail: { a: 2 } },
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BusPublishError);
    expect((error as BusPublishError).failedCount).toBe(1);
    expect((error as BusPublishError).message).toContain('ThrottlingException');
  });

  it('sends at most 10 entries per PutEvents call', async () => {
    const bus = new EventBridgeBus(new EventBridgeClient({ region: 'cn-north-1' }), BUS_NAME);
    await bus.publish(Array.from({ length: 23 }, (_, i) => ({ detailType: 'reminder.due', detail: { i } })));
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls.flatMap((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).i))).toEqual(
      Array.from({ length: 23 }, (_, i) => i),
    );
  });
});
