import type { EventRegisteredDetail } from '../../events/schemas.js';
import { orgName } from '../org/directory.js';
import type { Milestone, Plan, Task } from '../plan/schema.js';
import type { UnitReview } from '../review/state.js';
import { isTaskUnit, milestoneOwners } from '../plan/units.js';
import { daysBetween, formatChineseDate } from '../time/local-date.js';
import { elapsedShare, isPaced } from './kpi.js';

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
  /** The office's review of the unit's completion claim (shared/review/state.ts); absent: no decision known. */
  review?: UnitReview;
}

/** A registered sports event, as far as the lights read it. */
export type EventRef = Pick<EventRegisteredDetail, 'orgId' | 'taskIds' | 'category' | 'status'>;

export type TaskShape = Pick<Task, 'taskId' | 'dueDate' | 'leadOrgIds' | 'supportOrgIds' | 'milestones' | 'kpis'>;

export interface TaskLightInput {
  plan: Pick<Plan, 'startDate' | 'status'>;
  task: TaskShape;
  /** Pace share (0…1+, see `KpiEvaluation.paceShare`) of each paced KPI of the task that has a figure. */
  kpiProgress: ReadonlyMap<string, number>;
  units: readonly UnitTaskState[];
  /** The plan's registered events (a held event can complete a milestone). */
  events?: readonly EventRef[];
  /** The business date in the plan's time zone. */
  today: string;
}

export interface TaskLight {
  light: Light;
  /** 0…1: the progress used for the pace rule. */
  progress: number;
  /** 0…1: the share of the period elapsed (序时进度). */
  expected: number;
  /** Why the light is not green (or why done), in the office's words. */
  reasons: string[];
}

/**
 * 销号: the unit's completion claim (its latest status `completed`) approved by the supervision office.
 * A claim pending review (待销号) or returned (退回) is not done.
 */
export function isUnitClosed(unit: UnitTaskState): boolean {
  return unit.status === 'completed' && unit.review?.state === 'approved';
}

/** Done (办结) once every lead unit's completion claim is approved (销号). */
export function isTaskDone(task: Pick<Task, 'leadOrgIds'>, units: readonly UnitTaskState[]): boolean {
  const byOrg = new Map(units.map((u) => [u.orgId, u]));
  return task.leadOrgIds.every((orgId) => {
    const u = byOrg.get(orgId);
    return u !== undefined && isUnitClosed(u);
  });
}

/** A unit's own progress 0…1: 1 once closed; a claim not closed counts as its own figure (100% when it gave none). */
function unitShare(u: UnitTaskState): number {
  if (isUnitClosed(u)) return 1;
  return Math.min(100, u.percentComplete ?? (u.status === 'completed' ? 100 : 0)) / 100;
}

/** 退回: the office's comment on a returned claim, as a reason the unit (and, for a lead unit, the task) is not green. */
function returnedReason(u: UnitTaskState, subject: string): string | undefined {
  if (u.status !== 'completed' || u.review?.state !== 'returned') return undefined;
  const comment = u.review.comment ? `：${u.review.comment}` : '';
  return `${subject}办结申请已被督查室退回${comment}，请继续办理`;
}

/** True when a held event completes the milestone: one of its categories, held for the task, registered by a unit of the task. */
export function heldEventCompletes(
  task: Pick<Task, 'taskId' | 'leadOrgIds' | 'supportOrgIds'>,
  milestone: Pick<Milestone, 'completedBy'>,
  events: readonly EventRef[],
): boolean {
  const rule = milestone.completedBy?.heldEvent;
  if (!rule) return false;
  return events.some(
    (e) => e.status === 'held' && e.taskIds.includes(task.taskId) && isTaskUnit(task, e.orgId) && rule.categories.includes(e.category),
  );
}

/**
 * The milestones of the task that are complete: listed by the latest report of one of their owner
 * units (by default the lead units; a report from any other unit does not count), or completed by a
 * held event the milestone names (`completedBy`).
 */
export function completedMilestones(
  task: Pick<Task, 'taskId' | 'leadOrgIds' | 'supportOrgIds' | 'milestones'>,
  units: readonly UnitTaskState[],
  events: readonly EventRef[] = [],
): Set<string> {
  const done = new Set<string>();
  for (const m of task.milestones) {
    const owners = milestoneOwners(task, m);
    const reported = units.some((u) => owners.includes(u.orgId) && (u.completedMilestoneIds ?? []).includes(m.milestoneId));
    if (reported || heldEventCompletes(task, m, events)) done.add(m.milestoneId);
  }
  return done;
}

