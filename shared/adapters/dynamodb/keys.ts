/** Key builders for the single-table design (docs/data-model.md). */

export const planStatePk = (planId: string) => `PLAN#${planId}#STATE`;
export const kpiFigureSk = (kpiId: string, orgId: string) => `KPI#${kpiId}#ORG#${orgId}`;
export const unitTaskSk = (taskId: string, orgId: string) => `TASK#${taskId}#ORG#${orgId}`;
export const taskAuditPk = (planId: string, taskId: string) => `PLAN#${planId}#TASK#${taskId}`;
/** An audit row: one per (source, webhook-id) — two sources may use the same webhook-id for the same instant. */
export const reportSk = (reportedAtUtc: string, sourceId: string, webhookId: string) => `${reportInstantPrefix(reportedAtUtc)}${sourceId}#${webhookId}`;
/** The audit rows of one instant (any source): the prefix of `reportSk`. */
export const reportInstantPrefix = (reportedAtUtc: string) => `REPORT#${reportedAtUtc}#`;
/** A unit's completed milestones on a task: a register of its own, moved only by reports that carry the set. */
export const unitMilestonesSk = (taskId: string, orgId: string) => `MILESTONES#${taskId}#ORG#${orgId}`;
export const periodPk = (planId: string, period: string) => `PLAN#${planId}#PERIOD#${period}`;
export const eventsPk = (planId: string) => `PLAN#${planId}#EVENT`;
export const eventSk = (sourceId: string, eventId: string) => `EVENT#${sourceId}#${eventId}`;
/** How many distinct events a source has registered for the plan (held to MAX_EVENTS_PER_SOURCE). */
export const eventCountSk = (sourceId: string) => `COUNT#${sourceId}`;
export const snapshotsPk = (planId: string) => `PLAN#${planId}#SNAPSHOT`;
export const snapshotSk = (date: string) => `DATE#${date}`;
/** The office's review decisions (销号 / 退回) of a plan: immutable rows, one per claim. */
export const reviewsPk = (planId: string) => `PLAN#${planId}#REVIEW`;
/** Prefix of a task's decisions (ids like T08 are fixed-width, so `TASK#T08#` names T08 only). */
export const reviewTaskPrefix = (taskId: string) => `TASK#${taskId}#`;
export const reviewSk = (taskId: string, orgId: string, claimKey: string) => `${reviewTaskPrefix(taskId)}ORG#${orgId}#CLAIM#${claimKey}`;
/** The office's plan amendments (计划调整): one row per version, written once. */
export const amendmentsPk = (planId: string) => `PLAN#${planId}#AMENDMENT`;
/** Zero-padded so that versions sort as strings. */
export const amendmentSk = (version: number) => `VERSION#${String(version).padStart(6, '0')}`;
export const webhookReceiptPk = (sourceId: string, webhookId: string) => `WEBHOOK#${sourceId}#${webhookId}`;
export const WEBHOOK_RECEIPT_SK = 'RECEIPT';
/** The operator's holiday overrides (one item per year, `YEAR#<year>`), read by send-reminders. */
export const CALENDAR_OVERRIDE_PK = 'CALENDAR#override';
/** The shared per-source rate budget: one counter per time window. */
export const rateBudgetPk = (sourceId: string) => `RATE#${sourceId}`;
export const rateBudgetSk = (window: number) => `W#${window}`;

/** An instant normalised to UTC with milliseconds, so that instants sort as strings. */
export function utcInstant(iso: string): string {
  return new Date(iso).toISOString();
}

export { messageOrder as lwwOrder } from '../../kpi/order.js';

/**
 * The table's partitions as IAM `dynamodb:LeadingKeys` patterns (StringLike), one per key builder
 * above and in the reminder and delivery stores: infra/permissions.ts grants each function exactly the
 * partitions it touches, and a test checks every builder against its pattern.
 */
export const PARTITIONS = {
  state: 'PLAN#*#STATE',
  audit: 'PLAN#*#TASK#*',
  period: 'PLAN#*#PERIOD#*',
  events: 'PLAN#*#EVENT',
  snapshots: 'PLAN#*#SNAPSHOT',
  reviews: 'PLAN#*#REVIEW',
  amendments: 'PLAN#*#AMENDMENT',
  reminders: 'PLAN#*#REMINDER',
  digests: 'PLAN#*#DIGEST#*',
  webhooks: 'WEBHOOK#*',
  rates: 'RATE#*',
  deliveries: 'DELIVERY#*',
  calendar: CALENDAR_OVERRIDE_PK,
} as const;
export type Partition = keyof typeof PARTITIONS;
