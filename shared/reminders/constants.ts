import type { ReportingCycle } from '../plan/schema.js';

/**
 * Reminder timings that are the office's practice rather than a plan's choice. They sit here, not in
 * `plan.reminders`, until a plan needs another value (moving one there is a schema change).
 */

/** Workdays before a report's due day that the advance notice (报送提醒) goes out. */
export const REPORT_NOTICE_WORKDAYS = 3;

/** The longest period of each reporting cycle, in days: a unit reporting once per cycle stays within it. */
export const CYCLE_DAYS: Record<ReportingCycle['cycle'], number> = { monthly: 31, quarterly: 92 };

/** Days of silence beyond a full cycle before an `in_progress` unit counts as 停滞. */
export const STAGNANT_GRACE_DAYS = 7;

/** Workdays, today included, given for a 协调 (blocked) or 停滞 instruction: "请于…前". */
export const RESPONSE_WORKDAYS = 3;

/** How long claims and digests are kept (TTL), in days: longer than a plan year plus its overdue tail. */
export const REMINDER_RETENTION_DAYS = 400;
