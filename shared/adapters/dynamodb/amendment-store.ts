import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PlanAmendedDetail, type PlanAmendment } from '../../plan/amendment.js';
import type { AmendmentStore } from '../../ports/amendments.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { isConditionFailure } from './errors.js';
import { amendmentSk, amendmentsPk } from './keys.js';
import { messageOf, type OutboxKind } from './outbox.js';
import { queryAll } from './query-all.js';

/**
 * Plan amendments: one row per version in the plan's amendment partition, put once
 * (`attribute_not_exists`), so that two amendments made at once cannot both become version N: the
 * second is told, and is made again on top of the first. Rows are never updated or deleted. A row is
 * also an outbox record (`kind` = `planAmendment`, outbox.ts): the table's stream carries its insert
 * to the bus as `plan.amended`, the row without its keys and kind.
 */
export class DynamoAmendmentStore implements AmendmentStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
  ) {}

  async append(amendment: PlanAmendment): Promise<'recorded' | 'conflict'> {
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: amendmentItem(amendment),
          ConditionExpression: 'attribute_not_exists(pk)',
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('putAmendment', 'write', out.ConsumedCapacity);
      return 'recorded';
    } catch (err) {
      if (isConditionFailure(err)) return 'conflict';
      throw err;
    }
  }

  async list(planId: string): Promise<PlanAmendment[]> {
    const rows = await queryAll(this.doc, this.tableName, this.meter, 'queryAmendments', {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': amendmentsPk(planId) },
    });
    return rows.map((row) => PlanAmendedDetail.parse(messageOf(row))).sort((a, b) => a.version - b.version);
  }
}

const PLAN_AMENDMENT_KIND: OutboxKind = 'planAmendment';

/** A version's row: its keys, its outbox `kind`, and the amendment (the `plan.amended` detail) as is. */
export function amendmentItem(amendment: PlanAmendment): Record<string, unknown> {
  return { pk: amendmentsPk(amendment.planId), sk: amendmentSk(amendment.version), kind: PLAN_AMENDMENT_KIND, ...amendment };
}
