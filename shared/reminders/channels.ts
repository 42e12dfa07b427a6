import { findOrg } from '../org/directory.js';
import type { DeliveryChannel } from '../ports/notifier.js';

/**
 * A unit's channels from the org directory. A unit with none configured still gets its digest on
 * the notifications topic (subscribers filter on `orgId`), so that no reminder goes nowhere.
 */
export function channelsFromDirectory(orgId: string, lookup: typeof findOrg = findOrg): DeliveryChannel[] {
  const channels = lookup(orgId)?.channels ?? [];
  return channels.length > 0 ? [...channels] : [{ kind: 'sns' }];
}

/** The name a delivery receipt is kept under: one per channel of a unit (`wecom:<secretKey>` …). */
export function channelName(channel: DeliveryChannel): string {
  return channel.kind === 'wecom' || channel.kind === 'dingtalk' ? `${channel.kind}:${channel.secretKey}` : channel.kind;
}