/**
 * The task's progress for the pace rule: the mean pace share of its paced KPIs (each within 0…1) when
 * it has any; otherwise the mean `percentComplete` its lead units last reported (a unit with no report
 * counts as 0). A stock KPI without a declared baseline is not paced and does not count here.
 */
export function taskProgress(input: {
  task: Pick<Task, 'leadOrgIds' | 'kpis'>;
  kpiProgress: ReadonlyMap<string, number>;
  units: readonly UnitTaskState[];
}): number {
  const paced = input.task.kpis.filter(isPaced);
  if (paced.length > 0) {
    const sum = paced.reduce((acc, k) => acc + clamp01(input.kpiProgress.get(k.kpiId) ?? 0), 0);
    return sum / paced.length;
  }
  const byOrg = new Map(input.units.map((u) => [u.orgId, u]));
  const leads = input.task.leadOrgIds;
  const sum = leads.reduce((acc, orgId) => {
    const u = byOrg.get(orgId);
    return u ? acc + unitShare(u) : acc;
  }, 0);
  return sum / leads.length;
}

/**
 * The status rules of a task (红黄绿灯), in order:
 * 1. `done` — every lead unit's completion claim is approved by the office (销号).
 * 2. `red` — the task's due date, or the date of an open milestone the office has confirmed (printed
 *    in the notice, `assumption: false`), has passed.
 * 3. `yellow` — an open milestone whose date is ours and unconfirmed has passed (节点日期待确认: an
 *    assumed date never makes a task red); a unit of the task reports `blocked` (a blocked task is never
 *    green); progress trails the elapsed share by more than `paceMargin`; or the task or an open
 *    milestone is due within `dueSoonDays`.
 * 4. `green` — otherwise.
 * Reports from units that are not assigned to the task are ignored (old data from before ingest refused them).
 */
export function taskLight(input: TaskLightInput): TaskLight {
  const { plan, task, today } = input;
  const units = input.units.filter((u) => isTaskUnit(task, u.orgId));
  const expected = elapsedShare(plan.startDate, task.dueDate, today);
  const progress = taskProgress({ ...input, units });
  if (isTaskDone(task, units)) return { light: 'done', progress: 1, expected, reasons: ['牵头单位均已销号'] };

  const completed = completedMilestones(task, units, input.events);
  const open = task.milestones.filter((m) => !completed.has(m.milestoneId));
  const red = overdueReasons(task, open, today, '任务');
  if (red.length > 0) return { light: 'red', progress, expected, reasons: red };

  const reasons = open.filter((m) => today > m.dueDate).map(assumedReason);
  const blocked = units.filter((u) => u.status === 'blocked');
  if (blocked.length > 0) reasons.push(`${blocked.map((u) => orgName(u.orgId)).join('、')}报告工作受阻，需协调解决`);
  for (const u of units.filter((x) => task.leadOrgIds.includes(x.orgId))) {
    const returned = returnedReason(u, orgName(u.orgId));
    if (returned) reasons.push(returned);
  }
  if (progress < expected - plan.status.paceMargin) reasons.push(`进度${pct(progress)}，落后于序时进度${pct(expected)}`);
  reasons.push(...dueSoon(plan, task, open, today));
  return { light: reasons.length > 0 ? 'yellow' : 'green', progress, expected, reasons };
}

export interface UnitLightInput extends TaskLightInput {
  orgId: string;
  /** The task's own light: a lead unit answers for the whole task. */
  taskLight: TaskLight;
  /** The unit's own pace share from the quota KPIs it reports (mean of its capped shares), when it has any. */
  quotaProgress?: number;
}

