import type { ReviewRecordedDetail } from '../../events/schemas.js';
import { replayReports } from '../../shared/kpi/reconcile.js';
import type { PlanAmendment } from '../../shared/plan/amendment.js';
import type { AmendmentStore } from '../../shared/ports/amendments.js';
import type { ClaimReader, RecordOutcome, ReviewStore } from '../../shared/ports/reviews.js';
import type { PlanState, PlanStateReader, SportsEventRecord, StoredReport } from '../../shared/ports/state.js';
import { claimKey } from '../../shared/review/state.js';

/** The office's decisions in memory, with the store's rule: one decision per claim (the conditional put). */
export class FakeReviewStore implements ReviewStore, ClaimReader {
  readonly rows = new Map<string, ReviewRecordedDetail>();
  readonly calls = { recordDecision: 0, listDecisions: 0, claimReport: 0 };
  constructor(private readonly reports: readonly StoredReport[] = []) {}

  async recordDecision(decision: ReviewRecordedDetail): Promise<RecordOutcome> {
    this.calls.recordDecision++;
    const key = `${decision.planId}#${decision.taskId}#${decision.orgId}#${claimKey(decision.claim)}`;
    const existing = this.rows.get(key);
    if (existing) return { recorded: false, existing };
    this.rows.set(key, decision);
    return { recorded: true };
  }

  async listDecisions(planId: string, taskId?: string): Promise<ReviewRecordedDetail[]> {
    this.calls.listDecisions++;
    return [...this.rows.values()]
      .filter((d) => d.planId === planId && (taskId === undefined || d.taskId === taskId))
      .sort((a, b) => a.decidedAt.localeCompare(b.decidedAt));
  }

  async claimReport(
    planId: string,
    taskId: string,
    claim: { reportedAt: string; sourceId?: string | undefined; webhookId: string },
  ): Promise<StoredReport | undefined> {
    this.calls.claimReport++;
    return this.reports.find(
      (r) => r.planId === planId && r.taskId === taskId && claimKey(r) === claimKey({ ...claim, sourceId: claim.sourceId ?? r.sourceId }),
    );
  }
}

/** The plan state a list of reports implies (the consumer's last-writer-wins rule). */
export class ReportsReader implements PlanStateReader {
  constructor(
    readonly reports: StoredReport[] = [],
    readonly events: SportsEventRecord[] = [],
  ) {}
  async loadPlanState(planId: string): Promise<PlanState> {
    return replayReports(this.reports.filter((r) => r.planId === planId));
  }
  async listEvents(planId: string): Promise<SportsEventRecord[]> {
    return this.events.filter((e) => e.planId === planId);
  }
  async reportedUnits(): Promise<Array<{ taskId: string; orgId: string }>> {
    return [];
  }
}

/** Plan amendments in memory, with the store's rule: one row per version (the conditional put). */
export class FakeAmendmentStore implements AmendmentStore {
  readonly rows: PlanAmendment[] = [];
  /** Versions another writer takes just before this one (a race). */
  readonly racing: PlanAmendment[] = [];
  appends = 0;
  async append(amendment: PlanAmendment): Promise<'recorded' | 'conflict'> {
    this.appends++;
    const rival = this.racing.shift();
    if (rival) this.rows.push(rival);
    if (this.rows.some((r) => r.planId === amendment.planId && r.version === amendment.version)) return 'conflict';
    this.rows.push(amendment);
    return 'recorded';
  }
  async list(planId: string): Promise<PlanAmendment[]> {
    return this.rows.filter((r) => r.planId === planId).sort((a, b) => a.version - b.version);
  }
}
