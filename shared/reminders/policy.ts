import type { ReminderItem, TaskReminderItem } from '../../events/schemas.js';
import { addWorkdays, lastWorkdayOnOrBefore, workdaysBetween, type WorkdayCalendar } from '../calendar/workdays.js';
import { findOrg } from '../org/directory.js';
import type { Plan, ReminderConfig, Task } from '../plan/schema.js';
import type { EscalationRef } from '../ports/reminders.js';
import type { UnitTaskRecord } from '../ports/state.js';
import { completedMilestones, isTaskDone, type EventRef, type UnitTaskState } from '../status/light.js';
import { addDays, daysBetween, localDateOf } from '../time/local-date.js';
import { CYCLE_DAYS, REPORT_NOTICE_WORKDAYS, RESPONSE_WORKDAYS, STAGNANT_GRACE_DAYS } from './constants.js';
import {
  REPORTS_ITEM,
  blockedKey,
  dueSoonKey,
  escalationKey,
  overdueKey,
  reportDueSoonKey,
  reportMissingKey,
  returnedKey,
  stagnantKey,
} from './keys.js';
import { reportDueWorkday } from './periods.js';
import { periodStartDate, periodsOfYear, reportDueDate } from '../time/period.js';
import { milestoneRecipients, taskRecipients } from './recipients.js';
import { bulletinReadyCandidate } from './bulletin-ready.js';

/** One reminder a run could send, before it knows what was sent already. */
export interface ReminderCandidate {
  /** The unit whose digest lists the item. */
  recipientOrgId: string;
  /** `item.key` is the item's own key (for `due_soon`: the tightest pending threshold). */
  item: ReminderItem;
  /** Keys the item claims when sent, the item's own key first (`due_soon`: every pending threshold, tightest first). */
  claimKeys: string[];
  /** Escalations only: the state that limits how often the item is escalated. */
  escalation?: EscalationRef;
}

export interface ReminderInput {
  plan: Plan;
  /** The business date in the plan's time zone. */
  today: string;
  calendar: WorkdayCalendar;
  /**
   * Every unit's latest status on every task (PlanState.units), with the office's review of each
   * completion claim (`withReviews`): a claim without a known decision counts as pending.
   */
  units: readonly UnitTaskRecord[];
  /** `reportedKey(period, taskId, orgId)` of the units that reported, for every period of `periodsToRead`. */
  reported: ReadonlySet<string>;
  /** The plan's registered events: a held event can complete a milestone (`completedBy`). */
  events?: readonly EventRef[];
  /** The supervising unit escalations go to; defaults to the org directory. */
  supervisorOf?: (orgId: string) => string | null | undefined;
}

export const reportedKey = (period: string, taskId: string, orgId: string) => `${period}#${taskId}#${orgId}`;

/**
 * The reporting periods whose reports a run on `today` reads: every period of the plan year that has
 * begun, not only the current one, because a period not reported stays chased until it is.
 */
export function periodsToRead(plan: Pick<Plan, 'year' | 'tasks'>, today: string): string[] {
  const cycles = [...new Set(plan.tasks.map((t) => t.reporting.cycle))];
  return cycles
    .flatMap((c) => periodsOfYear(c, plan.year))
    .filter((p) => periodStartDate(p) <= today)
    .sort();
}

/**
 * Workdays until an open overdue item is (next) escalated, as the daily runs go: first after
 * `escalateAfterWorkdays`, then every `escalateEveryWorkdays`.
 */
function nextEscalationIn(workdaysOverdue: number, config: ReminderConfig): number {
  const first = config.escalateAfterWorkdays;
  const every = config.escalateEveryWorkdays;
  return workdaysOverdue < first ? first - workdaysOverdue : every - ((workdaysOverdue - first) % every);
}

/** The date an overdue item's instruction asks for: the last workday before its next escalation. */
export function overdueActBy(calendar: WorkdayCalendar, today: string, workdaysOverdue: number, config: ReminderConfig): string {
  return addWorkdays(calendar, today, nextEscalationIn(workdaysOverdue, config) - 1);
}

/** 退回: the unit's completion claim was returned by the office, so the unit is back in progress. */
function isReturned(unit: UnitTaskState | undefined): boolean {
  return unit?.status === 'completed' && unit.review?.state === 'returned';
}

