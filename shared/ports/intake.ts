import type { EventRegisteredDetail, ProgressSubmittedDetail } from '../../events/schemas.js';

/** A validated webhook with its receipt: what the bus will carry. */
export type AcceptedMessage =
  { type: 'progress.submitted'; detail: ProgressSubmittedDetail } | { type: 'event.registered'; detail: EventRegisteredDetail };

export type AcceptOutcome =
  /** Stored now: it reaches the bus from the table's stream (answer 202). */
  | 'accepted'
  /** The same message (same body) was stored before: nothing new (answer 202 again). */
  | 'resend'
  /** Its key holds another body under the same webhook-id (answer 409). */
  | 'conflict';

/**
 * Ingest's one durable write (a transactional outbox): the accepted message is stored, once, and
 * the table's stream carries it to the bus. No receipt-then-publish, so nothing can be accepted and
 * not published, or published and not recorded.
 */
export interface MessageIntake {
  /** `bodyHash`: of the raw body, so that an exact resend is told from another body under the same id. */
  accept(message: AcceptedMessage, bodyHash: string): Promise<AcceptOutcome>;
}
