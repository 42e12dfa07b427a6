import type * as z from '../zod.js';
import type { OverdueItem } from './responses.js';
import { workdaysBetween, type WorkdayCalendar } from '../calendar/workdays.js';
import type { PlanView } from '../kpi/evaluate-plan.js';
import { daysBetween } from '../time/local-date.js';

type Overdue = z.infer<typeof OverdueItem>;

/**
 * Tasks and milestones past due and not done (逾期) as of `view.asOf`: a task whose due date is before
 * the date and whose light is not `done`, and each of its milestones not completed whose due date is
 * before the date. `orgIds` are the lead units not closed (销号: claim approved by the office). Sorted
 * most overdue first, then by task and milestone.
 *
 * A milestone whose date is ours (not printed in the notice, not yet confirmed by the office) is
 * listed with `dateAssumed: true`: the office sees it, but it is no alarm — it is left out of the
 * printed bulletin and of the overdue reminders (docs/lights.md, docs/reminders.md).
 */
export function overdueItems(view: PlanView, calendar: WorkdayCalendar): Overdue[] {
  const asOf = view.asOf;
  const items: Overdue[] = [];
  const item = (taskId: string, title: string, dueDate: string, orgIds: string[], milestoneId?: string, dateAssumed = false): Overdue => ({
    taskId,
    ...(milestoneId === undefined ? {} : { milestoneId }),
    ...(dateAssumed ? { dateAssumed: true } : {}),
    title,
    dueDate,
    daysOverdue: daysBetween(dueDate, asOf),
    workdaysOverdue: workdaysBetween(calendar, dueDate, asOf),
    orgIds,
  });
  for (const t of view.tasks) {
    if (t.status === 'done') continue;
    const open = t.byOrg.filter((o) => o.role === 'lead' && o.completedAt === null).map((o) => o.orgId);
    for (const m of t.milestones) {
      if (!m.completed && m.dueDate < asOf) items.push(item(t.taskId, m.title, m.dueDate, open, m.milestoneId, m.assumption));
    }
    if (t.dueDate < asOf) items.push(item(t.taskId, t.title, t.dueDate, open));
  }
  return items.sort(
    (a, b) => b.daysOverdue - a.daysOverdue || a.taskId.localeCompare(b.taskId) || (a.milestoneId ?? '').localeCompare(b.milestoneId ?? ''),
  );
}
