import { PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
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
import { MAX_EVENTS_PER_SOURCE } from '../../ports/state.js';
import { DynamoEventRegistrar } from './event-registrar.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { isConditionFailure } from './errors.js';
import {
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
    maxEventsPerSource = MAX_EVENTS_PER_SOURCE,
  ) {
    this.events = new DynamoEventRegistrar(doc, tableName, meter, maxEventsPerSource);
  }

  private readonly events: DynamoEventRegistrar;

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

  /** Registers a sports event (event-registrar.ts: an update is one conditional Put, a new event a capped transaction). */
  registerEvent(event: EventRegisteredDetail): Promise<ApplyResult> {
    return this.events.register(event);
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
