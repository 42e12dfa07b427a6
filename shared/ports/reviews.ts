import type { ReviewRecordedDetail } from '../../events/schemas.js';
import type { StoredReport } from './state.js';

/** A decision of the office on a completion claim, as stored: the `review.recorded` detail. */
export type ReviewDecisionRecord = ReviewRecordedDetail;

export type RecordOutcome = { recorded: true } | { recorded: false; existing: ReviewDecisionRecord };

/** The office's decisions: each an immutable row, written once per claim and never updated or deleted. */
export interface ReviewStore {
  /** Writes the decision unless its claim already has one; then returns that one instead. */
  recordDecision(decision: ReviewDecisionRecord): Promise<RecordOutcome>;
  /** The plan's decisions (or one task's), oldest first. Grows with decisions, not with reports. */
  listDecisions(planId: string, taskId?: string): Promise<ReviewDecisionRecord[]>;
}

/** The audit row of a claim (its summary and evidence), read for the office's review list. */
export interface ClaimReader {
  claimReport(
    planId: string,
    taskId: string,
    claim: { reportedAt: string; sourceId?: string | undefined; webhookId: string },
  ): Promise<StoredReport | undefined>;
}
