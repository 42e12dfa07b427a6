import type { Plan, Task } from '../plan/schema.js';
import { daysBetween } from '../time/local-date.js';
import { elapsedShare } from './kpi.js';

/** 红黄绿灯: the traffic light of a task, plus `done` (办结). */
export const LIGHTS = ['green', 'yellow', 'red', 'done'] as const;
export type Light = (typeof LIGHTS)[number];

export type UnitTaskStatus = 'not_started' | 'in_progress' | 'completed' | 'blocked';

/** A unit's current standing on a task: what its latest report said. */
export interface UnitTaskState {
  orgId: string;
  status: UnitTaskStatus;
  percentComplete?: number | null;
  reportedAt: string;
  completedMilestoneIds?: string[];
}

export interface TaskLightInput {
  plan: Pick<Plan, 'startDate' | 'status'>;
  task: Pick<Task, 'dueDate' | 'leadOrgIds' | 'milestones' | 'kpis'>;
  /** Progress share (0…1+) of each KPI of the task that has a figure. */
  kpiProgress: ReadonlyMap<string, number>;
  units: readonly UnitTaskState[];
  /** The business date in the plan's time zone. */
  today: string;
}

export interface TaskLight {
  light: Light;
  /** 0…1: the task's progress as used for the pace rule. */
  progress: number;
  /** 0…1: the share of the period elapsed (序时进度). */
  expected: number;
  reasons: string[];
}

/** Done (办结) once every lead unit's latest report says `completed`. */
export function isTaskDone(task: Pick<Task, 'leadOrgIds'>, units: readonly UnitTaskState[]): boolean {
  const byOrg = new Map(units.map((u) => [u.orgId, u]));
  return task.leadOrgIds.every((orgId) => byOrg.get(orgId)?.status === 'completed');
}

/** A milestone is complete when a lead unit's latest report lists it, or the task is done. */
export function completedMilestones(task: Pick<Task, 'leadOrgIds'>, units: readonly UnitTaskState[]): Set<string> {
  const leads = new Set(task.leadOrgIds);
  return new Set(units.filter((u) => leads.has(u.orgId)).flatMap((u) => u.completedMilestoneIds ?? []));
}

/**
 * The task's progress for the pace rule: the mean share of its linear KPIs (each capped at 1) when it
 * has any; otherwise the mean `percentComplete` its lead units last reported (a unit with no report
 * counts as 0).
 */
export function taskProgress(input: Pick<TaskLightInput, 'task' | 'kpiProgress' | 'units'>): number {
  const linear = input.task.kpis.filter((k) => k.pace === 'linear');
  if (linear.length > 0) {
    const sum = linear.reduce((acc, k) => acc + Math.min(1, input.kpiProgress.get(k.kpiId) ?? 0), 0);
    return sum / linear.length;
  }
  const byOrg = new Map(input.units.map((u) => [u.orgId, u]));
  const leads = input.task.leadOrgIds;
  const sum = leads.reduce((acc, orgId) => {
    const u = byOrg.get(orgId);
    if (!u) return acc;
    if (u.status === 'completed') return acc + 1;
    return acc + Math.min(100, u.percentComplete ?? 0) / 100;
  }, 0);
  return sum / leads.length;
}

/**
 * The status rules (红黄绿灯), in order:
 * 1. `done` — every lead unit reports `completed`.
 * 2. `red` — the due date, or an open milestone's due date, has passed.
 * 3. `yellow` — progress trails the elapsed share by more than `paceMargin`, or the task or an open
 *    milestone is due within `dueSoonDays`.
 * 4. `green` — otherwise.
 */
export function taskLight(input: TaskLightInput): TaskLight {
  const { plan, task, units, today } = input;
  const expected = elapsedShare(plan.startDate, task.dueDate, today);
  const progress = taskProgress(input);
  if (isTaskDone(task, units)) return { light: 'done', progress: 1, expected, reasons: ['all lead units completed'] };

  const completed = completedMilestones(task, units);
  const open = [
    ...task.milestones.filter((m) => !completed.has(m.milestoneId)).map((m) => ({ id: m.milestoneId, dueDate: m.dueDate })),
    { id: 'task', dueDate: task.dueDate },
  ];
  const overdue = open.filter((o) => today > o.dueDate);
  if (overdue.length > 0) {
    return { light: 'red', progress, expected, reasons: overdue.map((o) => `${o.id} overdue since ${o.dueDate}`) };
  }
  const reasons: string[] = [];
  if (progress < expected - plan.status.paceMargin) {
    reasons.push(`progress ${pct(progress)} behind expected ${pct(expected)}`);
  }
  for (const o of open) {
    const left = daysBetween(today, o.dueDate);
    if (left <= plan.status.dueSoonDays) reasons.push(`${o.id} due in ${left} day(s)`);
  }
  return { light: reasons.length > 0 ? 'yellow' : 'green', progress, expected, reasons };
}

function pct(n: number): string {
  return `${Math.round(n * 1000) / 10}%`;
}
