import type { WebhookEnvelope } from '../../events/schemas.js';
import { findTask, getPlan } from '../plan/catalog.js';
import type { PlanAmender } from '../plan/amender.js';
import type { Plan, Task } from '../plan/schema.js';
import { PLAN_YEAR_MARGIN, withinPlanSpan } from '../plan/span.js';
import { isTaskUnit, reportsKpi } from '../plan/units.js';
import { cycleOfPeriod, periodStartDate } from '../time/period.js';
import { localDateOf, yearOf } from '../time/local-date.js';

/**
 * What a well-formed message may still get wrong, checked against the plan and the receipt time at
 * ingest (→ 4xx, nothing stored) and again by the consumers (→ dead letter), so that a plausible
 * but wrong message never moves a figure:
 *
 * - `unknown_reference`: an unknown plan or task, a KPI that is not the task's (or is counted from
 *   registered events), a milestone of another task, a linked task that does not exist;
 * - `unit_not_assigned`: a unit reporting on a task it is not a lead or support unit of, a figure
 *   for a KPI the unit does not report, an event linked to another unit's task;
 * - `time_out_of_range`: an instant later than the receipt plus the allowed skew (it would win
 *   last-writer-wins forever), or outside the plan's year ± 1;
 * - `invalid_period`: a period of another year, of the wrong cycle for the task, or not yet begun
 *   on the report's own date (it would mark a future period as reported and silence its 催报);
 * - `evidence_required`: a completion claim (`status: "completed"`, 申请办结) without evidence (佐证材料):
 *   the office reviews claims against their evidence, so a claim without any cannot be reviewed;
 * - `invalid_value`: a value the KPI cannot take (a rank below 1 or with a fraction) — a 400.
 */
export type MessageIssueCode =
  'unknown_reference' | 'unit_not_assigned' | 'time_out_of_range' | 'invalid_period' | 'evidence_required' | 'invalid_value';

export interface MessageIssue {
  code: MessageIssueCode;
  path: string;
  message: string;
}

/** How far a sender's clock may run ahead of ours (the same window Standard Webhooks allows). */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface CheckOptions {
  /** When the message was received: nothing it says may be later than this plus the skew. */
  receivedAt: Date;
  plans?: (planId: string) => Plan | undefined;
}

export function checkMessage(envelope: WebhookEnvelope, options: CheckOptions): MessageIssue[] {
  const plans = options.plans ?? getPlan;
  const data = envelope.data;
  const plan = plans(data.planId);
  if (!plan) return [{ code: 'unknown_reference', path: 'data.planId', message: `unknown plan ${data.planId}` }];
  const issues: MessageIssue[] = [];
  // Plain functions and loops, no closures: ingest runs this for every webhook.
  const at: InstantCheck = { plan, receivedAt: options.receivedAt, latest: options.receivedAt.getTime() + MAX_CLOCK_SKEW_MS, issues };
  checkInstant(at, 'timestamp', envelope.timestamp);

  if (envelope.type === 'progress.submitted') {
    const d = envelope.data;
    const task = findTask(plan, d.taskId);
    if (!task)
      return [...issues, { code: 'unknown_reference', path: 'data.taskId', message: `plan ${plan.planId} has no task ${d.taskId}` }];
    const reportedOn = checkInstant(at, 'data.reportedAt', d.reportedAt);
    if (reportedOn !== undefined) checkPeriod(plan, task, d.period, reportedOn, issues);
    const assigned = isTaskUnit(task, d.orgId);
    if (!assigned)
      issues.push({ code: 'unit_not_assigned', path: 'data.orgId', message: `${d.orgId} is not a lead or support unit of ${task.taskId}` });
    for (let i = 0; i < d.metrics.length; i++) {
      const m = d.metrics[i]!;
      const kpi = task.kpis.find((k) => k.kpiId === m.kpiId);
      if (!kpi) {
        issues.push({ code: 'unknown_reference', path: `data.metrics.${i}.kpiId`, message: `${m.kpiId} is not a KPI of ${task.taskId}` });
      } else if (kpi.aggregation.kind === 'count_held_events') {
        issues.push({
          code: 'unknown_reference',
          path: `data.metrics.${i}.kpiId`,
          message: `${m.kpiId} is counted from registered events (event.registered), not reported`,
        });
      } else {
        if (assigned && !reportsKpi(task, kpi, d.orgId)) {
          issues.push({ code: 'unit_not_assigned', path: `data.metrics.${i}.kpiId`, message: `${m.kpiId} is not reported by ${d.orgId}` });
        }
        if (kpi.rank && (!Number.isInteger(m.value) || m.value < 1)) {
          issues.push({
            code: 'invalid_value',
            path: `data.metrics.${i}.value`,
            message: `${m.kpiId} is a rank: a whole number from 1 (first)`,
          });
        }
      }
    }
    const completed = d.completedMilestoneIds ?? [];
    for (let i = 0; i < completed.length; i++) {
      const id = completed[i]!;
      if (!task.milestones.some((m) => m.milestoneId === id)) {
        issues.push({
          code: 'unknown_reference',
          path: `data.completedMilestoneIds.${i}`,
          message: `${id} is not a milestone of ${task.taskId}`,
        });
      }
    }
    if (d.status === 'completed' && d.evidence.length === 0) {
      issues.push({
        code: 'evidence_required',
        path: 'data.evidence',
        message:
          'a completion claim (status completed, 申请办结) must carry at least one evidence item (佐证材料) for the office to review',
      });
    }
  } else {
    const d = envelope.data;
    checkYear(at, 'data.startDate', d.startDate, d.startDate);
    checkYear(at, 'data.endDate', d.endDate, d.endDate);
    for (let i = 0; i < d.taskIds.length; i++) {
      const taskId = d.taskIds[i]!;
      const task = findTask(plan, taskId);
      if (!task)
        issues.push({ code: 'unknown_reference', path: `data.taskIds.${i}`, message: `plan ${plan.planId} has no task ${taskId}` });
      else if (!isTaskUnit(task, d.orgId))
        issues.push({ code: 'unit_not_assigned', path: `data.taskIds.${i}`, message: `${taskId} is not a task of ${d.orgId}` });
    }
  }
  return issues;
}

