/** Key builders for the single-table design (docs/data-model.md). */

export const planStatePk = (planId: string) => `PLAN#${planId}#STATE`;
export const kpiFigureSk = (kpiId: string, orgId: string) => `KPI#${kpiId}#ORG#${orgId}`;
export const unitTaskSk = (taskId: string, orgId: string) => `TASK#${taskId}#ORG#${orgId}`;
export const taskAuditPk = (planId: string, taskId: string) => `PLAN#${planId}#TASK#${taskId}`;
export const reportSk = (reportedAtUtc: string, webhookId: string) => `REPORT#${reportedAtUtc}#${webhookId}`;
export const periodPk = (planId: string, period: string) => `PLAN#${planId}#PERIOD#${period}`;
export const eventsPk = (planId: string) => `PLAN#${planId}#EVENT`;
export const eventSk = (sourceId: string, eventId: string) => `EVENT#${sourceId}#${eventId}`;
export const snapshotsPk = (planId: string) => `PLAN#${planId}#SNAPSHOT`;
export const snapshotSk = (date: string) => `DATE#${date}`;
export const webhookReceiptPk = (sourceId: string, webhookId: string) => `WEBHOOK#${sourceId}#${webhookId}`;
export const WEBHOOK_RECEIPT_SK = 'RECEIPT';

/** An instant normalised to UTC with milliseconds, so that instants sort as strings. */
export function utcInstant(iso: string): string {
  return new Date(iso).toISOString();
}

/** The last-writer-wins order of a message: its instant, ties broken by webhook id. */
export function lwwOrder(instant: string, webhookId: string): string {
  return `${utcInstant(instant)}#${webhookId}`;
}
