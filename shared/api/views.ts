import type { KpiView, PlanView, TaskView } from '../kpi/evaluate-plan.js';
import { orgName } from '../org/directory.js';
import type { Plan, Task } from '../plan/schema.js';
import type { PlanAmendment } from '../plan/amendment.js';
import type * as z from '../zod.js';
import type { KpiItem, PlanResponse, RankingsResponse, TaskSummary } from './responses.js';

/** Shapes the evaluated plan (`evaluatePlan`) into the read API's response bodies. */

export function sectionRef(plan: Plan, sectionId: string): z.infer<typeof TaskSummary>['section'] {
  const s = plan.sections.find((x) => x.sectionId === sectionId);
  return { sectionId, number: s?.number ?? 0, title: s?.title ?? sectionId };
}

export function taskSummary(plan: Plan, t: TaskView): z.infer<typeof TaskSummary> {
  return {
    taskId: t.taskId,
    section: sectionRef(plan, t.sectionId),
    title: t.title,
    dueDate: t.dueDate,
    leadOrgIds: t.leadOrgIds,
    supportOrgIds: t.supportOrgIds,
    status: t.status,
    progress: t.progress,
    expected: t.expected,
    reasons: t.reasons,
    completedAt: t.completedAt,
    late: t.late,
    pendingReview: t.pendingReview,
  };
}

export function planBody(plan: Plan, view: PlanView, amendments: readonly PlanAmendment[]): PlanResponse {
  return {
    planId: plan.planId,
    version: plan.version,
    amendments: [...amendments],
    title: plan.title,
    year: plan.year,
    documentNumber: plan.documentNumber,
    issuer: plan.issuer,
    timeZone: plan.timeZone,
    startDate: plan.startDate,
    flags: plan.flags,
    asOf: view.asOf,
    expected: view.expected,
    summary: view.summary,
    lateDone: view.lateDone,
    sections: view.sections,
    tasks: view.tasks.map((t) => taskSummary(plan, t)),
  };
}

export function kpiItem(plan: Plan, k: KpiView): z.infer<typeof KpiItem> {
  const pace = plan.tasks.find((t) => t.taskId === k.taskId)?.kpis.find((x) => x.kpiId === k.kpiId)?.pace ?? 'linear';
  return {
    kpiId: k.kpiId,
    taskId: k.taskId,
    name: k.name,
    unit: k.unit,
    target: k.target,
    aggregation: k.aggregation,
    pace,
    measure: k.measure,
    ...(k.baseline ? { baseline: k.baseline } : {}),
    stretch: k.stretch,
    assumption: k.assumption,
    ...(k.note ? { note: k.note } : {}),
    value: k.value,
    progress: k.progress,
    expected: k.expected,
    status: k.status,
    reasons: k.reasons,
    ...(k.quota ? { quota: k.quota } : {}),
    byOrg: k.byOrg.map((f) => ({ ...f, name: orgName(f.orgId) })),
  };
}

export function taskDetail(plan: Plan, task: Task, view: PlanView) {
  const t = view.tasks.find((x) => x.taskId === task.taskId);
  if (!t) throw new Error(`evaluated plan lacks ${task.taskId}`);
  return {
    planId: plan.planId,
    asOf: view.asOf,
    ...taskSummary(plan, t),
    text: task.text,
    orgAssignmentAssumed: task.orgAssignmentAssumed,
    reporting: task.reporting,
    milestones: t.milestones,
    kpis: view.kpis.filter((k) => k.taskId === task.taskId).map((k) => kpiItem(plan, k)),
    byOrg: t.byOrg.map((o) => ({
      orgId: o.orgId,
      name: orgName(o.orgId),
      role: o.role,
      status: o.status,
      percentComplete: o.percentComplete,
      reportedAt: o.reportedAt,
      period: o.period,
      light: o.light,
      reasons: o.reasons,
      review: o.review,
      completedAt: o.completedAt,
      late: o.late,
    })),
  };
}

export function rankingsBody(view: PlanView): RankingsResponse {
  return {
    planId: view.planId,
    asOf: view.asOf,
    orgs: view.ranking.map((r) => ({
      orgId: r.orgId,
      name: r.name,
      kind: r.kind,
      rank: r.rank,
      score: r.score,
      items: r.items,
      green: r.green,
      yellow: r.yellow,
      red: r.red,
      done: r.done,
      overdue: r.overdue,
      lateDone: r.lateDone,
    })),
  };
}
