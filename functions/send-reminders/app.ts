import { randomUUID } from 'node:crypto';
import * as z from '../../shared/zod.js';
import { REMINDER_KINDS, type ReminderDueDetail, type ReminderKind } from '../../events/schemas.js';
import { withOverrides } from '../../shared/calendar/overrides.js';
import { chineseWorkdayCalendar, type WorkdayCalendar } from '../../shared/calendar/workdays.js';
import { getPlan, listPlans } from '../../shared/plan/catalog.js';
import type { Plan } from '../../shared/plan/schema.js';
import { baselineOnly, type PlanAmender } from '../../shared/plan/amender.js';
import type { EventBus } from '../../shared/ports/bus.js';
import type { CalendarOverrideSource } from '../../shared/ports/calendar.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { MetricsRecorder } from '../../shared/ports/metrics.js';
import type { ReminderStore } from '../../shared/ports/reminders.js';
import type { ReviewStore } from '../../shared/ports/reviews.js';
import { withReviews } from '../../shared/review/state.js';
import type { PlanStateReader } from '../../shared/ports/state.js';
import { buildDigest } from '../../shared/reminders/digest.js';
import { UnknownPlanError } from '../../shared/plan/errors.js';
import { InvalidRunInstantError } from '../../shared/reminders/errors.js';
import type { Logger } from '../../shared/ports/logger.js';
import { packDigest } from '../../shared/reminders/pack.js';
import { periodsToRead, reminderCandidates, reportedKey } from '../../shared/reminders/policy.js';
import { lookupQuery, selectNew } from '../../shared/reminders/select.js';
import { watchMissingYears } from '../../shared/reminders/watched-calendar.js';
import { localDateOf } from '../../shared/time/local-date.js';

export const REMINDER_DUE = 'reminder.due';

/** Scheduler input (`{}`), or a manual run: one plan and/or a business instant. */
export const SendRemindersEvent = z.looseObject({
  planId: z.optional(z.string().check(z.minLength(1))),
  now: z.optional(z.iso.datetime({ offset: true })),
});
export type SendRemindersEvent = z.input<typeof SendRemindersEvent>;

export interface ReminderRunSummary {
  planId: string;
  /** The business date in the plan's time zone. */
  date: string;
  workday: boolean;
  /** Reminder items sent (in committed digests). */
  sent: number;
  /** Digests committed and published by this run. */
  digests: number;
  /** Candidate items not sent because an earlier (or concurrent) run claimed them. */
  skippedAlreadySent: number;
  byKind: Record<ReminderKind, number>;
  /** Digests of the day left `queued` by an earlier run and published by this one. */
  republished: number;
  /**
   * Recipients skipped because another run wrote first (their items were not claimed by this run).
   * That run publishes its digest; if it died first, the Scheduler's retry (or any later run that
   * day) re-publishes it from the outbox.
   */
  conflicts: number;
  /** Items left for the next workday because the recipient's transaction was full. */
  deferred: number;
}

export interface SendRemindersSummary {
  runs: ReminderRunSummary[];
}

export interface SendRemindersDeps {
  reader: PlanStateReader;
  /** The office's decisions on completion claims: pending and approved claims pause a unit's reminders, a returned one resumes them. */
  reviews: Pick<ReviewStore, 'listDecisions'>;
  store: ReminderStore;
  bus: EventBus;
  clock: Clock;
  /** Defaults to the PRC calendar (chinese-days under config/holidays-override.json). */
  calendar?: WorkdayCalendar;
  /**
   * Holiday overrides read at every run (in AWS: the table items `CALENDAR#override`), laid over
   * `calendar`: the operator adds a year without a build. Absent: none.
   */
  calendarOverrides?: CalendarOverrideSource;
  logger: Logger;
  /** `RemindersSent` by kind, `CalendarYearMissing` (shared/observability/metrics.ts). */
  metrics?: MetricsRecorder;
  /** The plan as amended (计划调整) as of the run's day: confirmed dates, units and targets (default: the baseline only). */
  amender?: PlanAmender;
  /** The plans; defaults to the catalog (shared/plan/catalog.ts). */
  catalog?: { getPlan(planId: string): Plan | undefined; listPlans(): Plan[] };
}

const emptyByKind = (): Record<ReminderKind, number> =>
  Object.fromEntries(REMINDER_KINDS.map((k) => [k, 0])) as Record<ReminderKind, number>;

/**
 * The daily reminder job (催办). Per plan: on a workday, compute the reminders the policy calls for,
 * drop the ones already claimed, and per recipient unit commit the claims with a `queued` digest in
 * one transaction, publish one `reminder.due` per digest, then mark it `enqueued`. Today's digests
 * still `queued` (a run that died between commit and publish) are published first.
 */
