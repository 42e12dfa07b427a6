import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { AcceptedMessage, AcceptOutcome, MessageIntake } from '../../ports/intake.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { isConditionFailure } from './errors.js';
import { outboxRecord } from './outbox.js';

/**
 * Ingest's durable accept: one conditional put of the outbox record (for a report, its audit row).
 * A resend finds the stored record in the same call (`ReturnValuesOnConditionCheckFailure`) and is
 * told apart from another body by the hash, without an extra read; the record is never updated.
 */
export class DynamoIntake implements MessageIntake {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
  ) {}

  async accept(message: AcceptedMessage, bodyHash: string): Promise<AcceptOutcome> {
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: outboxRecord(message, bodyHash),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('acceptMessage', 'write', out.ConsumedCapacity);
      return 'accepted';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      this.meter?.record('acceptMessage', 'write', (err as { ConsumedCapacity?: undefined }).ConsumedCapacity);
      const raw = (err as { Item?: Record<string, AttributeValue> }).Item;
      const old = raw ? unmarshall(raw) : undefined;
      return old?.bodyHash === bodyHash ? 'resend' : 'conflict';
    }
  }
}
