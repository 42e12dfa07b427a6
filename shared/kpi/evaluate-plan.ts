import type { Baseline, Kpi, MilestoneCompletion, Plan, Task } from '../plan/schema.js';
import { isTaskUnit, kpiReportingUnits, milestoneOwners, reportsKpi } from '../plan/units.js';
import type { KpiFigure, PlanState, SportsEventRecord, UnitTaskRecord } from '../ports/state.js';
import { evaluateKpi, evaluateQuotaKpi, elapsedShare, isPaced } from '../status/kpi.js';
import { completedMilestones, isUnitClosed, taskLight, unitLight, type Light } from '../status/light.js';
import { findOrg, orgName } from '../org/directory.js';
import type { UnitReview } from '../review/state.js';
import { daysBetween, formatChineseDate, localDateOf } from '../time/local-date.js';

export interface KpiOrgFigure {
  orgId: string;
  /** The unit's current figure; null for a quota unit that has not reported yet. */
  value: number | null;
  reportedAt: string | null;
  perOrgTarget?: number;
  /** Quota KPIs: the unit against its own quota and pace. */
  status?: Light;
  progress?: number | null;
  expected?: number | null;
  reasons?: string[];
}

export interface KpiView {
  kpiId: string;
  taskId: string;
  name: string;
  unit: string;
  target: Kpi['target'];
  aggregation: Kpi['aggregation']['kind'];
  measure: Kpi['measure'];
  baseline?: Baseline;
  stretch: boolean;
  assumption: boolean;
  note?: string;
  /** The city figure; null until anything is reported (count KPIs start at 0). */
  value: number | null;
  progress: number | null;
  expected: number | null;
  status: Light;
  reasons: string[];
  /** Quota KPIs: how many of the units with a quota meet it. */
  quota?: { perOrgTarget: number; units: number; met: number };
  byOrg: KpiOrgFigure[];
}

export interface TaskOrgView {
  orgId: string;
  role: 'lead' | 'support';
  status: UnitTaskRecord['status'] | null;
  percentComplete: number | null;
  reportedAt: string | null;
  period: string | null;
  /** The unit's own light on the task (see `unitLight`): what the ranking counts. */
  light: Light;
  reasons: string[];
  /** Its completion claim under the office's review (待销号 / 销号 / 退回); null without a claim. */
  review: UnitReview | null;
  /** 销号: the approved claim's `reportedAt`; null until approved. */
  completedAt: string | null;
  /** 逾期办结: approved, and claimed after the task's due date (plan time zone). */
  late: boolean;
}

export interface MilestoneView {
  milestoneId: string;
  title: string;
  dueDate: string;
  assumption: boolean;
  ownerOrgIds: string[];
  completedBy?: MilestoneCompletion;
  completed: boolean;
}

export interface TaskView {
  taskId: string;
  sectionId: string;
  title: string;
  dueDate: string;
  leadOrgIds: string[];
  supportOrgIds: string[];
  status: Light;
  progress: number;
  expected: number;
  reasons: string[];
  milestones: MilestoneView[];
  byOrg: TaskOrgView[];
  /** Done: the latest approved claim of its lead units (the task is done once the last is approved); else null. */
  completedAt: string | null;
  /** 逾期办结: done, and completed after its due date. */
  late: boolean;
  /** Units whose completion claim waits for the office's review (待销号). */
  pendingReview: string[];
}

export interface SectionView {
  sectionId: string;
  number: number;
  title: string;
  tasks: number;
  green: number;
  yellow: number;
  red: number;
  done: number;
}

export interface OrgRanking {
  orgId: string;
  name: string;
  kind: string;
  rank: number;
  /** Share of the unit's items whose own light is green or done (0…1). */
  score: number;
  items: number;
  green: number;
  yellow: number;
  red: number;
  done: number;
  overdue: number;
  /** Of its done items, those completed after the due date (逾期办结). */
  lateDone: number;
}

export interface PlanView {
  planId: string;
  asOf: string;
  expected: number;
  kpis: KpiView[];
  tasks: TaskView[];
  sections: SectionView[];
  ranking: OrgRanking[];
  summary: { green: number; yellow: number; red: number; done: number };
  /** Done tasks completed after their due date (逾期办结). */
  lateDone: number;
}

