import type { EventRegisteredDetail, ProgressSubmittedDetail } from '../../events/schemas.js';
import type { UnitTaskState } from '../status/light.js';

/** A unit's current cumulative figure for a KPI: from its report with the latest (reportedAt, webhookId). */
export interface KpiFigure {
  kpiId: string;
  orgId: string;
  value: number;
  reportedAt: string;
  /** The sending source (absent on records written before the order carried it). */
  sourceId?: string;
  webhookId: string;
}

/** A unit's current standing on a task, from its latest report. */
export interface UnitTaskRecord extends UnitTaskState {
  taskId: string;
  /** The sending source (absent on records written before the order carried it). */
  sourceId?: string;
  webhookId: string;
  period: string;
}

/** A registered sports event as stored (latest `timestamp` per (sourceId, eventId) wins). */
export type SportsEventRecord = EventRegisteredDetail;

/** Every current figure and unit status of a plan: what aggregation, reminders and the read API need. */
export interface PlanState {
  figures: KpiFigure[];
  units: UnitTaskRecord[];
}

/** A report as kept in the immutable audit trail. */
export type StoredReport = ProgressSubmittedDetail;

export interface Page<T> {
  items: T[];
  /** Opaque to callers above the store; the read API signs it into a cursor. */
  lastKey?: Record<string, unknown>;
}

/** `unchanged`: nothing to write — a redelivery, or a message older than everything it says. */
export type ApplyOutcome = 'applied' | 'unchanged';

export interface ApplyResult {
  outcome: ApplyOutcome;
  /** Current records this message changed (0 when everything it says is already there or older than what is stored). */
  changed: number;
}

/**
 * Writes of the consumers. Every write is idempotent and order-independent. A report's audit row is
 * not theirs: ingest stored it when it accepted the report (the outbox record the bus event came from).
 */
export interface ProgressWriter {
  applyProgress(report: ProgressSubmittedDetail): Promise<ApplyResult>;
}

export interface EventWriter {
  registerEvent(event: EventRegisteredDetail): Promise<ApplyResult>;
}

/** Reads over the aggregates. None of them grows with the number of reports. */
export interface PlanStateReader {
  loadPlanState(planId: string): Promise<PlanState>;
  listEvents(planId: string): Promise<SportsEventRecord[]>;
  /** (taskId, orgId) pairs that have sent any report for `period`. */
  reportedUnits(planId: string, period: string): Promise<Array<{ taskId: string; orgId: string }>>;
}

/** Reads over the audit trail (newest first). */
export interface ReportReader {
  listReports(planId: string, taskId: string, options: { limit: number; startKey?: Record<string, unknown> }): Promise<Page<StoredReport>>;
}

/** The whole audit trail of a task, for reconcile only (grows with reports; never on a schedule's hot path). */
export interface AuditTrailReader {
  auditTrail(planId: string, taskId: string): Promise<StoredReport[]>;
}
