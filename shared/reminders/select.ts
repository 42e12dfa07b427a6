import type { WorkdayCalendar } from '../calendar/workdays.js';
import { workdaysBetween } from '../calendar/workdays.js';
import type { EscalationUpdate, ReminderLookup } from '../ports/reminders.js';
import { escalationStateKey } from './keys.js';
import type { ReminderCandidate } from './policy.js';

/** A reminder to send now: only the keys nobody has claimed yet. */
export interface SelectedReminder extends ReminderCandidate {
  /** Escalations only: the state write that goes with it. */
  escalationUpdate?: EscalationUpdate;
}

export interface Selection {
  /** New reminders per recipient unit (recipients in first-seen order). */
  byRecipient: Map<string, SelectedReminder[]>;
  /** Candidates dropped because their own key is claimed already. */
  skippedAlreadySent: number;
  /** Escalations not due yet because the item was escalated fewer than `escalateEveryWorkdays` workdays ago. */
  escalationsNotDue: number;
}

/** Every key a run has to look up for these candidates. */
export function lookupQuery(candidates: readonly ReminderCandidate[]) {
  return {
    keys: [...new Set(candidates.flatMap((c) => c.claimKeys))],
    escalations: candidates.flatMap((c) => (c.escalation ? [c.escalation] : [])),
  };
}

/**
 * Drops what was sent already and applies the escalation spacing:
 * - an item whose own key is claimed is skipped;
 * - `due_soon` with several pending thresholds: sent (as the tightest) when the tightest is unclaimed,
 *   claiming every pending threshold not claimed yet (one reminder, not one per missed threshold);
 * - an escalation is sent when the item at that unit was never escalated, or last escalated
 *   ≥ `escalateEveryWorkdays` workdays ago; it then advances the state to `today`.
 */
export function selectNew(
  candidates: readonly ReminderCandidate[],
  lookup: ReminderLookup,
  options: { calendar: WorkdayCalendar; today: string; escalateEveryWorkdays: number },
): Selection {
  const byRecipient = new Map<string, SelectedReminder[]>();
  let skippedAlreadySent = 0;
  let escalationsNotDue = 0;
  for (const c of candidates) {
    let escalationUpdate: EscalationUpdate | undefined;
    if (c.escalation) {
      const previous = lookup.lastEscalation.get(escalationStateKey(c.escalation.item, c.escalation.orgId));
      if (
        previous !== undefined &&
        previous !== options.today &&
        workdaysBetween(options.calendar, previous, options.today) < options.escalateEveryWorkdays
      ) {
        escalationsNotDue++;
        continue;
      }
      escalationUpdate = { ...c.escalation, ...(previous !== undefined ? { previous } : {}) };
    }
    // The item's own key (for due_soon: its tightest pending threshold) decides; looser thresholds
    // still unclaimed (missed runs) are claimed with it and never sent on their own.
    if (lookup.claimed.has(c.item.key)) {
      skippedAlreadySent++;
      continue;
    }
    const unclaimed = c.claimKeys.filter((k) => !lookup.claimed.has(k));
    const selected: SelectedReminder = { ...c, claimKeys: unclaimed };
    if (escalationUpdate) selected.escalationUpdate = escalationUpdate;
    const list = byRecipient.get(c.recipientOrgId) ?? [];
    list.push(selected);
    byRecipient.set(c.recipientOrgId, list);
  }
  return { byRecipient, skippedAlreadySent, escalationsNotDue };
}