interface InstantCheck {
  plan: Plan;
  receivedAt: Date;
  /** The receipt plus the allowed skew (ms). */
  latest: number;
  issues: MessageIssue[];
}

/** An instant no later than the receipt (plus the skew) and within the plan's years; its local date when it passes. */
function checkInstant(c: InstantCheck, path: string, value: string): string | undefined {
  const at = new Date(value);
  if (at.getTime() > c.latest) {
    c.issues.push({
      code: 'time_out_of_range',
      path,
      message: `${value} is later than the time of receipt (${c.receivedAt.toISOString()}); send the time the report was made, with its real UTC offset`,
    });
    return undefined;
  }
  const date = localDateOf(at, c.plan.timeZone);
  return checkYear(c, path, value, date) ? date : undefined;
}

/** The plan's span (shared/plan/span.ts), the same rule the read API holds its dates to. */
function checkYear(c: InstantCheck, path: string, value: string, date: string): boolean {
  if (withinPlanSpan(c.plan, date)) return true;
  c.issues.push({
    code: 'time_out_of_range',
    path,
    message: `${value} is outside the plan's years ${c.plan.year - PLAN_YEAR_MARGIN}–${c.plan.year + PLAN_YEAR_MARGIN}`,
  });
  return false;
}

function checkPeriod(plan: Plan, task: Task, period: string, reportedOn: string, issues: MessageIssue[]): void {
  const cycle = cycleOfPeriod(period);
  const expected = task.reporting.cycle === 'monthly' ? 'YYYY-MM (monthly)' : 'YYYY-Qn (quarterly)';
  if (cycle !== task.reporting.cycle) {
    issues.push({
      code: 'invalid_period',
      path: 'data.period',
      message: `${task.taskId} is reported ${task.reporting.cycle}: period must be ${expected}`,
    });
  } else if (yearOf(period) !== plan.year) {
    issues.push({ code: 'invalid_period', path: 'data.period', message: `period ${period} is not of the plan's year ${plan.year}` });
  } else if (periodStartDate(period) > reportedOn) {
    issues.push({
      code: 'invalid_period',
      path: 'data.period',
      message: `period ${period} has not begun on the report's date ${reportedOn}`,
    });
  }
}

/**
 * `checkMessage` against the plan as amended (计划调整) on the day the message was received: a unit
 * assigned to a task by an amendment may report on it from then on, one removed may not.
 */
export async function checkMessageAsAmended(
  envelope: WebhookEnvelope,
  options: { receivedAt: Date; amender: PlanAmender },
): Promise<MessageIssue[]> {
  const base = getPlan(envelope.data.planId);
  const plan = base && (await options.amender.asOf(base, localDateOf(options.receivedAt, base.timeZone)));
  return checkMessage(envelope, { receivedAt: options.receivedAt, plans: (id) => (plan?.planId === id ? plan : undefined) });
}

/** The HTTP answer for a list of issues: 400 when a value is impossible, else 422 with the first issue's code. */
export function issueStatus(issues: readonly MessageIssue[]): { status: 400 | 422; code: string } {
  if (issues.some((i) => i.code === 'invalid_value')) return { status: 400, code: 'invalid_body' };
  return { status: 422, code: issues[0]!.code };
}
