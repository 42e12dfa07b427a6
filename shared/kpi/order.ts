/**
 * The last-writer-wins order of messages: the instant (as UTC, so that it sorts as a string), ties
 * broken by source and then webhook id. The source is part of the order because two county systems
 * may derive the same webhook-id for reports of the same instant; without it one would shadow the
 * other. The store's conditional writes and reconcile's replay use this one function.
 */
export function messageOrder(instant: string, sourceId: string, webhookId: string): string {
  return `${new Date(instant).toISOString()}#${sourceId}#${webhookId}`;
}

/** The order of a stored report. */
export function reportOrder(r: { reportedAt: string; sourceId: string; webhookId: string }): string {
  return messageOrder(r.reportedAt, r.sourceId, r.webhookId);
}
