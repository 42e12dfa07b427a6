import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { EventRegisteredDetail, ProgressSubmittedDetail } from '../../../events/schemas.js';
import { mergeReport, recordsOf, type Provenance, type UnitTaskState } from '../../kpi/unit-state.js';
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
import { UnitStateContentionError } from '../errors.js';
import { DynamoEventRegistrar } from './event-registrar.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { queryAll } from './query-all.js';
import { isConditionFailure } from './errors.js';
import { messageOf } from './outbox.js';
import { MAX_EVENTS_PER_SOURCE, eventsPk, planStatePk, taskAuditPk, unitTaskSk } from './keys.js';

type Row = Record<string, unknown>;

/** `[reportedAt, sourceId, webhookId]` of the report a part of the state came from. */
type StoredProvenance = [string, string, string];

/** A unit's state item as `itemOf` writes it (a figure is `[value, ...provenance]`). */
interface StoredUnitItem {
  kind: typeof UNIT_KIND;
  taskId: string;
  orgId: string;
  status: UnitTaskState['head']['status'];
  percentComplete?: number | null;
  period: string;
  reportedAt: string;
  sourceId: string;
  webhookId: string;
  figures?: Record<string, [number, ...StoredProvenance]>;
  milestones?: string[];
  milestonesFrom?: StoredProvenance;
  periods?: string[];
}

/** Attempts of one unit item's read-merge-write before the message fails (and is retried by its queue). */
const MAX_WRITE_ATTEMPTS = 8;

interface Pending {
  reports: ProgressSubmittedDetail[];
  done: Promise<ApplyResult[]>;
}

