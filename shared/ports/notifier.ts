import type { ReminderDueDetail } from '../../events/schemas.js';
import type { Channel } from '../org/schema.js';

/** A unit's channel (shared/org/schema.ts), or the local runtime's outbox. */
export type DeliveryChannel = Channel | { kind: 'outbox' };
export type ChannelKind = DeliveryChannel['kind'];

/** Sends one digest through one channel; rejects when the channel did not take it. */
export interface Notifier {
  send(channel: DeliveryChannel, digest: ReminderDueDetail): Promise<void>;
}

/**
 * - `acquired`: this delivery may send through the channel now (and must `complete` or `release`);
 * - `sent`: the channel took this digest already: do not send again;
 * - `busy`: another delivery is sending it right now: retry later.
 */
export type ReceiptState = 'acquired' | 'sent' | 'busy';

/** Which channel already took which digest, so that a retry repeats only the channels that failed. */
export interface DeliveryReceipts {
  begin(digestId: string, channel: string, now: Date): Promise<ReceiptState>;
  complete(digestId: string, channel: string, now: Date): Promise<void>;
  /** The send failed: let a retry take the channel again. */
  release(digestId: string, channel: string): Promise<void>;
}

/** A group robot's webhook; `secret` is DingTalk's signing secret. Both are secrets: never logged. */
export interface RobotEndpoint {
  url: string;
  secret?: string;
}

export interface RobotDirectory {
  get(secretKey: string): Promise<RobotEndpoint>;
}

/** The small HTTP port the robots are called through (`fetch` in production, a fake in tests). */
export interface HttpClient {
  postJson(url: string, body: unknown): Promise<{ status: number; json: unknown }>;
}
