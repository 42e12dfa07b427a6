/** Ingestion's record of each webhook-id it has accepted, for exact-resend detection (409 / 202). */
export type ReceiptClaim =
  /** First time this id is seen: publish it. */
  | { kind: 'new' }
  /** Same id and same body, already on the bus: answer 202, publish nothing. */
  | { kind: 'published' }
  /** Same id and same body, but the earlier attempt may not have reached the bus: publish again. */
  | { kind: 'pending' }
  /** Same id, different body. */
  | { kind: 'conflict' };

export interface WebhookReceipts {
  claim(input: { sourceId: string; webhookId: string; bodyHash: string; receivedAt: string }): Promise<ReceiptClaim>;
  markPublished(sourceId: string, webhookId: string): Promise<void>;
}
