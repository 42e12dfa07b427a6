import { PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ReceiptClaim, WebhookReceipts } from '../../ports/webhook-receipts.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { isConditionFailure } from './errors.js';
import { WEBHOOK_RECEIPT_SK, webhookReceiptPk } from './keys.js';

/** How long a webhook id is remembered for exact-resend detection. */
export const RECEIPT_TTL_SECONDS = 30 * 24 * 3600;

/**
 * One conditional put per webhook: a first delivery claims the id; a resend finds the old receipt
 * in the same call (`ReturnValuesOnConditionCheckFailure`), without an extra read.
 */
export class DynamoWebhookReceipts implements WebhookReceipts {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
  ) {}

  async claim(input: { sourceId: string; webhookId: string; bodyHash: string; receivedAt: string }): Promise<ReceiptClaim> {
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: webhookReceiptPk(input.sourceId, input.webhookId),
            sk: WEBHOOK_RECEIPT_SK,
            bodyHash: input.bodyHash,
            status: 'pending',
            receivedAt: input.receivedAt,
            expiresAt: Math.floor(Date.parse(input.receivedAt) / 1000) + RECEIPT_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('claimReceipt', 'write', out.ConsumedCapacity);
      return { kind: 'new' };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const raw = (err as { Item?: Record<string, AttributeValue> }).Item;
      const old = raw ? unmarshall(raw) : undefined;
      if (!old || old.bodyHash !== input.bodyHash) return { kind: 'conflict' };
      return old.status === 'published' ? { kind: 'published' } : { kind: 'pending' };
    }
  }

  async markPublished(sourceId: string, webhookId: string): Promise<void> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: webhookReceiptPk(sourceId, webhookId), sk: WEBHOOK_RECEIPT_SK },
        UpdateExpression: 'SET #status = :published',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':published': 'published' },
        ...capacityOption(this.meter),
      }),
    );
    this.meter?.record('markPublished', 'write', out.ConsumedCapacity);
  }
}
