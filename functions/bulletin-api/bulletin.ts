import type * as z from '../../shared/zod.js';
import type { KpiItem, LightCounts, RankingOrg, Target } from '../../shared/api/responses.js';
import { parseBulletinPeriod, type BulletinPeriod } from '../../shared/bulletin/period.js';
import type { WorkdayCalendar } from '../../shared/calendar/workdays.js';
import { evaluatePlan, type PlanView } from '../../shared/kpi/evaluate-plan.js';
import { replayReports } from '../../shared/kpi/reconcile.js';
import { COUNTY_AND_ZONE_IDS, orgName } from '../../shared/org/directory.js';
import type { Plan } from '../../shared/plan/schema.js';
import type { PlanAmender } from '../../shared/plan/amender.js';
import type { ReviewStore } from '../../shared/ports/reviews.js';
import type { PlanStateReader, ReportReader, StoredReport } from '../../shared/ports/state.js';
import { decisionsUntil, withReviews } from '../../shared/review/state.js';
import type { Light } from '../../shared/status/light.js';
import { localDateOf } from '../../shared/time/local-date.js';
import { InvalidPeriodError } from '../../shared/api/read-errors.js';
import { overdueItems } from '../../shared/api/overdue.js';
import { kpiItem, rankingsBody } from '../../shared/api/views.js';

/** One KPI row of a bulletin: the read API's KPI item, with its figure per county (and functional zone). */
export type BulletinKpi = Omit<z.infer<typeof KpiItem>, 'byOrg'> & {
  /** A quota KPI's target for each county (指标分解到县). */
  perOrgTarget?: number;
  /** County or zone id → its figure; absent when it has reported none. */
  byOrg: Record<string, number>;
};

export interface BulletinOverdue {
  taskId: string;
  milestoneId?: string;
  title: string;
  dueDate: string;
  daysOverdue: number;
  workdaysOverdue: number;
  /** Lead units that have not reported it completed, by name. */
  units: string[];
}

/** Everything a bulletin says, whatever its format. */
export interface Bulletin {
  planId: string;
  /** 济宁市体育局2023年工作要点落实情况通报（2023年6月） */
  title: string;
  planTitle: string;
  documentNumber: string;
  issuer: string;
  period: BulletinPeriod;
  /** The date the lights are judged as of: the period's last day, or today while the period runs. */
  asOf: string;
  generatedAt: string;
  tasks: number;
  summary: z.infer<typeof LightCounts>;
  ranking: Array<z.infer<typeof RankingOrg>>;
  overdue: BulletinOverdue[];
  kpis: BulletinKpi[];
  /** The per-county columns of the KPI sheet, in directory order. */
  orgColumns: Array<{ orgId: string; name: string }>;
}

export const LIGHT_LABELS: Record<Light, string> = { green: '绿灯', yellow: '黄灯', red: '红灯', done: '已办结' };

export function bulletinTitle(planTitle: string, period: BulletinPeriod): string {
  return `${planTitle}落实情况通报（${period.label}）`;
}

/** `≥200`, `≤5`, `1–2`. */
export function targetText(t: z.infer<typeof Target>): string {
  if (t.op === 'between') return `${t.min}–${t.max}`;
  return `${t.op === '>=' ? '≥' : '≤'}${t.value}`;
}