/**
 * A unit that claimed completion is not chased on the task while the claim waits for review (待销号)
 * nor once it is approved (销号); a returned claim (退回) puts it back among the units chased.
 */
function claimHolds(unit: UnitTaskState | undefined): boolean {
  return unit?.status === 'completed' && !isReturned(unit);
}

/** Workdays from `today` through `date`, both included (0 when `date` is before `today`). */
function workdaysThrough(calendar: WorkdayCalendar, today: string, date: string): number {
  return workdaysBetween(calendar, addDays(today, -1), date);
}

interface OpenItem {
  /** taskId or milestoneId. */
  id: string;
  milestoneId?: string;
  title: string;
  dueDate: string;
  /** The date is an assumption nobody confirmed: never an alarm. */
  dateAssumed: boolean;
}

/**
 * Every reminder the policy calls for on `today`, before claims (docs/reminders.md states each rule
 * in the office's words):
 * - `due_soon`: the item is due within `k` workdays (today and the due date included) for a
 *   threshold `k`, so that the last workday before a weekend deadline carries the final reminder;
 * - `overdue`: past its due date, every workday; not for a milestone whose date is an assumption;
 * - `escalation`: overdue ≥ `escalateAfterWorkdays` workdays, to the unit's supervisor (the
 *   `escalateEveryWorkdays` spacing needs the stored state and is applied by `selectNew`); also for
 *   reports missing that long: one item per unit, listing its tasks;
 * - `report_due_soon`: a period's report is due within `REPORT_NOTICE_WORKDAYS` workdays (once);
 * - `report_missing`: every workday, one item per task and unit listing every period of the plan
 *   year whose report is past due (moved to a workday) and not in;
 * - `stagnant`: latest status `in_progress` and no report for a full cycle plus a grace period;
 * - `blocked`: a unit's latest report says `blocked`: its supervisor, once per such report;
 * - `returned`: the office returned the unit's completion claim: the unit, once per claim, with the
 *   office's comment; its other reminders of the task resume (a returned unit is in progress again);
 * - `bulletin_ready`: from the first workday of a month, the previous month's bulletin (通报) is
 *   ready: the bureau (the supervision office reads its digest), once per month (bulletin-ready.ts).
 * Recipients: `taskRecipients` for the task, `milestoneRecipients` for each milestone. Nothing for a
 * done task (every lead unit's claim approved), a complete milestone (an owner reported it, or a held
 * event completed it), or a unit whose completion claim on the task is pending review or approved.
 */
/** The report a unit's record is from, as a reminder item names it (for the logs' correlation). */
function reportOf(unit: UnitTaskRecord): Pick<ReminderItem, 'sourceId' | 'webhookId'> {
  return { ...(unit.sourceId ? { sourceId: unit.sourceId } : {}), webhookId: unit.webhookId };
}

