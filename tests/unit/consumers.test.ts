import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { FullBatchFailureError } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { createApplyProgressHandler } from '../../functions/apply-progress/app.js';
import { createRegisterEventHandler } from '../../functions/register-event/app.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { progressReport, sportsEvent, sqsRecord } from '../helpers/reports.js';

const logger = new Logger({ logLevel: 'SILENT' });
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'cn-north-1' }));
const ddb = mockClient(doc);

function batch(...records: ReturnType<typeof sqsRecord>[]): SQSEvent {
  return { Records: records };
}

describe('apply-progress consumer (aws-sdk-client-mock)', () => {
  beforeEach(() => ddb.reset());

  it('a throttled write fails only its record; the others are acknowledged', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb
      .on(PutCommand, { Item: { pk: 'PLAN#jining-sports-2023#STATE', sk: 'TASK#T08#ORG#370812' } })
      .rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
    const failures: string[] = [];
    const handler = createApplyProgressHandler({
      writer: new DynamoStateStore(doc, 'table'),
      logger,
      onFailure: (id, reason) => failures.push(`${id}:${reason}`),
    });
    const result = await handler(
      batch(
        sqsRecord('progress.submitted', progressReport({ webhookId: 'a' }), 'ok-1'),
        sqsRecord('progress.submitted', progressReport({ webhookId: 'b', orgId: '370812' }), 'throttled'),
        sqsRecord('progress.submitted', progressReport({ webhookId: 'c', orgId: '370826' }), 'ok-2'),
      ),
    );
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'throttled' }] });
    expect(failures).toEqual([expect.stringMatching(/^throttled:ProvisionedThroughputExceededException: throttled/)]);
  });

  it('a message the plan cannot apply (task gone) fails alone with its reason, before any write', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const failures: string[] = [];
    const handler = createApplyProgressHandler({
      writer: new DynamoStateStore(doc, 'table'),
      logger,
      onFailure: (id, reason) => failures.push(reason),
    });
    const result = await handler(
      batch(
        sqsRecord('progress.submitted', progressReport({ taskId: 'T99' }), 'gone'),
        sqsRecord('progress.submitted', progressReport(), 'fine'),
      ),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'gone' }]);
    expect(failures[0]).toMatch(/UnappliableMessageError: data.taskId: plan jining-sports-2023 has no task T99/);
    // Only the fine record wrote: its unit item, read then put (its audit row was ingest's write).
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('a completion claim without evidence that reached the queue fails alone (evidence_required), before any write', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const failures: string[] = [];
    const handler = createApplyProgressHandler({
      writer: new DynamoStateStore(doc, 'table'),
      logger,
      onFailure: (id, reason) => failures.push(reason),
    });
    const result = await handler(
      batch(
        sqsRecord('progress.submitted', progressReport({ status: 'completed', evidence: [], webhookId: 'bare' }), 'bare'),
        sqsRecord('progress.submitted', progressReport(), 'fine'),
      ),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bare' }]);
    expect(failures[0]).toMatch(/data\.evidence/);
    // Only the fine record wrote: its unit item.
    expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
  });

  it('a malformed body or a detail that breaks the contract fails alone', async () => {
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const handler = createApplyProgressHandler({ writer: new DynamoStateStore(doc, 'table'), logger });
    const notJson = { ...sqsRecord('progress.submitted', {}, 'not-json'), body: '{oops' };
    const badDetail = sqsRecord('progress.submitted', { ...progressReport(), metrics: [{ kpiId: 'sports-clubs', value: -1 }] }, 'negative');
    const result = await handler(batch(notJson, badDetail, sqsRecord('progress.submitted', progressReport(), 'fine')));
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['negative', 'not-json']);
  });

  it('when every record fails the batch throws (never an empty, acknowledging response)', async () => {
    ddb.on(GetCommand).rejects(new Error('down'));
    ddb.on(PutCommand).rejects(new Error('down'));
    const handler = createApplyProgressHandler({ writer: new DynamoStateStore(doc, 'table'), logger });
    await expect(
      handler(batch(sqsRecord('progress.submitted', progressReport(), 'x'), sqsRecord('progress.submitted', progressReport(), 'y'))),
    ).rejects.toBeInstanceOf(FullBatchFailureError);
  });

  it('puts the unit item under a version condition, each value with the report it came from; an older report writes nothing', async () => {
    ddb.on(GetCommand).resolvesOnce({});
    ddb.on(PutCommand).resolves({});
    const handler = createApplyProgressHandler({ writer: new DynamoStateStore(doc, 'table'), logger });
    await handler(batch(sqsRecord('progress.submitted', progressReport({ webhookId: 'w9' }), 'one')));
    const first = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    // A new item: only if none was written meanwhile.
    expect(first.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(first.Item).toMatchObject({
      pk: 'PLAN#jining-sports-2023#STATE',
      sk: 'TASK#T08#ORG#370811',
      v: 1,
      reportedAt: '2023-06-20T10:00:00+08:00',
      sourceId: 'rencheng',
      webhookId: 'w9',
      // [value, reportedAt, sourceId, webhookId]: the source is part of the order (two sources may reuse a webhook-id).
      figures: { 'sports-clubs': [40, '2023-06-20T10:00:00+08:00', 'rencheng', 'w9'] },
      periods: ['2023-06'],
    });
    // Over the stored item: only if it is still the version that was read.
    ddb.on(GetCommand).resolves({ Item: { ...first.Item, v: 3 } });
    await handler(
      batch(sqsRecord('progress.submitted', progressReport({ webhookId: 'w10', reportedAt: '2023-06-21T10:00:00+08:00' }), 'two')),
    );
    const second = ddb.commandCalls(PutCommand)[1]!.args[0].input;
    expect(second.ConditionExpression).toBe('#v = :v');
    expect(second.ExpressionAttributeValues).toEqual({ ':v': 3 });
    expect(second.Item).toMatchObject({ v: 4, webhookId: 'w10' });
    // A report older than everything stored: read, nothing written.
    await handler(
      batch(sqsRecord('progress.submitted', progressReport({ webhookId: 'w1', reportedAt: '2023-06-19T10:00:00+08:00' }), 'old')),
    );
    expect(ddb.commandCalls(PutCommand)).toHaveLength(2);
  });
});

describe('register-event consumer (aws-sdk-client-mock)', () => {
  beforeEach(() => ddb.reset());

  it('upserts with a last-writer-wins condition and fails an event linked to an unknown task alone', async () => {
    ddb.on(PutCommand).resolves({});
    const onFailure = vi.fn();
    const handler = createRegisterEventHandler({ writer: new DynamoStateStore(doc, 'table'), logger, onFailure });
    const result = await handler(
      batch(sqsRecord('event.registered', sportsEvent(), 'ok'), sqsRecord('event.registered', sportsEvent({ taskIds: ['T42'] }), 'bad')),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(onFailure).toHaveBeenCalledWith('bad', expect.stringContaining('has no task T42'));
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.Item).toMatchObject({ pk: 'PLAN#jining-sports-2023#EVENT', sk: 'EVENT#mass-sports#evt-1', status: 'planned' });
    // An update of a known event: written only over an older one (a new event goes through the capped transaction).
    expect(put.ConditionExpression).toBe('attribute_exists(pk) AND #order < :order');
  });
});
