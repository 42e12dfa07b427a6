import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { RateBudgetStore } from '../../ingest/shared-rate-limiter.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { isConditionFailure } from './errors.js';
import { rateBudgetPk, rateBudgetSk } from './keys.js';
import { TTL_ATTRIBUTE } from './table-definition.js';

/** A window's counter outlives its window by this much, then DynamoDB's TTL removes it. */
const KEEP_SECONDS = 3600;

/**
 * The shared rate budget: one item per source and window, `used` grown with a conditional `ADD`
 * that can never pass the limit. When a full lease does not fit, the failed condition returns the
 * counter (`ReturnValuesOnConditionCheckFailure`) and the rest of the window is leased instead.
 */
export class DynamoRateBudget implements RateBudgetStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
  ) {}

  async lease(key: string, window: number, want: number, limit: number): Promise<number> {
    let n = Math.min(want, limit);
    for (let attempt = 0; attempt < 2 && n > 0; attempt++) {
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { pk: rateBudgetPk(key), sk: rateBudgetSk(window) },
            UpdateExpression: 'ADD #used :n SET #ttl = if_not_exists(#ttl, :ttl)',
            ConditionExpression: 'attribute_not_exists(#used) OR #used <= :room',
            ExpressionAttributeNames: { '#used': 'used', '#ttl': TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ':n': n, ':room': limit - n, ':ttl': Math.floor(Date.now() / 1000) + KEEP_SECONDS },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ...capacityOption(this.meter),
          }),
        );
        this.meter?.record('leaseRateBudget', 'write', out.ConsumedCapacity);
        return n;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        const raw = (err as { Item?: Record<string, AttributeValue> }).Item;
        const used = raw ? Number(unmarshall(raw).used ?? 0) : 0;
        n = Math.min(want, limit - used);
      }
    }
    return 0;
  }
}
