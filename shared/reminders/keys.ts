/**
 * Deterministic reminder keys (docs/reminders.md). A key names one reminder item exactly once:
 * a run that finds the key already claimed sends nothing for it.
 *
 * `<item>` is a taskId (`T05`) or a milestoneId (`T05-M1`); `<orgId>` is the unit the item is
 * about (for escalations: the overdue unit, not the supervisor who receives it).
 */
export const dueSoonKey = (item: string, orgId: string, thresholdDays: number) => `due_soon#${item}#${orgId}#d${thresholdDays}`;
export const overdueKey = (item: string, orgId: string, date: string) => `overdue#${item}#${orgId}#${date}`;
export const escalationKey = (item: string, orgId: string, date: string) => `escalation#${item}#${orgId}#${date}`;
export const reportMissingKey = (taskId: string, orgId: string, period: string) => `report_missing#${taskId}#${orgId}#${period}`;
export const stagnantKey = (taskId: string, orgId: string, lastReportDate: string) => `stagnant#${taskId}#${orgId}#${lastReportDate}`;

/** The escalation state of an item at a unit: the date it was last escalated. */
export const escalationStateKey = (item: string, orgId: string) => `ESCALATED#${item}#${orgId}`;

/** The digest of one recipient unit on one business date: deterministic, so a re-publish is recognisable downstream. */
export const digestIdOf = (planId: string, date: string, orgId: string) => `${planId}#${date}#${orgId}`;