/** Shapes an evaluated plan into a bulletin (pure). */
export function buildBulletin(
  plan: Plan,
  view: PlanView,
  period: BulletinPeriod,
  calendar: WorkdayCalendar,
  generatedAt: string,
): Bulletin {
  const quota = new Map(plan.tasks.flatMap((t) => t.kpis).map((k) => [k.kpiId, k.perOrgTarget]));
  return {
    planId: plan.planId,
    title: bulletinTitle(plan.title, period),
    planTitle: plan.title,
    documentNumber: plan.documentNumber,
    issuer: plan.issuer,
    period,
    asOf: view.asOf,
    generatedAt,
    tasks: view.tasks.length,
    summary: view.summary,
    ranking: rankingsBody(view).orgs,
    // A date we assumed is no overdue in a printed bulletin (issue 14 (1)).
    overdue: overdueItems(view, calendar)
      .filter((o) => !o.dateAssumed)
      .map((o) => ({
        taskId: o.taskId,
        ...(o.milestoneId === undefined ? {} : { milestoneId: o.milestoneId }),
        title: o.title,
        dueDate: o.dueDate,
        daysOverdue: o.daysOverdue,
        workdaysOverdue: o.workdaysOverdue,
        units: o.orgIds.map(orgName),
      })),
    kpis: view.kpis.map((k) => {
      const { byOrg, ...item } = kpiItem(plan, k);
      const perOrgTarget = quota.get(k.kpiId);
      return {
        ...item,
        ...(perOrgTarget === undefined ? {} : { perOrgTarget }),
        byOrg: Object.fromEntries(
          byOrg.flatMap((f) => (COUNTY_AND_ZONE_IDS.includes(f.orgId) && f.value !== null ? [[f.orgId, f.value] as const] : [])),
        ),
      };
    }),
    orgColumns: COUNTY_AND_ZONE_IDS.map((orgId) => ({ orgId, name: orgName(orgId) })),
  };
}

const AUDIT_PAGE = 100;

/** A task's whole audit trail, page by page (a bulletin is monthly: reading it all is affordable). */
async function auditTrail(reports: ReportReader, planId: string, taskId: string): Promise<StoredReport[]> {
  const out: StoredReport[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await reports.listReports(planId, taskId, { limit: AUDIT_PAGE, ...(startKey ? { startKey } : {}) });
    out.push(...page.items);
    startKey = page.lastKey;
  } while (startKey);
  return out;
}

export interface BulletinDeps {
  reader: PlanStateReader;
  reports: ReportReader;
  reviews: Pick<ReviewStore, 'listDecisions'>;
  calendar: WorkdayCalendar;
}

/**
 * The plan as it stood at the end of `asOf` (plan time zone): the audit trail replayed up to that
 * day, the events registered by then and the office's decisions taken by then. A bulletin for June
 * therefore says the same whenever it is produced, and a report sent or a claim approved in July does
 * not change it.
 */
export async function planViewAsOf(deps: BulletinDeps, plan: Plan, asOf: string): Promise<PlanView> {
  const until = (instant: string) => localDateOf(new Date(instant), plan.timeZone) <= asOf;
  const [trails, events, decisions] = await Promise.all([
    Promise.all(plan.tasks.map((t) => auditTrail(deps.reports, plan.planId, t.taskId))),
    deps.reader.listEvents(plan.planId),
    deps.reviews.listDecisions(plan.planId),
  ]);
  const state = withReviews(
    replayReports(trails.flat().filter((r) => until(r.reportedAt))),
    decisionsUntil(decisions, asOf, plan.timeZone),
  );
  return evaluatePlan(
    plan,
    state,
    events.filter((e) => until(e.timestamp)),
    asOf,
  );
}

/**
 * The bulletin of `periodId` (`GET /v1/plans/{planId}/bulletins/{period}`): 400 unless the period is
 * a month or quarter of the plan's year that has begun by `today`.
 */
export async function loadBulletin(
  deps: BulletinDeps & { amender: PlanAmender },
  plan: Plan,
  periodId: string,
  today: string,
  now: Date,
): Promise<Bulletin> {
  const period = parseBulletinPeriod(periodId);
  if (!period) throw new InvalidPeriodError('invalid_period', `period must be a month (2023-06) or a quarter (2023-Q2), got "${periodId}"`);
  if (period.year !== plan.year)
    throw new InvalidPeriodError('period_outside_plan', `period ${periodId} is outside the plan's year ${plan.year}`);
  if (period.first > today) throw new InvalidPeriodError('period_not_started', `period ${periodId} has not begun (today is ${today})`);
  const asOf = period.last < today ? period.last : today;
  // The plan as amended as of the bulletin's day: an amendment made later does not change it.
  const amended = await deps.amender.asOf(plan, asOf);
  const view = await planViewAsOf(deps, amended, asOf);
  return buildBulletin(amended, view, period, deps.calendar, now.toISOString());
}