/**
 * The city figure of a KPI and its per-unit breakdown, by the KPI's aggregation. Only what may count
 * does: figures of the KPI's reporting units (`reportsKpi`), events registered by a unit of the task
 * (`isTaskUnit`) — so that old data from before ingest refused the others cannot move a figure.
 */
export function aggregateKpi(
  task: Pick<Task, 'leadOrgIds' | 'supportOrgIds'>,
  kpi: Kpi,
  figures: readonly KpiFigure[],
  events: readonly SportsEventRecord[],
): { value: number | null; byOrg: KpiOrgFigure[] } {
  const withQuota = (f: { orgId: string; value: number; reportedAt: string }): KpiOrgFigure =>
    kpi.perOrgTarget === undefined ? f : { ...f, perOrgTarget: kpi.perOrgTarget };
  const agg = kpi.aggregation;
  if (agg.kind === 'count_held_events') {
    const counted = events.filter(
      (e) =>
        e.status === 'held' &&
        e.taskIds.includes(kpi.taskId) &&
        isTaskUnit(task, e.orgId) &&
        (agg.categories === undefined || agg.categories.includes(e.category)),
    );
    const byOrg = new Map<string, { value: number; reportedAt: string }>();
    for (const e of counted) {
      const cur = byOrg.get(e.orgId) ?? { value: 0, reportedAt: e.timestamp };
      byOrg.set(e.orgId, { value: cur.value + 1, reportedAt: cur.reportedAt > e.timestamp ? cur.reportedAt : e.timestamp });
    }
    return { value: counted.length, byOrg: sortByOrg([...byOrg].map(([orgId, v]) => withQuota({ orgId, ...v }))) };
  }
  const mine = figures.filter((f) => f.kpiId === kpi.kpiId && reportsKpi(task, kpi, f.orgId));
  const byOrg = sortByOrg(mine.map((f) => withQuota({ orgId: f.orgId, value: f.value, reportedAt: f.reportedAt })));
  if (agg.kind === 'latest_of_org') {
    const f = mine.find((x) => x.orgId === agg.orgId);
    return { value: f ? f.value : null, byOrg };
  }
  return { value: mine.length === 0 ? null : round(mine.reduce((s, f) => s + f.value, 0)), byOrg };
}

function sortByOrg<T extends { orgId: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => a.orgId.localeCompare(b.orgId));
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

interface EvaluatedKpi {
  view: KpiView;
  paceShare: number | null;
  /** Quota KPIs that are paced: each quota unit's own pace share. */
  unitShares?: Map<string, number>;
}

function evaluateTaskKpi(
  plan: Plan,
  task: Task,
  kpi: Kpi,
  state: PlanState,
  events: readonly SportsEventRecord[],
  today: string,
): EvaluatedKpi {
  const base = {
    kpiId: kpi.kpiId,
    taskId: kpi.taskId,
    name: kpi.name,
    unit: kpi.unit,
    target: kpi.target,
    aggregation: kpi.aggregation.kind,
    measure: kpi.measure,
    ...(kpi.baseline ? { baseline: kpi.baseline } : {}),
    stretch: kpi.stretch,
    assumption: kpi.assumption,
    ...(kpi.note ? { note: kpi.note } : {}),
  };
  if (kpi.perOrgTarget !== undefined) {
    const figures = new Map(
      state.figures
        .filter((f) => f.kpiId === kpi.kpiId && reportsKpi(task, kpi, f.orgId))
        .map((f) => [f.orgId, { value: f.value, reportedAt: f.reportedAt }]),
    );
    const q = evaluateQuotaKpi(
      plan,
      { ...kpi, perOrgTarget: kpi.perOrgTarget },
      task.dueDate,
      figures,
      kpiReportingUnits(task, kpi),
      today,
    );
    const byOrg: KpiOrgFigure[] = sortByOrg(
      q.units.map((u) => ({
        orgId: u.orgId,
        value: u.value,
        reportedAt: u.reportedAt,
        perOrgTarget: u.perOrgTarget,
        status: u.status,
        progress: u.progress,
        expected: u.expected,
        reasons: u.reasons,
      })),
    );
    return {
      view: {
        ...base,
        value: q.value,
        progress: q.progress,
        expected: q.expected,
        status: q.status,
        reasons: q.reasons,
        quota: { perOrgTarget: kpi.perOrgTarget, units: q.units.length, met: q.met },
        byOrg,
      },
      paceShare: q.paceShare,
      ...(isPaced(kpi) ? { unitShares: new Map(q.units.map((u) => [u.orgId, Math.min(1, Math.max(0, u.paceShare ?? 0))])) } : {}),
    };
  }
  const { value, byOrg } = aggregateKpi(task, kpi, state.figures, events);
  const ev = evaluateKpi(plan, kpi, task.dueDate, value, today);
  return {
    view: { ...base, value: ev.value, progress: ev.progress, expected: ev.expected, status: ev.status, reasons: ev.reasons, byOrg },
    paceShare: ev.paceShare,
  };
}

