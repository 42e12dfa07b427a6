import { PutCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ReviewRecordedDetail } from '../../../events/schemas.js';
import type { ClaimReader, RecordOutcome, ReviewDecisionRecord, ReviewStore } from '../../ports/reviews.js';
import type { StoredReport } from '../../ports/state.js';
import { claimKey } from '../../review/state.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { isConditionFailure } from './errors.js';
import { queryAll } from './query-all.js';
import { reportInstantPrefix, reviewSk, reviewTaskPrefix, reviewsPk, taskAuditPk, utcInstant } from './keys.js';
import { messageOf, type OutboxKind } from './outbox.js';

/**
 * The office's decisions on completion claims, one row per claim in the plan's review partition. A
 * row is put once (`attribute_not_exists`), so two office users deciding the same claim at once
 * cannot both win: the second gets the first's decision back (`ReturnValuesOnConditionCheckFailure`)
 * without an extra read. Nothing updates or deletes a row: they are the audit trail of the reviews.
 * A row is also an outbox record (`kind` = `reviewDecision`, outbox.ts): the table's stream carries
 * its insert to the bus as `review.recorded`, the row without its keys and kind.
 */
export class DynamoReviewStore implements ReviewStore, ClaimReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
  ) {}

  async recordDecision(decision: ReviewDecisionRecord): Promise<RecordOutcome> {
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: decisionItem(decision),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('putReviewDecision', 'write', out.ConsumedCapacity);
      return { recorded: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const raw = (err as { Item?: Record<string, AttributeValue> }).Item;
      if (!raw) throw err;
      return { recorded: false, existing: toDecision(unmarshall(raw)) };
    }
  }

  async listDecisions(planId: string, taskId?: string): Promise<ReviewDecisionRecord[]> {
    const rows = await this.queryAll(
      'queryReviewDecisions',
      taskId === undefined
        ? { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': reviewsPk(planId) } }
        : {
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :task)',
            ExpressionAttributeValues: { ':pk': reviewsPk(planId), ':task': reviewTaskPrefix(taskId) },
          },
    );
    return rows.map(toDecision).sort((a, b) => new Date(a.decidedAt).getTime() - new Date(b.decidedAt).getTime());
  }

  /**
   * The claim's audit row: a Query on the task's audit partition for the rows of that instant (the
   * row's key also names the source, which old unit records may not carry), then the webhook-id.
   */
  async claimReport(
    planId: string,
    taskId: string,
    claim: { reportedAt: string; sourceId?: string | undefined; webhookId: string },
  ): Promise<StoredReport | undefined> {
    const rows = await this.queryAll('queryClaimReport', {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :at)',
      ExpressionAttributeValues: { ':pk': taskAuditPk(planId, taskId), ':at': reportInstantPrefix(utcInstant(claim.reportedAt)) },
    });
    const row = rows.find((r) => r.webhookId === claim.webhookId && (claim.sourceId === undefined || r.sourceId === claim.sourceId));
    if (!row) return undefined;
    // The row as stored by ingest (outbox.ts): the report + receipt, without its keys and body hash.
    const { order: _order, ...report } = messageOf(row);
    return report as StoredReport;
  }

  private queryAll(operation: string, input: Omit<QueryCommandInput, 'TableName'>): Promise<Array<Record<string, unknown>>> {
    return queryAll(this.doc, this.tableName, this.meter, operation, input);
  }
}

const REVIEW_DECISION_KIND: OutboxKind = 'reviewDecision';

/** A decision's row: its keys, its outbox `kind`, and the decision (the `review.recorded` detail) as is. */
export function decisionItem(decision: ReviewDecisionRecord): Record<string, unknown> {
  return {
    pk: reviewsPk(decision.planId),
    sk: reviewSk(decision.taskId, decision.orgId, claimKey(decision.claim)),
    kind: REVIEW_DECISION_KIND,
    ...decision,
  };
}

/** A stored row as its decision: keys and `kind` removed (`messageOf`), the rest checked. */
function toDecision(row: Record<string, unknown>): ReviewDecisionRecord {
  return ReviewRecordedDetail.parse(messageOf(row));
}
