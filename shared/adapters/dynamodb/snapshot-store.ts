import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PlanSnapshot, SnapshotStore } from '../../ports/snapshots.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { snapshotSk, snapshotsPk } from './keys.js';

/** Daily snapshots: one item per plan and day; a re-run of the day overwrites it. */
export class DynamoSnapshotStore implements SnapshotStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
  ) {}

  async putSnapshot(snapshot: PlanSnapshot): Promise<void> {
    const out = await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: snapshotsPk(snapshot.planId), sk: snapshotSk(snapshot.date), ...snapshot },
        ...capacityOption(this.meter),
      }),
    );
    this.meter?.record('putSnapshot', 'write', out.ConsumedCapacity);
  }

  async listSnapshots(planId: string, from: string, to: string): Promise<PlanSnapshot[]> {
    const items: PlanSnapshot[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': snapshotsPk(planId), ':from': snapshotSk(from), ':to': snapshotSk(to) },
          ExclusiveStartKey: startKey,
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('querySnapshots', 'read', out.ConsumedCapacity);
      for (const it of out.Items ?? []) {
        items.push({ planId: it.planId, date: it.date, createdAt: it.createdAt, view: it.view });
      }
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
