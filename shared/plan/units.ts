import type { Kpi, Milestone, Task } from './schema.js';

/** Every unit assigned to a task: its lead units, then its support units. */
export function taskUnits(task: Pick<Task, 'leadOrgIds' | 'supportOrgIds'>): string[] {
  return [...task.leadOrgIds, ...task.supportOrgIds];
}

/** True when the unit is a lead or support unit of the task. */
export function isTaskUnit(task: Pick<Task, 'leadOrgIds' | 'supportOrgIds'>, orgId: string): boolean {
  return task.leadOrgIds.includes(orgId) || task.supportOrgIds.includes(orgId);
}

/** The units whose reported figures count for a KPI: its own list when it narrows one, else all of the task's units. */
export function kpiReportingUnits(task: Pick<Task, 'leadOrgIds' | 'supportOrgIds'>, kpi: Pick<Kpi, 'reportingOrgIds'>): string[] {
  return kpi.reportingOrgIds ?? taskUnits(task);
}

/** True when a figure the unit reports for the KPI counts. */
export function reportsKpi(task: Pick<Task, 'leadOrgIds' | 'supportOrgIds'>, kpi: Pick<Kpi, 'reportingOrgIds'>, orgId: string): boolean {
  return kpiReportingUnits(task, kpi).includes(orgId);
}

/** The units answerable for a milestone, whose reports complete it: its own list, else the task's lead units. */
export function milestoneOwners(task: Pick<Task, 'leadOrgIds'>, milestone: Pick<Milestone, 'ownerOrgIds'>): string[] {
  return milestone.ownerOrgIds ?? task.leadOrgIds;
}
