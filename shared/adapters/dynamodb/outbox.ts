import type { BusEvent } from '../../ports/bus.js';
import type { AcceptedMessage } from '../../ports/intake.js';
import { EVENT_MESSAGE_SK, eventMessagePk, reportSk, taskAuditPk, utcInstant } from './keys.js';
import { TTL_ATTRIBUTE } from './table-definition.js';

/**
 * The outbox records: what ingest stores to accept a message, what office-api stores as the office's
 * decision or amendment, and what the table's stream carries to the bus (functions/relay-outbox, and
 * the local runtime's stream reader). A writer never publishes itself: the one durable write is the
 * event, so no write can be stored and its event lost. No SDK import: the relay bundles this file alone.
 */

/**
 * The `kind` of each outbox record and the detail-type it is published as: a report's audit row and
 * an event message (ingest-webhook), a review decision's row (销号/退回, review-store.ts) and a plan
 * amendment's row (计划调整, amendment-store.ts). Other items carry no `kind` or another one (`unit`,
 * `event`, the reminder kinds), which the stream filter drops.
 */
export const OUTBOX_KINDS = {
  report: 'progress.submitted',
  eventMessage: 'event.registered',
  reviewDecision: 'review.recorded',
  planAmendment: 'plan.amended',
} as const;
export type OutboxKind = keyof typeof OUTBOX_KINDS;

/** How long an event message stays (exact-resend detection); a report's record is its audit row and stays for good. */
export const EVENT_MESSAGE_TTL_SECONDS = 30 * 24 * 3600;

/** Attributes of an outbox record that are not part of the message. */
const INTERNAL = ['pk', 'sk', 'kind', 'bodyHash', TTL_ATTRIBUTE] as const;

/**
 * The item that accepts `message`. A report is its immutable audit row, keyed by its instant, source
 * and webhook-id (`reportSk`); an event message is keyed by source and webhook-id and expires.
 */
export function outboxRecord(message: AcceptedMessage, bodyHash: string): Record<string, unknown> {
  const d = message.detail;
  if (message.type === 'progress.submitted') {
    const r = message.detail;
    return {
      pk: taskAuditPk(r.planId, r.taskId),
      sk: reportSk(utcInstant(r.reportedAt), r.sourceId, r.webhookId),
      kind: 'report',
      ...r,
      bodyHash,
    };
  }
  return {
    pk: eventMessagePk(d.sourceId, d.webhookId),
    sk: EVENT_MESSAGE_SK,
    kind: 'eventMessage',
    ...d,
    bodyHash,
    [TTL_ATTRIBUTE]: Math.floor(Date.parse(d.receivedAt) / 1000) + EVENT_MESSAGE_TTL_SECONDS,
  };
}

/** The message part of a stored record (keys and bookkeeping removed). */
export function messageOf(item: Record<string, unknown>): Record<string, unknown> {
  const detail = { ...item };
  for (const k of INTERNAL) delete detail[k];
  return detail;
}

/** The bus event an inserted item stands for, or undefined when it is not an outbox record. */
export function busEventOf(image: Record<string, unknown>): BusEvent | undefined {
  const kind = image.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(OUTBOX_KINDS, kind)) return undefined;
  return { detailType: OUTBOX_KINDS[kind as OutboxKind], detail: messageOf(image) };
}

/** A stream record as Lambda delivers it (DynamoDB JSON images), as far as the relay reads it. */
export interface OutboxStreamRecord {
  eventName?: string;
  dynamodb?: { NewImage?: Record<string, unknown>; SequenceNumber?: string };
}

/**
 * The stream filter: only inserted outbox records go to the relay. The event source mapping applies
 * it in AWS (infra/constructs/pipeline.ts builds its pattern from `OUTBOX_KINDS`), the local stream
 * reader here; the relay checks it again.
 */
export function isOutboxInsert(record: OutboxStreamRecord): boolean {
  const kind = (record.dynamodb?.NewImage?.kind as { S?: string } | undefined)?.S;
  return record.eventName === 'INSERT' && kind !== undefined && Object.hasOwn(OUTBOX_KINDS, kind);
}
