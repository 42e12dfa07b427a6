import type { ReminderItem } from '../../events/schemas.js';
import type { WorkdayCalendar } from '../calendar/workdays.js';
import { workdaysBetween } from '../calendar/workdays.js';
import { findOrg } from '../org/directory.js';
import type { Plan, Task } from '../plan/schema.js';
import type { EscalationRef } from '../ports/reminders.js';
import type { UnitTaskRecord } from '../ports/state.js';
import { completedMilestones, isTaskDone } from '../status/light.js';
import { daysBetween, localDateOf } from '../time/local-date.js';
import { dueSoonKey, escalationKey, overdueKey, reportMissingKey, stagnantKey } from './keys.js';
import { periodYear, reportDueDate, reportingPeriodOf } from './periods.js';

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
  /** Every unit's latest status on every task (PlanState.units). */
  units: readonly UnitTaskRecord[];
  /** `reportedKey(period, taskId, orgId)` of the units that reported for the current periods. */
  reported: ReadonlySet<string>;
  /** The supervising unit escalations go to; defaults to the org directory. */
  supervisorOf?: (orgId: string) => string | null | undefined;
}

export const reportedKey = (period: string, taskId: string, orgId: string) => `${period}#${taskId}#${orgId}`;

/** The reporting periods the plan's tasks are in on `today` (the reads 催报 needs). */
export function currentPeriods(plan: Plan, today: string): string[] {
  return [...new Set(plan.tasks.map((t) => reportingPeriodOf(t.reporting.cycle, today)))].sort();
}

/** The units a task's reminders go to: its lead units, plus its supporting units when the plan says so. */
export function recipientsOf(plan: Plan, task: Task): string[] {
  const ids = plan.reminders.includeSupportOrgs ? [...task.leadOrgIds, ...task.supportOrgIds] : task.leadOrgIds;
  return [...new Set(ids)];
}

interface OpenItem {
  /** taskId or milestoneId. */
  id: string;
  milestoneId?: string;
  title: string;
  dueDate: string;
}

/**
 * Every reminder the policy calls for on `today`, one per (kind, item, unit), before claims:
 * - `due_soon`: the item is due in `k` days or fewer for a threshold `k` (not yet due);
 * - `overdue`: past its due date;
 * - `escalation`: overdue ≥ `escalateAfterWorkdays` workdays, to the unit's supervisor (the
 *   `escalateEveryWorkdays` spacing needs the stored state and is applied by `selectNew`);
 * - `report_missing`: no report for the current period on or after its due day;
 * - `stagnant`: latest status `in_progress` and latest report ≥ `stagnantDays` old.
 * Nothing for a done task, a complete milestone, or a unit whose own latest status is `completed`.
 */
export function reminderCandidates(input: ReminderInput): ReminderCandidate[] {
  const { plan, today, calendar } = input;
  const config = plan.reminders;
  const supervisorOf = input.supervisorOf ?? ((orgId: string) => findOrg(orgId)?.supervisorOrgId);
  const thresholds = [...new Set(config.dueSoonDays)].sort((a, b) => a - b);
  const out: ReminderCandidate[] = [];

  for (const task of plan.tasks) {
    const units = input.units.filter((u) => u.taskId === task.taskId);
    if (isTaskDone(task, units)) continue;
    const byOrg = new Map(units.map((u) => [u.orgId, u]));
    const complete = completedMilestones(task, units);
    const items: OpenItem[] = [
      { id: task.taskId, title: task.title, dueDate: task.dueDate },
      ...task.milestones
        .filter((m) => !complete.has(m.milestoneId))
        .map((m) => ({ id: m.milestoneId, milestoneId: m.milestoneId, title: m.title, dueDate: m.dueDate })),
    ];
    const recipients = recipientsOf(plan, task).filter((orgId) => byOrg.get(orgId)?.status !== 'completed');

    for (const orgId of recipients) {
      for (const it of items) {
        const base = { taskId: task.taskId, ...(it.milestoneId ? { milestoneId: it.milestoneId } : {}), dueDate: it.dueDate, title: it.title };
        const daysLeft = daysBetween(today, it.dueDate);
        if (daysLeft > 0) {
          const pending = thresholds.filter((k) => daysLeft <= k);
          if (pending.length > 0) {
            const keys = pending.map((k) => dueSoonKey(it.id, orgId, k));
            out.push({ recipientOrgId: orgId, item: { key: keys[0] as string, kind: 'due_soon', ...base, daysLeft }, claimKeys: keys });
          }
        } else if (daysLeft < 0) {
          const daysOverdue = -daysLeft;
          const workdaysOverdue = workdaysBetween(calendar, it.dueDate, today);
          const key = overdueKey(it.id, orgId, today);
          out.push({ recipientOrgId: orgId, item: { key, kind: 'overdue', ...base, daysOverdue, workdaysOverdue }, claimKeys: [key] });
          const supervisor = supervisorOf(orgId);
          if (workdaysOverdue >= config.escalateAfterWorkdays && supervisor) {
            const ekey = escalationKey(it.id, orgId, today);
            out.push({
              recipientOrgId: supervisor,
              item: { key: ekey, kind: 'escalation', ...base, subjectOrgId: orgId, daysOverdue, workdaysOverdue },
              claimKeys: [ekey],
              escalation: { item: it.id, orgId },
            });
          }
        }
      }

      const period = reportingPeriodOf(task.reporting.cycle, today);
      const reportDue = reportDueDate(period, task.reporting.dueDay);
      if (
        periodYear(period) === plan.year &&
        reportDue <= task.dueDate &&
        today >= reportDue &&
        !input.reported.has(reportedKey(period, task.taskId, orgId))
      ) {
        const key = reportMissingKey(task.taskId, orgId, period);
        out.push({ recipientOrgId: orgId, item: { key, kind: 'report_missing', taskId: task.taskId, dueDate: reportDue, title: task.title, period }, claimKeys: [key] });
      }

      const unit = byOrg.get(orgId);
      if (unit?.status === 'in_progress') {
        const lastReportDate = localDateOf(new Date(unit.reportedAt), plan.timeZone);
        if (daysBetween(lastReportDate, today) >= config.stagnantDays) {
          const key = stagnantKey(task.taskId, orgId, lastReportDate);
          out.push({ recipientOrgId: orgId, item: { key, kind: 'stagnant', taskId: task.taskId, dueDate: task.dueDate, title: task.title }, claimKeys: [key] });
        }
      }
    }
  }
  return out;
}

/** The date of the unit's latest report a `stagnant` item is about (the last part of its key). */
export function stagnantSince(item: Pick<ReminderItem, 'key'>): string {
  return item.key.slice(item.key.lastIndexOf('#') + 1);
}
