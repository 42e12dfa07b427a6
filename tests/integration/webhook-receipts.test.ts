import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoWebhookReceipts, RECEIPT_TTL_SECONDS } from '../../shared/adapters/dynamodb/webhook-receipts.js';
import { createTestTable } from '../helpers/dynamodb.js';

let table: Awaited<ReturnType<typeof createTestTable>>;
let receipts: DynamoWebhookReceipts;

beforeAll(async () => {
  table = await createTestTable();
  receipts = new DynamoWebhookReceipts(table.doc, table.tableName);
});
afterAll(async () => {
  await table?.drop();
});

const RECEIVED_AT = '2023-06-25T02:20:00.250Z';
const claim = (webhookId: string, bodyHash = 'hash-a', sourceId = 'rencheng') => receipts.claim({ sourceId, webhookId, bodyHash, receivedAt: RECEIVED_AT });

async function stored(sourceId: string, webhookId: string) {
  const out = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: `WEBHOOK#${sourceId}#${webhookId}`, sk: 'RECEIPT' }, ConsistentRead: true }));
  return out.Item;
}

describe('DynamoWebhookReceipts (DynamoDB Local)', () => {
  it('claim new → pending → markPublished → published', async () => {
    expect(await claim('msg_life')).toEqual({ kind: 'new' });
    expect(await stored('rencheng', 'msg_life')).toEqual({
      pk: 'WEBHOOK#rencheng#msg_life',
      sk: 'RECEIPT',
      bodyHash: 'hash-a',
      status: 'pending',
      receivedAt: RECEIVED_AT,
      expiresAt: Math.floor(Date.parse(RECEIVED_AT) / 1000) + RECEIPT_TTL_SECONDS,
    });
    // Same body again before it was published: the earlier attempt may not be on the bus.
    expect(await claim('msg_life')).toEqual({ kind: 'pending' });
    await receipts.markPublished('rencheng', 'msg_life');
    expect((await stored('rencheng', 'msg_life'))?.status).toBe('published');
    expect(await claim('msg_life')).toEqual({ kind: 'published' });
    // A resend does not overwrite the receipt.
    expect((await stored('rencheng', 'msg_life'))?.status).toBe('published');
  });

  it('a different body hash under the same id is a conflict, pending or published, and leaves the receipt alone', async () => {
    expect(await claim('msg_conf', 'hash-a')).toEqual({ kind: 'new' });
    expect(await claim('msg_conf', 'hash-b')).toEqual({ kind: 'conflict' });
    await receipts.markPublished('rencheng', 'msg_conf');
    expect(await claim('msg_conf', 'hash-b')).toEqual({ kind: 'conflict' });
    expect((await stored('rencheng', 'msg_conf'))?.bodyHash).toBe('hash-a');
  });

  it('ids are per source', async () => {
    expect(await claim('msg_shared', 'hash-a', 'rencheng')).toEqual({ kind: 'new' });
    expect(await claim('msg_shared', 'hash-b', 'qufu')).toEqual({ kind: 'new' });
  });

  it('markPublished of an id never claimed fails and creates nothing', async () => {
    await expect(receipts.markPublished('rencheng', 'msg_never')).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(await stored('rencheng', 'msg_never')).toBeUndefined();
  });

  it('concurrent claims of the same id and body: exactly one is new, the others pending', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, () => claim('msg_race')));
    const kinds = results.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'new')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'pending')).toHaveLength(15);
  });

  it('concurrent claims of the same id with different bodies: exactly one new, every other body a conflict', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => claim('msg_race2', `hash-${i}`)));
    const winner = results.findIndex((r) => r.kind === 'new');
    expect(results.filter((r) => r.kind === 'new')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'conflict')).toHaveLength(15);
    expect((await stored('rencheng', 'msg_race2'))?.bodyHash).toBe(`hash-${winner}`);
  });
});
