import { PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { EventRegisteredDetail, ProgressSubmittedDetail } from '../../../events/schemas.js';
import type {
  ApplyResult,
  AuditTrailReader,
  EventWriter,
  KpiFigure,
  Page,
  PlanState,
  PlanStateReader,
  ProgressWriter,
  ReportReader,
  SportsEventRecord,
  StoredReport,
  UnitTaskRecord,
} from '../../ports/state.js';
import { EventCapReachedError, MAX_EVENTS_PER_SOURCE } from '../../ports/state.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { isConditionFailure } from './errors.js';
import {
  eventCountSk,
  eventSk,
  eventsPk,
  kpiFigureSk,
  lwwOrder,
  periodPk,
  planStatePk,
  reportSk,
  taskAuditPk,
  unitMilestonesSk,
  unitTaskSk,
  utcInstant,
} from './keys.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- items are untyped until mapped to the ports' types
type Row = Record<string, any>;

const NEWER = 'attribute_not_exists(pk) OR #order < :order';

/**
 * The consumers' writes and the aggregates' reads over the one table. Every write is idempotent and
 * order-independent without a transaction: the audit row is put once, current records only move
 * forward in (reportedAt, webhookId) order.
 */
export class DynamoStateStore implements ProgressWriter, EventWriter, PlanStateReader, ReportReader, AuditTrailReader {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
    private readonly maxEventsPerSource = MAX_EVENTS_PER_SOURCE,
  ) {}

  async applyProgress(report: ProgressSubmittedDetail): Promise<ApplyResult> {
    const { planId, taskId, orgId, sourceId, webhookId } = report;
    const order = lwwOrder(report.reportedAt, sourceId, webhookId);
    const reportedAtUtc = utcInstant(report.reportedAt);
    const current = [
      ...report.metrics.map((m) =>
        this.advance('updateFigure', planStatePk(planId), kpiFigureSk(m.kpiId, orgId), order, {
          kind: 'figure',
          kpiId: m.kpiId,
          orgId,
          taskId,
          value: m.value,
          reportedAt: report.reportedAt,
          sourceId,
          webhookId,
        }),
      ),
      this.advance('updateTaskStatus', planStatePk(planId), unitTaskSk(taskId, orgId), order, {
        kind: 'unitTask',
        taskId,
        orgId,
        status: report.status,
        percentComplete: report.percentComplete ?? null,
        period: report.period,
        reportedAt: report.reportedAt,
        sourceId,
        webhookId,
      }),
      // Absent = no change; present = the unit's whole set. A register of its own keeps that
      // order-independent: a later report without the field must not clear it, and an earlier
      // report with it, arriving late, must not be shadowed by one that did not carry it.
      ...(report.completedMilestoneIds === undefined
        ? []
        : [
            this.advance('updateMilestones', planStatePk(planId), unitMilestonesSk(taskId, orgId), order, {
              kind: 'milestones',
              taskId,
              orgId,
              completedMilestoneIds: report.completedMilestoneIds,
            }),
          ]),
    ];
    const [recorded, marked, ...rest] = await Promise.all([
      this.put('putReport', { pk: taskAuditPk(planId, taskId), sk: reportSk(reportedAtUtc, sourceId, webhookId), kind: 'report', ...report }, 'attribute_not_exists(pk)'),
      this.put('putPeriodMarker', { pk: periodPk(planId, report.period), sk: unitTaskSk(taskId, orgId), taskId, orgId }),
      ...current,
    ]);
    void marked; // the period marker always "changes" (an unconditional put): only current records count
    return { outcome: recorded ? 'applied' : 'duplicate', changed: rest.filter(Boolean).length };
  }

  /**
   * An update of a known event is one conditional Put (newer order wins). A new event is a transaction
   * of its Put and its source's counter, so that the counter and the events can never disagree and a
   * source cannot pass MAX_EVENTS_PER_SOURCE.
   */
  async registerEvent(event: EventRegisteredDetail): Promise<ApplyResult> {
    const order = lwwOrder(event.timestamp, event.sourceId, event.webhookId);
    const item = { pk: eventsPk(event.planId), sk: eventSk(event.sourceId, event.eventId), kind: 'event', ...event, order };
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await this.putIfKnown(item, order);
      if (existing === 'written') return { outcome: 'applied', changed: 1 };
      if (existing === 'newer') return { outcome: 'duplicate', changed: 0 };
      try {
        const out = await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Update: {
                  TableName: this.tableName,
                  Key: { pk: eventsPk(event.planId), sk: eventCountSk(event.sourceId) },
                  UpdateExpression: 'ADD #n :one SET #kind = :count',
                  ConditionExpression: 'attribute_not_exists(#n) OR #n < :cap',
                  ExpressionAttributeNames: { '#n': 'events', '#kind': 'kind' },
                  ExpressionAttributeValues: { ':one': 1, ':cap': this.maxEventsPerSource, ':count': 'eventCount' },
                },
              },
            ],
            ...capacityOption(this.meter),
          }),
        );
        this.meter?.record('registerNewEvent', 'write', out.ConsumedCapacity);
        return { outcome: 'applied', changed: 1 };
      } catch (err) {
        const reasons = (err as { name?: string; CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
        if ((err as Error).name !== 'TransactionCanceledException' || !reasons) throw err;
        if (reasons[1]?.Code === 'ConditionalCheckFailed') throw new EventCapReachedError(event.sourceId, event.planId, this.maxEventsPerSource);
        // The event appeared meanwhile (a concurrent delivery): go round as an update.
      }
    }
    throw new Error(`event ${event.sourceId}/${event.eventId} kept changing while it was registered`);
  }

  /** Puts the event if it is already stored and older: `written`; stored and newer: `newer`; not stored: `unknown`. */
  private async putIfKnown(item: Record<string, unknown>, order: string): Promise<'written' | 'newer' | 'unknown'> {
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_exists(pk) AND #order < :order',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':order': order },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('putEvent', 'write', out.ConsumedCapacity);
      return 'written';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      this.meter?.record('putEvent', 'write', (err as { ConsumedCapacity?: undefined }).ConsumedCapacity);
      return (err as { Item?: unknown }).Item ? 'newer' : 'unknown';
    }
  }

  async loadPlanState(planId: string): Promise<PlanState> {
    const items = await this.queryAll('queryPlanState', { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': planStatePk(planId) } });
    const figures: KpiFigure[] = [];
    const units: UnitTaskRecord[] = [];
    const milestones = new Map<string, string[]>();
    for (const it of items) {
      if (it.kind === 'figure') {
        figures.push({ kpiId: it.kpiId, orgId: it.orgId, value: it.value, reportedAt: it.reportedAt, sourceId: it.sourceId, webhookId: it.webhookId });
      } else if (it.kind === 'milestones') {
        milestones.set(`${it.taskId}#${it.orgId}`, it.completedMilestoneIds ?? []);
      } else if (it.kind === 'unitTask') {
        units.push({
          taskId: it.taskId,
          orgId: it.orgId,
          status: it.status,
          percentComplete: it.percentComplete ?? null,
          // Rows written before the milestone register carried the set themselves.
          completedMilestoneIds: it.completedMilestoneIds ?? [],
          period: it.period,
          reportedAt: it.reportedAt,
          sourceId: it.sourceId,
          webhookId: it.webhookId,
        });
      }
    }
    for (const u of units) {
      const set = milestones.get(`${u.taskId}#${u.orgId}`);
      if (set) u.completedMilestoneIds = set;
    }
    return { figures, units };
  }

  async listEvents(planId: string): Promise<SportsEventRecord[]> {
    const items = await this.queryAll('queryEvents', {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :event)',
      ExpressionAttributeValues: { ':pk': eventsPk(planId), ':event': 'EVENT#' },
    });
    return items.map((it) => stripKeys(it) as SportsEventRecord);
  }

  async reportedUnits(planId: string, period: string): Promise<Array<{ taskId: string; orgId: string }>> {
    const items = await this.queryAll('queryPeriod', { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': periodPk(planId, period) } });
    return items.map((it) => ({ taskId: it.taskId, orgId: it.orgId }));
  }

  async listReports(planId: string, taskId: string, options: { limit: number; startKey?: Record<string, unknown> }): Promise<Page<StoredReport>> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :report)',
        ExpressionAttributeValues: { ':pk': taskAuditPk(planId, taskId), ':report': 'REPORT#' },
        ScanIndexForward: false,
        Limit: options.limit,
        ExclusiveStartKey: options.startKey,
        ...capacityOption(this.meter),
      }),
    );
    this.meter?.record('queryReports', 'read', out.ConsumedCapacity);
    return { items: (out.Items ?? []).map((it) => stripKeys(it) as StoredReport), lastKey: out.LastEvaluatedKey };
  }

  /** Every report of a task, oldest first: the audit trail, for reconcile only. */
  async auditTrail(planId: string, taskId: string): Promise<StoredReport[]> {
    const items = await this.queryAll('queryAuditTrail', {
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :report)',
      ExpressionAttributeValues: { ':pk': taskAuditPk(planId, taskId), ':report': 'REPORT#' },
    });
    return items.map((it) => stripKeys(it) as StoredReport);
  }

  private put(
    operation: string,
    item: Record<string, unknown>,
    condition?: string,
    names?: Record<string, string>,
    values?: Record<string, unknown>,
  ): Promise<boolean> {
    return this.conditionalWrite(
      operation,
      new PutCommand({
        TableName: this.tableName,
        Item: item,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...capacityOption(this.meter),
      }),
    );
  }

  /** Sends a write; false when its condition failed (a duplicate or an older message), which is not an error. */
  private async conditionalWrite(operation: string, command: PutCommand | UpdateCommand): Promise<boolean> {
    try {
      const out = await this.doc.send(command as PutCommand);
      this.meter?.record(operation, 'write', out.ConsumedCapacity);
      return true;
    } catch (err) {
      if (isConditionFailure(err)) {
        this.meter?.record(operation, 'write', (err as { ConsumedCapacity?: undefined }).ConsumedCapacity);
        return false;
      }
      throw err;
    }
  }

  /** Sets `attributes` on (pk, sk) only if the stored order is older than `order`. */
  private advance(operation: string, pk: string, sk: string, order: string, attributes: Record<string, unknown>): Promise<boolean> {
    const names: Record<string, string> = { '#order': 'order' };
    const values: Record<string, unknown> = { ':order': order };
    const sets = ['#order = :order'];
    Object.entries(attributes).forEach(([k, v], i) => {
      names[`#a${i}`] = k;
      values[`:a${i}`] = v;
      sets.push(`#a${i} = :a${i}`);
    });
    return this.conditionalWrite(
      operation,
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk, sk },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: NEWER,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ...capacityOption(this.meter),
      }),
    );
  }

  private async queryAll(operation: string, input: Omit<QueryCommandInput, 'TableName'>): Promise<Row[]> {
    const items: Row[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ TableName: this.tableName, ...input, ExclusiveStartKey: startKey, ...capacityOption(this.meter) }));
      this.meter?.record(operation, 'read', out.ConsumedCapacity);
      items.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}

function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, kind: _kind, order: _order, ...rest } = item;
  return rest;
}
