import { PutCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { decodeTrend, encodeTrend, snapshotItem, type TrendItem } from '../../api/trend.js';
import type { PlanSnapshot, SnapshotStore } from '../../ports/snapshots.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { queryAll } from './query-all.js';
import { snapshotSk, snapshotsPk, trendSk } from './keys.js';

/**
 * Daily snapshots: per plan and day, the full evaluated plan and the compact trend item beside it (a
 * re-run of the day overwrites both). The read API's trend reads only the trend items.
 */
export class DynamoSnapshotStore implements SnapshotStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
  ) {}

  async putSnapshot(snapshot: PlanSnapshot): Promise<void> {
    const pk = snapshotsPk(snapshot.planId);
    const [full, trend] = await Promise.all([
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk: snapshotSk(snapshot.date), ...snapshot },
          ...capacityOption(this.meter),
        }),
      ),
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk, sk: trendSk(snapshot.date), date: snapshot.date, trend: encodeTrend(snapshotItem(snapshot)) },
          ...capacityOption(this.meter),
        }),
      ),
    ]);
    this.meter?.record('putSnapshot', 'write', full.ConsumedCapacity);
    this.meter?.record('putTrend', 'write', trend.ConsumedCapacity);
  }

  async listTrend(planId: string, from: string, to: string): Promise<TrendItem[]> {
    const items = await this.query('queryTrend', {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': snapshotsPk(planId), ':from': trendSk(from), ':to': trendSk(to) },
    });
    return items.map((it) => decodeTrend(String(it.date), String(it.trend)));
  }

  private query(operation: string, input: Omit<QueryCommandInput, 'TableName'>): Promise<Array<Record<string, unknown>>> {
    return queryAll(this.doc, this.tableName, this.meter, operation, input);
  }

  async listSnapshots(planId: string, from: string, to: string): Promise<PlanSnapshot[]> {
    const items = await this.query('querySnapshots', {
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': snapshotsPk(planId), ':from': snapshotSk(from), ':to': snapshotSk(to) },
    });
    return items.map((it) => ({
      planId: String(it.planId),
      date: String(it.date),
      createdAt: String(it.createdAt),
      view: it.view as PlanSnapshot['view'],
    }));
  }
}
