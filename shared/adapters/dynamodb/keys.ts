/** Key builders for the single-table design (docs/data-model.md). */

export const planStatePk = (planId: string) => `PLAN#${planId}#STATE`;
/** A unit's whole current state on a task (shared/kpi/unit-state.ts): one item, one write per report. */
export const unitTaskSk = (taskId: string, orgId: string) => `TASK#${taskId}#ORG#${orgId}`;
export const taskAuditPk = (planId: string, taskId: string) => `PLAN#${planId}#TASK#${taskId}`;
/** An audit row: one per (source, webhook-id) — two sources may use the same webhook-id for the same instant. */
export const reportSk = (reportedAtUtc: string, sourceId: string, webhookId: string) =>
  `${reportInstantPrefix(reportedAtUtc)}${sourceId}#${webhookId}`;
/** The audit rows of one instant (any source): the prefix of `reportSk`. */
export const reportInstantPrefix = (reportedAtUtc: string) => `REPORT#${reportedAtUtc}#`;
export const eventsPk = (planId: string) => `PLAN#${planId}#EVENT`;
export const eventSk = (sourceId: string, eventId: string) => `EVENT#${sourceId}#${eventId}`;
/**
 * How many distinct events one source may register for one plan. A sender that invents a new eventId
 * on every retry would otherwise grow the plan's events partition (read whole by the aggregation and
 * the read API) without bound; past the cap its new events are refused (the message goes to the DLQ
 * with this reason and the DLQ alarm fires). Updates of events it already registered still apply.
 */
export const MAX_EVENTS_PER_SOURCE = 1000;

/** How many distinct events a source has registered for the plan (held to MAX_EVENTS_PER_SOURCE). */
export const eventCountSk = (sourceId: string) => `COUNT#${sourceId}`;
export const snapshotsPk = (planId: string) => `PLAN#${planId}#SNAPSHOT`;
export const snapshotSk = (date: string) => `DATE#${date}`;
/** The compact trend of a day (what `GET …/snapshots` serves), beside the day's full snapshot. */
export const trendSk = (date: string) => `TREND#${date}`;
/** The office's review decisions (销号 / 退回) of a plan: immutable rows, one per claim. */
export const reviewsPk = (planId: string) => `PLAN#${planId}#REVIEW`;
/** Prefix of a task's decisions (ids like T08 are fixed-width, so `TASK#T08#` names T08 only). */
export const reviewTaskPrefix = (taskId: string) => `TASK#${taskId}#`;
export const reviewSk = (taskId: string, orgId: string, claimKey: string) => `${reviewTaskPrefix(taskId)}ORG#${orgId}#CLAIM#${claimKey}`;
/** The office's plan amendments (计划调整): one row per version, written once. */
export const amendmentsPk = (planId: string) => `PLAN#${planId}#AMENDMENT`;
/** Zero-padded so that versions sort as strings. */
export const amendmentSk = (version: number) => `VERSION#${String(version).padStart(6, '0')}`;
/**
 * An accepted `event.registered` message (the outbox record its stream carries to the bus), one per
 * (source, webhook-id): a report's outbox record is its audit row (`reportSk`).
 */
export const eventMessagePk = (sourceId: string, webhookId: string) => `WEBHOOK#${sourceId}#${webhookId}`;
export const EVENT_MESSAGE_SK = 'EVENT';
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