export function createSendRemindersHandler(deps: SendRemindersDeps) {
  const baseCalendar = deps.calendar ?? chineseWorkdayCalendar();
  const catalog = deps.catalog ?? { getPlan, listPlans };

  async function publish(digests: readonly ReminderDueDetail[]): Promise<void> {
    if (digests.length === 0) return;
    await deps.bus.publish(digests.map((d) => ({ detailType: REMINDER_DUE, detail: d })));
    await Promise.all(digests.map((d) => deps.store.markEnqueued(d.planId, d.date, d.orgId)));
  }

  /** The calendar of this invocation: the run-time overrides (read now, so an edit counts from the next run) over the base. */
  async function calendarForRun(): Promise<WorkdayCalendar> {
    const overrides = (await deps.calendarOverrides?.load()) ?? [];
    if (overrides.length > 0) deps.logger.info('holiday overrides from the table', { years: overrides.map((o) => o.year) });
    return withOverrides(baseCalendar, overrides);
  }

  async function runPlan(base: Plan, now: Date, runCalendar: WorkdayCalendar): Promise<ReminderRunSummary> {
    const runId = randomUUID();
    const today = localDateOf(now, base.timeZone);
    let plan = base;
    const calendar = watchMissingYears(runCalendar, (year) => {
      deps.logger.warn('workday calendar lacks a year: falling back to Monday–Friday', { planId: plan.planId, year });
      deps.metrics?.count('CalendarYearMissing', {}, 1, { year });
    });
    const summary: ReminderRunSummary = {
      planId: plan.planId,
      date: today,
      workday: calendar.isWorkday(today),
      sent: 0,
      digests: 0,
      skippedAlreadySent: 0,
      byKind: emptyByKind(),
      republished: 0,
      conflicts: 0,
      deferred: 0,
    };
    if (!summary.workday) {
      deps.logger.info('not a workday: no reminders', { planId: plan.planId, date: today });
      return summary;
    }
    // The plan as amended as of today (a confirmed milestone date is a real deadline from then on).
    plan = await (deps.amender ?? baselineOnly).asOf(base, today);

    const leftQueued = await deps.store.queuedDigests(plan.planId, today);
    if (leftQueued.length > 0) {
      deps.logger.warn('re-publishing digests left queued by an earlier run', {
        planId: plan.planId,
        date: today,
        count: leftQueued.length,
      });
      await publish(leftQueued);
      summary.republished = leftQueued.length;
    }

    // Every period of the plan year begun (≤ 12 months + 4 quarters): 催报 does not forget.
    const periods = periodsToRead(plan, today);
    const [state, decisions, events, ...reportedByPeriod] = await Promise.all([
      deps.reader.loadPlanState(plan.planId),
      deps.reviews.listDecisions(plan.planId),
      // A held event can complete a milestone (the marathon for T13-M1), as the lights read it.
      deps.reader.listEvents(plan.planId),
      ...periods.map((p) => deps.reader.reportedUnits(plan.planId, p)),
    ]);
    const reported = new Set(periods.flatMap((p, i) => (reportedByPeriod[i] ?? []).map((r) => reportedKey(p, r.taskId, r.orgId))));
    const units = withReviews(state, decisions).units;
    const candidates = reminderCandidates({ plan, today, calendar, units, reported, events });
    const lookup = await deps.store.lookup(plan.planId, lookupQuery(candidates));
    const selection = selectNew(candidates, lookup, { calendar, today, escalateEveryWorkdays: plan.reminders.escalateEveryWorkdays });
    summary.skippedAlreadySent = selection.skippedAlreadySent;

    const committed: ReminderDueDetail[] = [];
    for (const [orgId, reminders] of selection.byRecipient) {
      const { included, deferred } = packDigest(reminders);
      const digest = buildDigest({ plan, date: today, orgId, items: included.map((r) => r.item), deferred: deferred.length });
      const outcome = await deps.store.commitDigest({
        digest,
        claims: included.flatMap((r) => r.claimKeys.map((key) => ({ key, kind: r.item.kind }))),
        escalations: included.flatMap((r) => (r.escalationUpdate ? [r.escalationUpdate] : [])),
        createdAt: now.toISOString(),
        runId,
      });
      if (outcome === 'conflict') {
        deps.logger.warn('another run wrote this recipient first: skipped', { planId: plan.planId, date: today, orgId });
        summary.conflicts++;
        continue;
      }
      committed.push(digest);
      summary.deferred += deferred.length;
      for (const item of digest.items) summary.byKind[item.kind]++;
      summary.sent += digest.items.length;
    }
    await publish(committed);
    summary.digests = committed.length;
    for (const [kind, n] of Object.entries(summary.byKind)) if (n > 0) deps.metrics?.count('RemindersSent', { Kind: kind }, n);

    deps.logger.info('reminders sent', { ...summary });
    return summary;
  }

  return async function sendReminders(event: SendRemindersEvent = {}): Promise<SendRemindersSummary> {
    const parsed = SendRemindersEvent.safeParse(event ?? {});
    if (!parsed.success)
      throw new InvalidRunInstantError(
        `invalid run input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const now = parsed.data.now ? new Date(parsed.data.now) : deps.clock.now();
    let plans: Plan[];
    if (parsed.data.planId) {
      const plan = catalog.getPlan(parsed.data.planId);
      if (!plan) throw new UnknownPlanError(parsed.data.planId);
      plans = [plan];
    } else {
      plans = catalog.listPlans();
    }
    const calendar = await calendarForRun();
    const runs: ReminderRunSummary[] = [];
    for (const plan of plans) runs.push(await runPlan(plan, now, calendar));
    return { runs };
  };
}
