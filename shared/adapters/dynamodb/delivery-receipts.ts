import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DeliveryReceipts, ReceiptState } from '../../ports/notifier.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { isConditionFailure } from './errors.js';

export const deliveryPk = (digestId: string) => `DELIVERY#${digestId}`;
export const deliverySk = (channel: string) => `CHANNEL#${channel}`;

/** How long a channel's receipt is kept (TTL): past every SQS retry of a digest. */
export const DELIVERY_RECEIPT_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Delivery receipts: one item per (digest, channel). `begin` claims the channel with a lease
 * (`sending`); `complete` turns it into `sent` for good; `release` (the send failed) deletes it so a
 * retry sends again. A lease older than `leaseMs` (a crashed delivery) can be taken over. It must be
 * shorter than the delivery queue's visibility timeout, so the redelivered message finds it expired.
 */
export class DynamoDeliveryReceipts implements DeliveryReceipts {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly leaseMs = 5 * 60_000,
    private readonly meter?: CapacityMeter,
  ) {}

  async begin(digestId: string, channel: string, now: Date): Promise<ReceiptState> {
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: deliveryPk(digestId),
            sk: deliverySk(channel),
            status: 'sending',
            startedAt: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + DELIVERY_RECEIPT_TTL_SECONDS,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :sending AND startedAt < :staleBefore)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending', ':staleBefore': new Date(now.getTime() - this.leaseMs).toISOString() },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('beginDelivery', 'write', out.ConsumedCapacity);
      return 'acquired';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const raw = (err as { Item?: Record<string, AttributeValue> }).Item;
      const old = raw ? unmarshall(raw) : undefined;
      return old?.status === 'sent' ? 'sent' : 'busy';
    }
  }

  async complete(digestId: string, channel: string, now: Date): Promise<void> {
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: deliveryPk(digestId), sk: deliverySk(channel) },
        UpdateExpression: 'SET #status = :sent, sentAt = :now, expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sent': 'sent',
          ':now': now.toISOString(),
          ':expiresAt': Math.floor(now.getTime() / 1000) + DELIVERY_RECEIPT_TTL_SECONDS,
        },
        ...capacityOption(this.meter),
      }),
    );
    this.meter?.record('completeDelivery', 'write', out.ConsumedCapacity);
  }

  async release(digestId: string, channel: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: deliveryPk(digestId), sk: deliverySk(channel) },
          ConditionExpression: '#status = :sending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':sending': 'sending' },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }
}
