import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
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
  return { Records: records } as SQSEvent;
}

describe('apply-progress consumer (aws-sdk-client-mock)', () => {
  beforeEach(() => ddb.reset());

  it('a throttled write fails only its record; the others are acknowledged', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    ddb
      .on(UpdateCommand, { Key: { pk: 'PLAN#jining-sports-2023#STATE', sk: 'KPI#sports-clubs#ORG#370812' } })
      .rejects(new ProvisionedThroughputExceededException({ message: 'throttled', $metadata: {} }));
    const failures: string[] = [];
    const handler = createApplyProgressHandler({ writer: new DynamoStateStore(doc, 'table'), logger, onFailure: (id, reason) => failures.push(`${id}:${reason}`) });
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
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const failures: string[] = [];
    const handler = createApplyProgressHandler({ writer: new DynamoStateStore(doc, 'table'), logger, onFailure: (id, reason) => failures.push(reason) });
    const result = await handler(
      batch(sqsRecord('progress.submitted', progressReport({ taskId: 'T99' }), 'gone'), sqsRecord('progress.submitted', progressReport(), 'fine')),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'gone' }]);
    expect(failures[0]).toMatch(/UnappliableMessageError: data.taskId: plan jining-sports-2023 has no task T99/);
    // Only the fine record wrote: 1 audit put + 1 period put, 2 updates.
    expect(ddb.commandCalls(PutCommand)).toHaveLength(2);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('a completion claim without evidence that reached the queue fails alone (evidence_required), before any write', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const failures: string[] = [];
    const handler = createApplyProgressHandler({ writer: new DynamoStateStore(doc, 'table'), logger, onFailure: (id, reason) => failures.push(reason) });
    const result = await handler(
      batch(sqsRecord('progress.submitted', progressReport({ status: 'completed', evidence: [], webhookId: 'bare' }), 'bare'), sqsRecord('progress.submitted', progressReport(), 'fine')),
    );
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bare' }]);
    expect(failures[0]).toMatch(/data\.evidence/);
    // Only the fine record wrote: its audit row and period marker.
    expect(ddb.commandCalls(PutCommand)).toHaveLength(2);
  });

  it('a malformed body or a detail that breaks the contract fails alone', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const handler = createApplyProgressHandler({ writer: new DynamoStateStore(doc, 'table'), logger });
    const notJson = { ...sqsRecord('progress.submitted', {}, 'not-json'), body: '{oops' };
    const badDetail = sqsRecord('progress.submitted', { ...progressReport(), metrics: [{ kpiId: 'sports-clubs', value: -1 }] }, 'negative');
    const result = await handler(batch(notJson, badDetail, sqsRecord('progress.submitted', progressReport(), 'fine')));
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['negative', 'not-json']);
  });

  it('when every record fails the batch throws (never an empty, acknowledging response)', async () => {
    ddb.on(PutCommand).rejects(new Error('down'));
    ddb.on(UpdateCommand).rejects(new Error('down'));
    const handler = createApplyProgressHandler({ writer: new DynamoStateStore(doc, 'table'), logger });
    await expect(handler(batch(sqsRecord('progress.submitted', progressReport(), 'x'), sqsRecord('progress.submitted', progressReport(), 'y')))).rejects.toBeInstanceOf(
      FullBatchFailureError,
    );
  });

  it('sends the conditions that make writes idempotent and order-independent', async () => {
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    const handler = createApplyProgressHandler({ writer: new DynamoStateStore(doc, 'table'), logger });
    await handler(batch(sqsRecord('progress.submitted', progressReport({ webhookId: 'w9' }), 'one')));
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input);
    const audit = puts.find((p) => String(p.Item?.sk).startsWith('REPORT#'))!;
    expect(audit.ConditionExpression).toBe('attribute_not_exists(pk)');
    // The source is part of the audit key and of the order: two sources may reuse a webhook-id.
    expect(audit.Item?.sk).toBe('REPORT#2023-06-20T02:00:00.000Z#rencheng#w9');
    for (const call of ddb.commandCalls(UpdateCommand)) {
      expect(call.args[0].input.ConditionExpression).toBe('attribute_not_exists(pk) OR #order < :order');
      expect(call.args[0].input.ExpressionAttributeValues?.[':order']).toBe('2023-06-20T02:00:00.000Z#rencheng#w9');
    }
  });
});

describe('register-event consumer (aws-sdk-client-mock)', () => {
  beforeEach(() => ddb.reset());

  it('upserts with a last-writer-wins condition and fails an event linked to an unknown task alone', async () => {
    ddb.on(PutCommand).resolves({});
    const onFailure = vi.fn();
    const handler = createRegisterEventHandler({ writer: new DynamoStateStore(doc, 'table'), logger, onFailure });
    const result = await handler(batch(sqsRecord('event.registered', sportsEvent(), 'ok'), sqsRecord('event.registered', sportsEvent({ taskIds: ['T42'] }), 'bad')));
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(onFailure).toHaveBeenCalledWith('bad', expect.stringContaining('has no task T42'));
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    expect(put.Item).toMatchObject({ pk: 'PLAN#jining-sports-2023#EVENT', sk: 'EVENT#mass-sports#evt-1', status: 'planned' });
    // An update of a known event: written only over an older one (a new event goes through the capped transaction).
    expect(put.ConditionExpression).toBe('attribute_exists(pk) AND #order < :order');
  });
});
