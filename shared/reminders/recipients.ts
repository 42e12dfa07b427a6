import type { Milestone, Plan, Task } from '../plan/schema.js';
import { kpiReportingUnits, milestoneOwners } from '../plan/units.js';

/**
 * The units whose reports feed one of the task's KPIs: a `sum_latest` KPI counts every unit of its
 * reporting list (the counties on T08, T10, T17 …), a `latest_of_org` KPI only its one unit, and a
 * `count_held_events` KPI counts registered events, not reports.
 */
export function kpiReporters(task: Pick<Task, 'leadOrgIds' | 'supportOrgIds' | 'kpis'>): string[] {
  const out: string[] = [];
  for (const kpi of task.kpis) {
    const agg = kpi.aggregation;
    if (agg.kind === 'sum_latest') out.push(...kpiReportingUnits(task, kpi));
    else if (agg.kind === 'latest_of_org' && kpiReportingUnits(task, kpi).includes(agg.orgId)) out.push(agg.orgId);
  }
  return [...new Set(out)];
}

/**
 * The units chased on a task as a whole — its deadline, its reports (催报) and stagnation: the lead
 * units, every unit whose reports feed a KPI of the task, and the support units when the plan says so.
 */
export function taskRecipients(plan: Pick<Plan, 'reminders'>, task: Pick<Task, 'leadOrgIds' | 'supportOrgIds' | 'kpis'>): string[] {
  return [...new Set([...task.leadOrgIds, ...kpiReporters(task), ...(plan.reminders.includeSupportOrgs ? task.supportOrgIds : [])])];
}

/**
 * The units chased on a milestone: its owners (`ownerOrgIds`, by default the task's lead units),
 * whose reports complete it, and the support units when the plan says so. A county feeding a KPI
 * does not answer for the city's milestones.
 */
export function milestoneRecipients(
  plan: Pick<Plan, 'reminders'>,
  task: Pick<Task, 'leadOrgIds' | 'supportOrgIds'>,
  milestone: Pick<Milestone, 'ownerOrgIds'>,
): string[] {
  return [...new Set([...milestoneOwners(task, milestone), ...(plan.reminders.includeSupportOrgs ? task.supportOrgIds : [])])];
}