export function reminderCandidates(input: ReminderInput): ReminderCandidate[] {
  const { plan, today, calendar } = input;
  const config = plan.reminders;
  const supervisorOf = input.supervisorOf ?? ((orgId: string) => findOrg(orgId)?.supervisorOrgId);
  const thresholds = [...new Set(config.dueSoonDays)].sort((a, b) => a - b);
  const out: ReminderCandidate[] = [];
  /** Per unit: its tasks with a report late enough to escalate. */
  const lateReports = new Map<
    string,
    Array<{ taskId: string; title: string; period: string; due: string; periods: string[]; workdaysOverdue: number }>
  >();

  function deadline(task: Task, it: OpenItem, orgId: string): void {
    const base = {
      taskId: task.taskId,
      ...(it.milestoneId ? { milestoneId: it.milestoneId } : {}),
      dueDate: it.dueDate,
      title: it.title,
      ...(it.dateAssumed ? { dateAssumed: true } : {}),
    };
    if (today <= it.dueDate) {
      const workdaysLeft = workdaysThrough(calendar, today, it.dueDate);
      const pending = thresholds.filter((k) => workdaysLeft <= k);
      if (workdaysLeft >= 1 && pending.length > 0) {
        const keys = pending.map((k) => dueSoonKey(it.id, orgId, k));
        out.push({
          recipientOrgId: orgId,
          item: {
            key: keys[0] as string,
            kind: 'due_soon',
            ...base,
            daysLeft: daysBetween(today, it.dueDate),
            workdaysLeft,
            actBy: lastWorkdayOnOrBefore(calendar, it.dueDate),
          },
          claimKeys: keys,
        });
      }
      return;
    }
    // An assumed date is ours, not the notice's: until the office confirms it, passing it is no alarm.
    if (it.dateAssumed) return;
    const daysOverdue = daysBetween(it.dueDate, today);
    const workdaysOverdue = workdaysBetween(calendar, it.dueDate, today);
    const actBy = overdueActBy(calendar, today, workdaysOverdue, config);
    const key = overdueKey(it.id, orgId, today);
    out.push({ recipientOrgId: orgId, item: { key, kind: 'overdue', ...base, daysOverdue, workdaysOverdue, actBy }, claimKeys: [key] });
    const supervisor = supervisorOf(orgId);
    if (workdaysOverdue >= config.escalateAfterWorkdays && supervisor) {
      const ekey = escalationKey(it.id, orgId, today);
      out.push({
        recipientOrgId: supervisor,
        item: { key: ekey, kind: 'escalation', ...base, subjectOrgId: orgId, daysOverdue, workdaysOverdue, actBy },
        claimKeys: [ekey],
        escalation: { item: it.id, orgId },
      });
    }
  }

  function reports(task: Task, orgId: string): void {
    const missing: Array<{ period: string; due: string }> = [];
    for (const period of periodsOfYear(task.reporting.cycle, plan.year)) {
      if (periodStartDate(period) > today) break;
      // Nothing is reported for a period whose report day comes after the task's own deadline.
      if (reportDueDate(period, task.reporting.dueDay) > task.dueDate) continue;
      const due = reportDueWorkday(calendar, period, task.reporting.dueDay);
      if (due < plan.startDate || input.reported.has(reportedKey(period, task.taskId, orgId))) continue;
      if (today > due) {
        missing.push({ period, due });
      } else if (today >= addWorkdays(calendar, due, -REPORT_NOTICE_WORKDAYS)) {
        const key = reportDueSoonKey(task.taskId, orgId, period);
        out.push({
          recipientOrgId: orgId,
          item: {
            key,
            kind: 'report_due_soon',
            taskId: task.taskId,
            dueDate: due,
            title: task.title,
            period,
            workdaysLeft: workdaysThrough(calendar, today, due),
            actBy: due,
          },
          claimKeys: [key],
        });
      }
    }
    const oldest = missing[0];
    if (!oldest) return;
    const workdaysOverdue = workdaysBetween(calendar, oldest.due, today);
    const report = {
      taskId: task.taskId,
      dueDate: oldest.due,
      title: task.title,
      period: oldest.period,
      periods: missing.map((m) => m.period),
      daysOverdue: daysBetween(oldest.due, today),
      workdaysOverdue,
      actBy: overdueActBy(calendar, today, workdaysOverdue, config),
    };
    const key = reportMissingKey(task.taskId, orgId, today);
    out.push({ recipientOrgId: orgId, item: { key, kind: 'report_missing', ...report }, claimKeys: [key] });
    if (workdaysOverdue >= config.escalateAfterWorkdays) {
      const late = lateReports.get(orgId) ?? [];
      late.push({
        taskId: task.taskId,
        title: task.title,
        period: oldest.period,
        due: oldest.due,
        periods: report.periods,
        workdaysOverdue,
      });
      lateReports.set(orgId, late);
    }
  }

  /** One escalation per unit whose reports are late enough, listing its tasks, the oldest first. */
  function reportEscalations(): void {
    for (const [orgId, late] of lateReports) {
      const supervisor = supervisorOf(orgId);
      if (!supervisor) continue;
      const tasks = [...late].sort((a, b) => a.due.localeCompare(b.due) || a.taskId.localeCompare(b.taskId));
      const oldest = tasks[0] as (typeof tasks)[number];
      const ekey = escalationKey(REPORTS_ITEM, orgId, today);
      out.push({
        recipientOrgId: supervisor,
        item: {
          key: ekey,
          kind: 'escalation',
          taskId: oldest.taskId,
          subjectOrgId: orgId,
          dueDate: oldest.due,
          title: oldest.title,
          period: oldest.period,
          reportTasks: tasks.map((t) => ({ taskId: t.taskId, periods: t.periods })),
          daysOverdue: daysBetween(oldest.due, today),
          workdaysOverdue: oldest.workdaysOverdue,
          actBy: overdueActBy(calendar, today, oldest.workdaysOverdue, config),
        },
        claimKeys: [ekey],
        escalation: { item: REPORTS_ITEM, orgId },
      });
    }
  }

  /** What a unit (or its supervisor) is asked to answer within the office's response time: stagnant, blocked, returned. */
  const respondBy = addWorkdays(calendar, today, RESPONSE_WORKDAYS - 1);
  function respond(
    recipientOrgId: string,
    task: Task,
    kind: 'stagnant' | 'blocked' | 'returned',
    key: string,
    fields: Omit<Partial<TaskReminderItem>, 'key' | 'kind' | 'taskId' | 'dueDate' | 'title' | 'actBy'>,
  ): void {
    out.push({
      recipientOrgId,
      item: { key, kind, taskId: task.taskId, dueDate: task.dueDate, title: task.title, actBy: respondBy, ...fields },
      claimKeys: [key],
    });
  }

  function stagnant(task: Task, unit: UnitTaskRecord | undefined): void {
    if (!unit || (unit.status !== 'in_progress' && !isReturned(unit))) return;
    const lastReportDate = localDateOf(new Date(unit.reportedAt), plan.timeZone);
    // A unit that reports once a cycle is silent for up to a cycle by design: 停滞 only beyond it.
    const threshold = Math.max(config.stagnantDays, CYCLE_DAYS[task.reporting.cycle] + STAGNANT_GRACE_DAYS);
    if (daysBetween(lastReportDate, today) < threshold) return;
    respond(unit.orgId, task, 'stagnant', stagnantKey(task.taskId, unit.orgId, lastReportDate), { lastReportDate, ...reportOf(unit) });
  }

  function blocked(task: Task, unit: UnitTaskRecord): void {
    const supervisor = supervisorOf(unit.orgId);
    if (unit.status !== 'blocked' || !supervisor) return;
    const lastReportDate = localDateOf(new Date(unit.reportedAt), plan.timeZone);
    respond(supervisor, task, 'blocked', blockedKey(task.taskId, unit.orgId, lastReportDate), {
      subjectOrgId: unit.orgId,
      lastReportDate,
      ...reportOf(unit),
    });
  }

  function returned(task: Task, unit: UnitTaskRecord): void {
    if (!isReturned(unit) || !unit.review) return;
    respond(unit.orgId, task, 'returned', returnedKey(task.taskId, unit.orgId, new Date(unit.reportedAt).toISOString()), {
      ...(unit.review.comment ? { comment: unit.review.comment } : {}),
      ...(unit.review.decidedAt ? { decidedOn: localDateOf(new Date(unit.review.decidedAt), plan.timeZone) } : {}),
    });
  }

  for (const task of plan.tasks) {
    const units = input.units.filter((u) => u.taskId === task.taskId);
    if (isTaskDone(task, units)) continue;
    const byOrg = new Map(units.map((u) => [u.orgId, u]));
    const open = (orgId: string) => !claimHolds(byOrg.get(orgId));
    const complete = completedMilestones(task, units, input.events);
    const taskItem: OpenItem = { id: task.taskId, title: task.title, dueDate: task.dueDate, dateAssumed: false };

    for (const orgId of taskRecipients(plan, task).filter(open)) {
      deadline(task, taskItem, orgId);
      reports(task, orgId);
      stagnant(task, byOrg.get(orgId));
    }
    for (const m of task.milestones.filter((x) => !complete.has(x.milestoneId))) {
      const it: OpenItem = { id: m.milestoneId, milestoneId: m.milestoneId, title: m.title, dueDate: m.dueDate, dateAssumed: m.assumption };
      for (const orgId of milestoneRecipients(plan, task, m).filter(open)) deadline(task, it, orgId);
    }
    for (const unit of units) {
      blocked(task, unit);
      returned(task, unit);
    }
  }
  reportEscalations();
  const bulletin = bulletinReadyCandidate(plan, today, calendar);
  if (bulletin) out.push(bulletin);
  return out;
}
