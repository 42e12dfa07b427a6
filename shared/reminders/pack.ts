import type { SelectedReminder } from './select.js';
import { compareUrgency } from './digest.js';

/** DynamoDB's limit of actions in one TransactWriteItems. */
export const MAX_TRANSACTION_ACTIONS = 100;

/** Actions one reminder adds to its digest's transaction: its claims, plus the escalation state. */
export const actionsOf = (r: SelectedReminder) => r.claimKeys.length + (r.escalationUpdate ? 1 : 0);

/**
 * Fits one recipient's reminders, most urgent first, into one transaction with its digest record.
 * What does not fit is deferred: left unclaimed, so the next workday run finds it again (one digest
 * per unit per run holds even for a supervisor receiving hundreds of escalations).
 */
export function packDigest(
  reminders: readonly SelectedReminder[],
  maxActions = MAX_TRANSACTION_ACTIONS,
): { included: SelectedReminder[]; deferred: SelectedReminder[] } {
  const sorted = [...reminders].sort((a, b) => compareUrgency(a.item, b.item));
  const included: SelectedReminder[] = [];
  const deferred: SelectedReminder[] = [];
  let used = 1; // the digest record
  for (const r of sorted) {
    const n = actionsOf(r);
    if (used + n <= maxActions) {
      included.push(r);
      used += n;
    } else {
      deferred.push(r);
    }
  }
  return { included, deferred };
}