/**
 * A unit's light on a task: each unit is judged on its own part.
 * - The task is done, or the unit's own completion claim is approved (销号): `done`. A claim pending review
 *   is judged like any other report; a returned one is yellow at least, with the office's comment.
 * - A lead unit answers for the whole task (its milestones, its city KPIs): the task's light.
 * - Any other unit, from its own reports, its own quota figures and the milestones it owns (none by
 *   default: milestones belong to the lead units unless `ownerOrgIds` says otherwise): `red` once the
 *   task's due date or an owned, confirmed milestone has passed; `yellow` when it reports `blocked`, an
 *   owned assumed milestone date has passed, its own progress trails the elapsed share by more than the
 *   margin (quota figures when it has a quota, else the `percentComplete` it reports; no report counts as
 *   0), or the task or an owned milestone is due soon; `green` otherwise. A lead office leaving its
 *   milestone open does not turn a county red.
 */
export function unitLight(input: UnitLightInput): TaskLight {
  const { plan, task, today, orgId } = input;
  const units = input.units.filter((u) => isTaskUnit(task, u.orgId));
  const unit = units.find((u) => u.orgId === orgId);
  const expected = elapsedShare(plan.startDate, task.dueDate, today);
  if (input.taskLight.light === 'done') return { light: 'done', progress: 1, expected, reasons: ['任务已办结'] };
  if (unit && isUnitClosed(unit)) return { light: 'done', progress: 1, expected, reasons: ['本单位已销号'] };
  if (task.leadOrgIds.includes(orgId)) return input.taskLight;

  const progress = input.quotaProgress ?? (unit ? unitShare(unit) : 0);
  const completed = completedMilestones(task, units, input.events);
  const open = task.milestones.filter((m) => milestoneOwners(task, m).includes(orgId) && !completed.has(m.milestoneId));
  const red = overdueReasons(task, open, today, '本单位任务');
  if (red.length > 0) return { light: 'red', progress, expected, reasons: red };

  const reasons = open.filter((m) => today > m.dueDate).map(assumedReason);
  if (unit?.status === 'blocked') reasons.push('本单位报告工作受阻，需协调解决');
  const returned = unit && returnedReason(unit, '本单位');
  if (returned) reasons.push(returned);
  if (progress < expected - plan.status.paceMargin) {
    const what = input.quotaProgress !== undefined ? '本单位任务数完成' : '本单位进度';
    reasons.push(
      unit || input.quotaProgress !== undefined
        ? `${what}${pct(progress)}，落后于序时进度${pct(expected)}`
        : `本单位尚未报送进度，序时进度${pct(expected)}`,
    );
  }
  reasons.push(...dueSoon(plan, task, open, today));
  return { light: reasons.length > 0 ? 'yellow' : 'green', progress, expected, reasons };
}

/**
 * What makes a light red: the open milestones past a confirmed date, then the task past its due date.
 * An open milestone past an assumed date is not here (see `assumedReason`): it is yellow at worst.
 */
function overdueReasons(task: Pick<Task, 'dueDate'>, open: readonly Milestone[], today: string, subject: string): string[] {
  return [
    ...open
      .filter((m) => today > m.dueDate && !m.assumption)
      .map((m) => `节点${m.milestoneId}（${m.title}）已逾期（应于${formatChineseDate(m.dueDate)}前完成）`),
    ...(today > task.dueDate ? [`${subject}已逾期（办结时限${formatChineseDate(task.dueDate)}）`] : []),
  ];
}

function assumedReason(m: Pick<Milestone, 'milestoneId' | 'title' | 'dueDate'>): string {
  return `节点日期待确认：${m.milestoneId}（${m.title}）暂定${formatChineseDate(m.dueDate)}前完成，尚未报送完成`;
}

/** The task and the open milestones (not yet past) due within the plan's `dueSoonDays`. */
function dueSoon(plan: TaskLightInput['plan'], task: Pick<Task, 'dueDate'>, open: readonly Milestone[], today: string): string[] {
  const out: string[] = [];
  for (const m of open) {
    const left = daysBetween(today, m.dueDate);
    if (left >= 0 && left <= plan.status.dueSoonDays)
      out.push(`节点${m.milestoneId}（${m.title}）临近完成时限（${formatChineseDate(m.dueDate)}，还有${left}天）`);
  }
  const left = daysBetween(today, task.dueDate);
  if (left >= 0 && left <= plan.status.dueSoonDays) out.push(`临近办结时限（${formatChineseDate(task.dueDate)}，还有${left}天）`);
  return out;
}

function clamp01(n: number): number {
  return Math.min(1, Math.max(0, n));
}

function pct(n: number): string {
  return `${Math.round(n * 1000) / 10}%`;
}