/**
 * The consumers' writes and the aggregates' reads over the one table. A report costs one write: its
 * audit row was stored at ingest (the outbox record, shared/adapters/dynamodb/intake.ts), and its
 * unit's state on the task is one item (shared/kpi/unit-state.ts), read, merged and put back with a
 * version condition. A redelivery or a report older than everything it says writes nothing at all.
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
  /** Per unit item: the write in flight, and the reports waiting to go out together in the next one. */
  private readonly writing = new Map<string, Promise<unknown>>();
  private readonly waiting = new Map<string, Pending>();
  /** Per plan: the state query in flight, shared by the reads issued meanwhile (loadPlanState + reportedUnits). */
  private readonly reading = new Map<string, Promise<UnitTaskState[]>>();

  /**
   * Reports for the same unit and task that arrive while a write of that item is in flight (a batch of
   * a burst, records processed in parallel) go out together in the next write: one read and one write
   * for all of them. Each report's promise resolves once the write that carries it is done.
   */
  applyProgress(report: ProgressSubmittedDetail): Promise<ApplyResult> {
    const key = `${report.planId}\u0000${report.taskId}\u0000${report.orgId}`;
    let pending = this.waiting.get(key);
    if (!pending) {
      const reports: ProgressSubmittedDetail[] = [];
      const before = this.writing.get(key) ?? Promise.resolve();
      const done = before.then(
        () => this.flush(key, reports),
        () => this.flush(key, reports),
      );
      pending = { reports, done };
      this.waiting.set(key, pending);
      const settled = done.then(
        () => undefined,
        () => undefined,
      );
      this.writing.set(key, settled);
      void settled.then(() => {
        if (this.writing.get(key) === settled) this.writing.delete(key);
      });
    }
    const index = pending.reports.push(report) - 1;
    return pending.done.then((results) => results[index]!);
  }

  private async flush(key: string, reports: ProgressSubmittedDetail[]): Promise<ApplyResult[]> {
    this.waiting.delete(key);
    const { planId, taskId, orgId } = reports[0]!;
    const itemKey = { pk: planStatePk(planId), sk: unitTaskSk(taskId, orgId) };
    const got = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: itemKey, ConsistentRead: true, ...capacityOption(this.meter) }),
    );
    this.meter?.record('getUnitState', 'read', got.ConsumedCapacity);
    let stored = got.Item;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      let state = stored ? stateOf(stored) : undefined;
      const results: ApplyResult[] = reports.map((r) => {
        const next = mergeReport(state, r);
        if (!next) return { outcome: 'unchanged', changed: 0 };
        state = next;
        return { outcome: 'applied', changed: 1 };
      });
      if (results.every((r) => r.changed === 0)) return results;
      const version = stored ? Number(stored.v ?? 0) : 0;
      try {
        const out = await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...itemKey, ...itemOf(state!), v: version + 1 },
            ConditionExpression: stored ? '#v = :v' : 'attribute_not_exists(pk)',
            ...(stored ? { ExpressionAttributeNames: { '#v': 'v' }, ExpressionAttributeValues: { ':v': version } } : {}),
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            ...capacityOption(this.meter),
          }),
        );
        this.meter?.record('putUnitState', 'write', out.ConsumedCapacity);
        return results;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // Another writer got there first: merge into what it wrote (returned with the failure, no extra read).
        this.meter?.record('putUnitState', 'write', (err as { ConsumedCapacity?: undefined }).ConsumedCapacity);
        const raw = (err as { Item?: Record<string, AttributeValue> }).Item;
        stored = raw ? unmarshall(raw) : undefined;
      }
    }
    throw new UnitStateContentionError(`unit state ${planId}/${taskId}/${orgId} kept changing: ${MAX_WRITE_ATTEMPTS} writes lost the race`);
  }

  /** Registers a sports event (event-registrar.ts: an update is one conditional Put, a new event a capped transaction). */
  registerEvent(event: EventRegisteredDetail): Promise<ApplyResult> {
    return this.events.register(event);
  }

  async loadPlanState(planId: string): Promise<PlanState> {
    const figures: KpiFigure[] = [];
    const units: UnitTaskRecord[] = [];
    for (const state of await this.unitStates(planId)) {
      const r = recordsOf(state);
      units.push(r.unit);
      figures.push(...r.figures);
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

  /** From the unit items (the periods each has reported for): no marker items, and no read of its own when a state read is in flight. */
  async reportedUnits(planId: string, period: string): Promise<Array<{ taskId: string; orgId: string }>> {
    return (await this.unitStates(planId)).filter((u) => u.periods.includes(period)).map((u) => ({ taskId: u.taskId, orgId: u.orgId }));
  }

  /** One query of the plan's state partition, shared by the reads issued while it is in flight. */
  private unitStates(planId: string): Promise<UnitTaskState[]> {
    let p = this.reading.get(planId);
    if (!p) {
      p = this.queryAll('queryPlanState', { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': planStatePk(planId) } })
        .then((items) => items.filter((it) => it.kind === UNIT_KIND).map(stateOf))
        .finally(() => this.reading.delete(planId));
      this.reading.set(planId, p);
    }
    return p;
  }

  async listReports(
    planId: string,
    taskId: string,
    options: { limit: number; startKey?: Record<string, unknown> },
  ): Promise<Page<StoredReport>> {
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

  private queryAll(operation: string, input: Omit<QueryCommandInput, 'TableName'>): Promise<Row[]> {
    return queryAll(this.doc, this.tableName, this.meter, operation, input);
  }
}

function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { order: _order, ...rest } = messageOf(item);
  return rest;
}

const UNIT_KIND = 'unit';

/**
 * A unit item's attributes. Provenance is kept as [reportedAt, sourceId, webhookId] lists, without
 * attribute names, to keep the item small (one write unit is 1 KB).
 */
function itemOf(s: UnitTaskState): StoredUnitItem {
  return {
    kind: UNIT_KIND,
    taskId: s.taskId,
    orgId: s.orgId,
    status: s.head.status,
    percentComplete: s.head.percentComplete,
    period: s.head.period,
    reportedAt: s.head.reportedAt,
    sourceId: s.head.sourceId,
    webhookId: s.head.webhookId,
    figures: Object.fromEntries(Object.entries(s.figures).map(([kpiId, f]) => [kpiId, [f.value, ...from(f)]])),
    ...(s.milestones ? { milestones: s.milestones.ids, milestonesFrom: from(s.milestones) } : {}),
    periods: s.periods,
  };
}

const from = (p: Provenance): StoredProvenance => [p.reportedAt, p.sourceId, p.webhookId];
const provenance = (l: StoredProvenance): Provenance => ({ reportedAt: l[0], sourceId: l[1], webhookId: l[2] });

/** The items read are ours (written by `itemOf` only, the table's IAM keeps it so): no parse on the hot path. */
function stateOf(row: Row): UnitTaskState {
  const it = row as unknown as StoredUnitItem;
  return {
    taskId: it.taskId,
    orgId: it.orgId,
    head: {
      status: it.status,
      percentComplete: it.percentComplete ?? null,
      period: it.period,
      reportedAt: it.reportedAt,
      sourceId: it.sourceId,
      webhookId: it.webhookId,
    },
    figures: Object.fromEntries(
      Object.entries(it.figures ?? {}).map(([kpiId, [value, ...p]]) => [kpiId, { value: Number(value), ...provenance(p) }]),
    ),
    ...(it.milestones && it.milestonesFrom ? { milestones: { ids: [...it.milestones], ...provenance(it.milestonesFrom) } } : {}),
    periods: [...(it.periods ?? [])],
  };
}
