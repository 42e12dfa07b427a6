import type { ReminderDueDetail, ReminderKind } from '../../events/schemas.js';

/** The escalation state of one item (task or milestone) at one unit. */
export interface EscalationRef {
  /** taskId or milestoneId. */
  item: string;
  /** The unit the item is overdue at (not the supervisor the escalation goes to). */
  orgId: string;
}

export interface ReminderLookup {
  /** The given keys that are already claimed (sent, or being sent, by an earlier or concurrent run). */
  claimed: Set<string>;
  /** Last escalation date per `escalationStateKey(item, orgId)`, for the refs asked that have one. */
  lastEscalation: Map<string, string>;
}

export interface EscalationUpdate extends EscalationRef {
  /** The `lastDate` read before the run (absent: never escalated); the write is conditional on it. */
  previous?: string;
}

/** Everything one recipient's digest writes, atomically. */
export interface DigestCommit {
  digest: ReminderDueDetail;
  /** Every reminder key this digest claims (conditional on none being claimed already). */
  claims: Array<{ key: string; kind: ReminderKind }>;
  /** Escalation states set to `digest.date`. */
  escalations: EscalationUpdate[];
  /** The run's instant (UTC ISO); the TTL is counted from it. */
  createdAt: string;
  /**
   * Unique per run: makes an SDK retry of this run's transaction idempotent while a concurrent run
   * with the same content still fails its conditions (and skips the recipient).
   */
  runId: string;
}

/** `conflict`: a claim, escalation state or the digest was written first by another run: nothing was written. */
export type CommitOutcome = 'committed' | 'conflict';

/** The reminder job's state: claims (exactly once), escalation states and the digest outbox. */
export interface ReminderStore {
  /** One batched read of the candidate keys and escalation states: grows with today's candidates, never with reports. */
  lookup(planId: string, query: { keys: readonly string[]; escalations: readonly EscalationRef[] }): Promise<ReminderLookup>;
  /** Claims, escalation states and the `queued` digest in one transaction. */
  commitDigest(commit: DigestCommit): Promise<CommitOutcome>;
  /** Digests of `date` still `queued` (claimed but maybe never published). */
  queuedDigests(planId: string, date: string): Promise<ReminderDueDetail[]>;
  /** The digest is on the bus. */
  markEnqueued(planId: string, date: string, orgId: string): Promise<void>;
}