/**
 * The whole picture of a plan as of `today` (a date in the plan's time zone): every KPI against its
 * target and pace, every task's light, each unit's own light on each of its tasks, section roll-ups and
 * the ranking of units by their own lights. Pure: the same function serves the read API (live) and the
 * daily snapshot.
 */
export function evaluatePlan(plan: Plan, state: PlanState, events: readonly SportsEventRecord[], today: string): PlanView {
  const kpis: KpiView[] = [];
  const tasks: TaskView[] = [];
  const ranking = new Map<string, Omit<OrgRanking, 'rank' | 'score' | 'name' | 'kind'>>();

  for (const task of plan.tasks) {
    // Old data may hold reports and events of units not assigned to the task: they count for nothing.
    const units = state.units.filter((u) => u.taskId === task.taskId && isTaskUnit(task, u.orgId));
    const taskEvents = events.filter((e) => e.taskIds.includes(task.taskId) && isTaskUnit(task, e.orgId));
    const kpiProgress = new Map<string, number>();
    const quotaShares = new Map<string, number[]>();
    for (const kpi of task.kpis) {
      const ev = evaluateTaskKpi(plan, task, kpi, state, taskEvents, today);
      kpis.push(ev.view);
      if (ev.paceShare !== null) kpiProgress.set(kpi.kpiId, ev.paceShare);
      for (const [orgId, share] of ev.unitShares ?? []) quotaShares.set(orgId, [...(quotaShares.get(orgId) ?? []), share]);
    }
    const light = taskLight({ plan, task, kpiProgress, units, events: taskEvents, today });
    const done = light.light === 'done';
    // 逾期办结: a claim after the due date, approved, still counts as done, but shows as late.
    const lateOn = (instant: string | null) => instant !== null && localDateOf(new Date(instant), plan.timeZone) > task.dueDate;
    const approvedAt = (orgId: string) => {
      const u = units.find((x) => x.orgId === orgId);
      return u && isUnitClosed(u) ? u.reportedAt : null;
    };
    const completedAt = done ? latest(task.leadOrgIds.map(approvedAt)) : null;
    if (done && lateOn(completedAt)) {
      const on = localDateOf(new Date(completedAt!), plan.timeZone);
      light.reasons = [
        ...light.reasons,
        `逾期办结：办结时限${formatChineseDate(task.dueDate)}，${formatChineseDate(on)}办结，逾期${daysBetween(task.dueDate, on)}天`,
      ];
    }
    const milestonesDone = completedMilestones(task, units, taskEvents);
    const unitByOrg = new Map(units.map((u) => [u.orgId, u]));
    const roles: Array<[string, 'lead' | 'support']> = [
      ...task.leadOrgIds.map((o) => [o, 'lead'] as [string, 'lead']),
      ...task.supportOrgIds.filter((o) => !task.leadOrgIds.includes(o)).map((o) => [o, 'support'] as [string, 'support']),
    ];
    const byOrg: TaskOrgView[] = roles.map(([orgId, role]) => {
      const u = unitByOrg.get(orgId);
      const shares = quotaShares.get(orgId);
      const own = unitLight({
        plan,
        task,
        kpiProgress,
        units,
        events: taskEvents,
        today,
        orgId,
        taskLight: light,
        ...(shares ? { quotaProgress: shares.reduce((a, b) => a + b, 0) / shares.length } : {}),
      });
      const unitCompletedAt = approvedAt(orgId);
      return {
        orgId,
        role,
        status: u?.status ?? null,
        percentComplete: u?.percentComplete ?? null,
        reportedAt: u?.reportedAt ?? null,
        period: u?.period ?? null,
        light: own.light,
        reasons: own.reasons,
        // A claim no decision is known for waits for review (a caller without decisions sees every claim pending).
        review: u?.review ?? (u?.status === 'completed' ? { state: 'pending', claimedReportedAt: u.reportedAt } : null),
        completedAt: unitCompletedAt,
        late: own.light === 'done' && lateOn(unitCompletedAt),
      };
    });
    tasks.push({
      taskId: task.taskId,
      sectionId: task.sectionId,
      title: task.title,
      dueDate: task.dueDate,
      leadOrgIds: task.leadOrgIds,
      supportOrgIds: task.supportOrgIds,
      status: light.light,
      progress: round(light.progress),
      expected: round(light.expected),
      reasons: light.reasons,
      milestones: task.milestones.map((m) => ({
        milestoneId: m.milestoneId,
        title: m.title,
        dueDate: m.dueDate,
        assumption: m.assumption,
        ownerOrgIds: milestoneOwners(task, m),
        ...(m.completedBy ? { completedBy: m.completedBy } : {}),
        completed: done || milestonesDone.has(m.milestoneId),
      })),
      byOrg,
      completedAt,
      late: done && lateOn(completedAt),
      pendingReview: byOrg.filter((o) => o.review?.state === 'pending').map((o) => o.orgId),
    });
    for (const o of byOrg) {
      const r = ranking.get(o.orgId) ?? { orgId: o.orgId, items: 0, green: 0, yellow: 0, red: 0, done: 0, overdue: 0, lateDone: 0 };
      r.items++;
      r[o.light]++;
      if (o.light === 'red') r.overdue++;
      if (o.late) r.lateDone++;
      ranking.set(o.orgId, r);
    }
  }

  const sections: SectionView[] = plan.sections.map((s) => {
    const mine = tasks.filter((t) => t.sectionId === s.sectionId);
    return { sectionId: s.sectionId, number: s.number, title: s.title, tasks: mine.length, ...countLights(mine) };
  });

  const scored = [...ranking.values()]
    .map((r) => ({ ...r, name: orgName(r.orgId), kind: findOrg(r.orgId)?.kind ?? 'unknown', score: round((r.green + r.done) / r.items) }))
    .sort(
      (a, b) => b.score - a.score || a.overdue - b.overdue || b.done - a.done || a.lateDone - b.lateDone || a.orgId.localeCompare(b.orgId),
    );
  const ranked: OrgRanking[] = [];
  scored.forEach((r, i) => {
    const prev = ranked[i - 1];
    const rank = prev && prev.score === r.score && prev.overdue === r.overdue ? prev.rank : i + 1;
    ranked.push({ ...r, rank });
  });

  return {
    planId: plan.planId,
    asOf: today,
    expected: round(elapsedShare(plan.startDate, `${plan.year}-12-31`, today)),
    kpis,
    tasks,
    sections,
    ranking: ranked,
    summary: countLights(tasks),
    lateDone: tasks.filter((t) => t.late).length,
  };
}

/** The latest of some instants (by the instant, not the string), null when there is none. */
function latest(instants: ReadonlyArray<string | null>): string | null {
  let best: string | null = null;
  for (const i of instants) if (i !== null && (best === null || new Date(i) > new Date(best))) best = i;
  return best;
}

function countLights(tasks: readonly { status: Light }[]) {
  const c = { green: 0, yellow: 0, red: 0, done: 0 };
  for (const t of tasks) c[t.status]++;
  return c;
}
