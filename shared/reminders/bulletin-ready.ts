// route-paths, not routes: the read API's schemas stay out of send-reminders' bundle.
import { BULLETIN_PATH, fillTemplate } from '../api/route-paths.js';
import { addWorkdays, nextWorkday, type WorkdayCalendar } from '../calendar/workdays.js';
import { BUREAU } from '../org/directory.js';
import type { Plan } from '../plan/schema.js';
import { addDays } from '../time/local-date.js';
import { cnPeriod, periodEndDate, periodsOfYear } from '../time/period.js';
import { RESPONSE_WORKDAYS } from './constants.js';
import { bulletinReadyKey } from './keys.js';
import type { ReminderCandidate } from './policy.js';

/** The read API's path of a plan's bulletin for a period, from the route table. */
export function bulletinPath(planId: string, period: string): string {
  return fillTemplate(BULLETIN_PATH, { planId, period });
}

/**
 * 通报已生成: on the first workday of a month, the supervision office (the bureau's digest) is told
 * that the previous month's bulletin is ready to review and send (审核印发) within RESPONSE_WORKDAYS, with where to get it. The bulletin
 * is replayed from the audit trail as the plan stood on the month's last day, so it is ready as soon
 * as that day is over; the first workday is when an office would pick it up.
 *
 * Only months of the plan's year that the plan has reached (the 2023 plan's December bulletin is
 * announced on the first workday of January 2024). From the first workday on, not only on it: a run
 * missed that day (the scheduler down) is made good by the next one that month; the key makes it once.
 */
export function bulletinReadyCandidate(
  plan: Pick<Plan, 'planId' | 'title' | 'year' | 'startDate'>,
  today: string,
  calendar: WorkdayCalendar,
): ReminderCandidate | undefined {
  const monthStart = `${today.slice(0, 7)}-01`;
  if (today < nextWorkday(calendar, monthStart)) return undefined;
  const previous = addDays(monthStart, -1).slice(0, 7);
  if (!periodsOfYear('monthly', plan.year).includes(previous) || periodEndDate(previous) < plan.startDate) return undefined;
  const key = bulletinReadyKey(previous, BUREAU);
  return {
    recipientOrgId: BUREAU,
    item: {
      key,
      kind: 'bulletin_ready',
      title: `${cnPeriod(previous)}督查督办通报`,
      period: previous,
      link: bulletinPath(plan.planId, previous),
      // 审核印发 within the office's usual response time, as for a blocked or stagnant item.
      actBy: addWorkdays(calendar, today, RESPONSE_WORKDAYS - 1),
    },
    claimKeys: [key],
  };
}
