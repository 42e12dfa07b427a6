import type * as z from '../../shared/zod.js';
import type { ReviewState } from '../../events/schemas.js';
import type { ReviewItem } from '../../shared/api/responses.js';
import type { PlanView } from '../../shared/kpi/evaluate-plan.js';
import { orgName } from '../../shared/org/directory.js';
import type { Plan } from '../../shared/plan/schema.js';
import type { ClaimReader, ReviewDecisionRecord } from '../../shared/ports/reviews.js';
import type { PlanState, StoredReport } from '../../shared/ports/state.js';
import { claimKey, claimOf } from '../../shared/review/state.js';
import { localDateOf } from '../../shared/time/local-date.js';

type Item = z.infer<typeof ReviewItem>;

/** A claim in the review list before its audit row is read. */
export interface ClaimRow {
  taskId: string;
  orgId: string;
  role: 'lead' | 'support';
  state: ReviewState;
  reportedAt: string;
  percentComplete: number | null;
  claim: NonNullable<ReturnType<typeof claimOf>>;
}

/**
 * The units' claims in `state`, oldest `reportedAt` first (ties by task and unit): from the evaluated
 * plan (which already knows each unit's review state) and the units' current records (the claim).
 */
export function claimsInState(view: PlanView, state: PlanState, wanted: ReviewState): ClaimRow[] {
  const records = new Map(state.units.map((u) => [`${u.taskId}#${u.orgId}`, u]));
  const rows: ClaimRow[] = [];
  for (const t of view.tasks) {
    for (const o of t.byOrg) {
      if (o.review?.state !== wanted) continue;
      const record = records.get(`${t.taskId}#${o.orgId}`);
      const claim = record && claimOf(record);
      if (!record || !claim) continue;
      rows.push({
        taskId: t.taskId,
        orgId: o.orgId,
        role: o.role,
        state: wanted,
        reportedAt: record.reportedAt,
        percentComplete: record.percentComplete ?? null,
        claim,
      });
    }
  }
  return rows.sort(
    (a, b) =>
      new Date(a.reportedAt).getTime() - new Date(b.reportedAt).getTime() ||
      a.taskId.localeCompare(b.taskId) ||
      a.orgId.localeCompare(b.orgId),
  );
}

/**
 * The page's items: each claim with its audit row (summary, evidence, when it was received — one Query
 * per claim on the page, so the cost follows the page size), the task's KPIs now against target and the
 * decision when there is one.
 */
export async function reviewItems(
  plan: Plan,
  view: PlanView,
  rows: readonly ClaimRow[],
  decisions: readonly ReviewDecisionRecord[],
  claims: ClaimReader,
): Promise<Item[]> {
  const reports = await Promise.all(rows.map((r) => claims.claimReport(plan.planId, r.taskId, r.claim)));
  const decisionOf = new Map(decisions.map((d) => [`${d.taskId}#${d.orgId}#${claimKey(d.claim)}`, d]));
  return rows.map((r, i) => {
    const task = view.tasks.find((t) => t.taskId === r.taskId)!;
    const report: StoredReport | undefined = reports[i];
    return {
      taskId: r.taskId,
      title: task.title,
      dueDate: task.dueDate,
      orgId: r.orgId,
      name: orgName(r.orgId),
      role: r.role,
      state: r.state,
      claim: r.claim,
      claimedAt: report?.receivedAt ?? null,
      reportedAt: r.reportedAt,
      late: localDateOf(new Date(r.reportedAt), plan.timeZone) > task.dueDate,
      percentComplete: r.percentComplete,
      summary: report?.summary ?? '',
      evidence: report?.evidence ?? [],
      kpis: view.kpis
        .filter((k) => k.taskId === r.taskId)
        .map((k) => ({
          kpiId: k.kpiId,
          name: k.name,
          unit: k.unit,
          target: k.target,
          value: k.value,
          orgValue: k.byOrg.find((f) => f.orgId === r.orgId)?.value ?? null,
          progress: k.progress,
          status: k.status,
        })),
      decision: decisionOf.get(`${r.taskId}#${r.orgId}#${claimKey(r.claim)}`) ?? null,
    };
  });
}
