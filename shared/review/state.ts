import type { ClaimRef, ReviewRecordedDetail, ReviewState } from '../../events/schemas.js';
import { messageOrder } from '../kpi/order.js';
import type { PlanState, UnitTaskRecord } from '../ports/state.js';
import { localDateOf } from '../time/local-date.js';

/**
 * 申请办结 / 待销号 / 销号 / 退回, derived when read. A unit's completion claim is its current record
 * when that says `completed`: the claim is the report that record came from (its reportedAt, source and
 * webhook-id). The office's decisions are rows of their own, each about one claim; the unit's state on
 * the task is then
 * - no claim (its latest status is not `completed`): nothing to review;
 * - a claim with no decision: `pending` (待销号) — the task is not done;
 * - a claim with a decision: `approved` (销号, the unit is done) or `returned` (退回, back in progress).
 * A newer `completed` report is a new claim and waits for its own decision; a newer report with another
 * status withdraws the claim. Nothing about how the consumer writes the unit's record changes.
 */

/** The review state of a unit's current record, with the decision when there is one. */
export interface UnitReview {
  state: ReviewState;
  /** The claim: the `reportedAt` of the unit's `completed` report (becomes `completedAt` once approved). */
  claimedReportedAt: string;
  decidedAt?: string;
  decidedBy?: string;
  comment?: string | null;
}

/** A claim's identity, comparable across the unit record, the audit row and the decision row. */
export function claimKey(claim: { reportedAt: string; sourceId?: string | undefined; webhookId: string }): string {
  return messageOrder(claim.reportedAt, claim.sourceId ?? '', claim.webhookId);
}

/** The claim a unit record stands for, or undefined when its latest status is not `completed`. */
export function claimOf(unit: Pick<UnitTaskRecord, 'status' | 'reportedAt' | 'sourceId' | 'webhookId'>): ClaimRef | undefined {
  if (unit.status !== 'completed') return undefined;
  return { reportedAt: unit.reportedAt, ...(unit.sourceId === undefined ? {} : { sourceId: unit.sourceId }), webhookId: unit.webhookId };
}

const decisionIndexKey = (taskId: string, orgId: string, claim: string) => `${taskId}#${orgId}#${claim}`;

/** Decisions by (task, unit, claim). A claim has at most one decision (the store's conditional put). */
export function indexDecisions(decisions: readonly ReviewRecordedDetail[]): Map<string, ReviewRecordedDetail> {
  return new Map(decisions.map((d) => [decisionIndexKey(d.taskId, d.orgId, claimKey(d.claim)), d]));
}

/** The review state of one unit record against the decisions (indexed by `indexDecisions`). */
export function reviewOf(unit: UnitTaskRecord, decisions: ReadonlyMap<string, ReviewRecordedDetail>): UnitReview | undefined {
  const claim = claimOf(unit);
  if (!claim) return undefined;
  const d = decisions.get(decisionIndexKey(unit.taskId, unit.orgId, claimKey(claim)));
  if (!d) return { state: 'pending', claimedReportedAt: claim.reportedAt };
  return { state: d.state, claimedReportedAt: claim.reportedAt, decidedAt: d.decidedAt, decidedBy: d.decidedBy, comment: d.comment };
}

/** The plan state with each unit's review state set (`UnitTaskState.review`), which the lights read. */
export function withReviews(state: PlanState, decisions: readonly ReviewRecordedDetail[]): PlanState {
  const index = indexDecisions(decisions);
  return {
    ...state,
    units: state.units.map((u) => {
      const review = reviewOf(u, index);
      const { review: _old, ...rest } = u;
      return review ? { ...rest, review } : rest;
    }),
  };
}

/** The decisions taken by the end of `asOf` (plan time zone): what a bulletin for that day may count. */
export function decisionsUntil(decisions: readonly ReviewRecordedDetail[], asOf: string, timeZone: string): ReviewRecordedDetail[] {
  return decisions.filter((d) => localDateOf(new Date(d.decidedAt), timeZone) <= asOf);
}
