import type { Logger } from '../../shared/ports/logger.js';
import * as z from '../../shared/zod.js';
import type { KpiSnapshotCreatedDetail } from '../../events/schemas.js';
import { evaluatePlan } from '../../shared/kpi/evaluate-plan.js';
import { findDrift, replayReports, type Drift } from '../../shared/kpi/reconcile.js';
import { getPlan, listPlans } from '../../shared/plan/catalog.js';
import type { Plan } from '../../shared/plan/schema.js';
import { baselineOnly, type PlanAmender } from '../../shared/plan/amender.js';
import type { EventBus } from '../../shared/ports/bus.js';
import type { Clock } from '../../shared/ports/clock.js';
import type { ReviewStore } from '../../shared/ports/reviews.js';
import type { SnapshotStore } from '../../shared/ports/snapshots.js';
import { withReviews } from '../../shared/review/state.js';
import type { AuditTrailReader, PlanStateReader, StoredReport } from '../../shared/ports/state.js';
import { localDateOf } from '../../shared/time/local-date.js';
import { UnknownPlanError } from '../../shared/plan/errors.js';

export const AggregateKpisEvent = z.looseObject({
  planId: z.optional(z.string()),
  /** The business instant to aggregate as of (manual and on-demand runs); the clock otherwise. */
  now: z.optional(z.iso.datetime({ offset: true })),
  /** `reconcile` recomputes the aggregates from the audit trail and reports drift; it writes no snapshot. */
  mode: z._default(z.enum(['snapshot', 'reconcile']), 'snapshot'),
});

export interface AggregateKpisDeps {
  reader: PlanStateReader;
  /** The office's decisions on completion claims: a claim counts as done only once approved. */
  reviews: Pick<ReviewStore, 'listDecisions'>;
  snapshots: SnapshotStore;
  auditTrail: AuditTrailReader;
  /** The plan as amended as of the snapshot's day (default: the baseline only). */
  amender?: PlanAmender;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
}

export interface AggregationRun {
  planId: string;
  date: string;
  mode: 'snapshot' | 'reconcile';
  summary?: KpiSnapshotCreatedDetail['summary'];
  kpis?: number;
  drift?: Drift[];
  reportsRead?: number;
}

/**
 * The daily KPI aggregation (Scheduler, 01:00 Asia/Shanghai, and on demand): evaluates each plan from
 * the aggregates (one query each for the state, the events and the office's decisions — nothing that grows with reports),
 * stores the day's snapshot (a re-run replaces it) and emits `kpi.snapshot.created`.
 */
export function createAggregateKpisHandler(deps: AggregateKpisDeps) {
  return async (rawEvent: unknown): Promise<{ runs: AggregationRun[] }> => {
    const event = AggregateKpisEvent.parse(rawEvent ?? {});
    const now = event.now ? new Date(event.now) : deps.clock.now();
    let plans: Plan[];
    if (event.planId) {
      const plan = getPlan(event.planId);
      if (!plan) throw new UnknownPlanError(event.planId);
      plans = [plan];
    } else {
      plans = listPlans();
    }
    const runs: AggregationRun[] = [];
    for (const plan of plans) {
      const date = localDateOf(now, plan.timeZone);
      runs.push(event.mode === 'reconcile' ? await reconcile(deps, plan, date) : await snapshot(deps, plan, date, now));
    }
    return { runs };
  };
}

async function snapshot(deps: AggregateKpisDeps, plan: Plan, date: string, now: Date): Promise<AggregationRun> {
  const [state, events, decisions] = await Promise.all([
    deps.reader.loadPlanState(plan.planId),
    deps.reader.listEvents(plan.planId),
    deps.reviews.listDecisions(plan.planId),
  ]);
  // The plan as it stands that day: a snapshot taken before an amendment stays as it was.
  const amended = await (deps.amender ?? baselineOnly).asOf(plan, date);
  const view = evaluatePlan(amended, withReviews(state, decisions), events, date);
  const createdAt = now.toISOString();
  await deps.snapshots.putSnapshot({ planId: plan.planId, date, createdAt, view });
  const detail: KpiSnapshotCreatedDetail = { planId: plan.planId, date, createdAt, summary: view.summary };
  await deps.bus.publish([{ detailType: 'kpi.snapshot.created', detail }]);
  deps.logger.info('snapshot stored', { planId: plan.planId, date, ...view.summary });
  return { planId: plan.planId, date, mode: 'snapshot', summary: view.summary, kpis: view.kpis.length };
}

async function reconcile(deps: AggregateKpisDeps, plan: Plan, date: string): Promise<AggregationRun> {
  const stored = await deps.reader.loadPlanState(plan.planId);
  const reports: StoredReport[] = [];
  for (const task of plan.tasks) reports.push(...(await deps.auditTrail.auditTrail(plan.planId, task.taskId)));
  const drift = findDrift(stored, replayReports(reports));
  if (drift.length > 0)
    deps.logger.warn('aggregates drift from the audit trail', { planId: plan.planId, drift: drift.length, sample: drift.slice(0, 5) });
  else deps.logger.info('aggregates match the audit trail', { planId: plan.planId, reports: reports.length });
  return { planId: plan.planId, date, mode: 'reconcile', drift, reportsRead: reports.length };
}
