/**
 * Deterministic reminder keys (docs/reminders.md). A key names one reminder item exactly once:
 * a run that finds the key already claimed sends nothing for it.
 *
 * `<item>` is a taskId (`T05`), a milestoneId (`T05-M1`) or a unit's missing reports (`reports`, see
 * `REPORTS_ITEM`); `<orgId>` is the unit the item is about (for escalations and `blocked`: that unit,
 * not the supervisor who receives it). `<date>` in a key makes the item come back every workday.
 */
/** `k` is a threshold of `plan.reminders.dueSoonDays`, counted in workdays. */
export const dueSoonKey = (item: string, orgId: string, thresholdWorkdays: number) => `due_soon#${item}#${orgId}#d${thresholdWorkdays}`;
export const overdueKey = (item: string, orgId: string, date: string) => `overdue#${item}#${orgId}#${date}`;
export const escalationKey = (item: string, orgId: string, date: string) => `escalation#${item}#${orgId}#${date}`;
/** Every workday while a period is missing: one item per task and unit listing the periods. */
export const reportMissingKey = (taskId: string, orgId: string, date: string) => `report_missing#${taskId}#${orgId}#${date}`;
/** Once per period: the advance notice. */
export const reportDueSoonKey = (taskId: string, orgId: string, period: string) => `report_due_soon#${taskId}#${orgId}#${period}`;
export const stagnantKey = (taskId: string, orgId: string, lastReportDate: string) => `stagnant#${taskId}#${orgId}#${lastReportDate}`;
/** Once per blocked report (its business date). */
export const blockedKey = (taskId: string, orgId: string, reportDate: string) => `blocked#${taskId}#${orgId}#${reportDate}`;

/** Once per returned claim (the claim's `reportedAt` in UTC: a claim has one decision). */
export const returnedKey = (taskId: string, orgId: string, claimReportedAtUtc: string) =>
  `returned#${taskId}#${orgId}#${claimReportedAtUtc}`;

/** Once per month: that month's bulletin (通报) is ready (see shared/reminders/bulletin-ready.ts). */
export const bulletinReadyKey = (period: string, orgId: string) => `bulletin_ready#${period}#${orgId}`;

/**
 * The item a unit's missing reports are escalated as: one per unit across its tasks, so that the
 * supervisor reads one line per unit that does not report (its state is apart from any deadline's).
 */
export const REPORTS_ITEM = 'reports';

/** The escalation state of an item at a unit: the date it was last escalated. */
export const escalationStateKey = (item: string, orgId: string) => `ESCALATED#${item}#${orgId}`;

/** The digest of one recipient unit on one business date: deterministic, so a re-publish is recognisable downstream. */
export const digestIdOf = (planId: string, date: string, orgId: string) => `${planId}#${date}#${orgId}`;
