import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTable } from '../helpers/dynamodb.js';
import { FaultsSyntaxError } from '../../local/errors.js';
import { dynamoDbShareFor, injectDynamoDbFaults, parseFaults } from '../../local/faults.js';

describe('parseFaults', () => {
  it('reads shares per target', () => {
    expect(parseFaults('dynamodb:0.2,eventbridge:0.05')).toEqual({ dynamodb: 0.2, eventbridge: 0.05 });
    expect(parseFaults(' dynamodb : 1 ')).toEqual({ dynamodb: 1 });
    expect(parseFaults(undefined)).toEqual({});
    expect(parseFaults('')).toEqual({});
  });

  it('reads a share for one function’s table calls, over the share for all', () => {
    const faults = parseFaults('dynamodb:0.1,dynamodb@apply-progress:0.95');
    expect(faults).toEqual({ dynamodb: 0.1, dynamodbFor: { 'apply-progress': 0.95 } });
    expect(dynamoDbShareFor(faults, 'apply-progress')).toBe(0.95);
    expect(dynamoDbShareFor(faults, 'ingest-webhook')).toBe(0.1);
    expect(dynamoDbShareFor(parseFaults('dynamodb@register-event:0.5'), 'ingest-webhook')).toBeUndefined();
  });

  it.each([
    'dynamodb',
    'dynamodb:1.5',
    'sqs:0.1',
    'dynamodb:-0.1',
    'dynamodb:0.1;eventbridge:0.1',
    'dynamodb@no-such-fn:0.1',
    'eventbridge@relay-outbox:0.1',
  ])('refuses %s', (spec) => {
    expect(() => parseFaults(spec)).toThrow(FaultsSyntaxError);
  });
});

describe('DynamoDB fault injection', () => {
  let table: Awaited<ReturnType<typeof createTestTable>>;
  beforeAll(async () => {
    table = await createTestTable();
  });
  afterAll(async () => {
    await table.drop();
  });

  /** A client of its own (the middleware is per client), answering `random` from a script. */
  function faultyDoc(script: number[], maxAttempts: number) {
    const client = new DynamoDBClient({
      endpoint: inject('dynamodbEndpoint'),
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts,
    });
    const stats = injectDynamoDbFaults(client, 0.5, () => script.shift() ?? 0.99);
    return { doc: DynamoDBDocumentClient.from(client), stats, client };
  }

  it('throttles an attempt before sending it; the SDK retries it like a real throttle', async () => {
    // attempt 1: fault (0.1 < 0.5), throttle (0.2 < 0.5); attempt 2: no fault.
    const { doc, stats, client } = faultyDoc([0.1, 0.2], 3);
    await doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'f#1', sk: 'x', v: 1 } }));
    expect(stats).toEqual({ throttled: 1, timedOut: 0 });
    client.destroy();
  });

  it('surfaces the throttle when every attempt is throttled, and nothing is written', async () => {
    const { doc, stats, client } = faultyDoc([0.1, 0.2, 0.1, 0.2], 2);
    await expect(doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'f#2', sk: 'x' } }))).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    expect(stats.throttled).toBe(2);
    const got = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'f#2', sk: 'x' } }));
    expect(got.Item).toBeUndefined();
    client.destroy();
  });

  it('a timeout fault applies the request and loses the response', async () => {
    // attempt 1: fault, timeout (0.7 ≥ 0.5) after the put was applied; maxAttempts 1 so no retry.
    const { doc, stats, client } = faultyDoc([0.1, 0.7], 1);
    await expect(doc.send(new PutCommand({ TableName: table.tableName, Item: { pk: 'f#3', sk: 'x', v: 3 } }))).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(stats).toEqual({ throttled: 0, timedOut: 1 });
    const got = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: 'f#3', sk: 'x' } }));
    expect(got.Item).toMatchObject({ v: 3 });
    client.destroy();
  });
});
