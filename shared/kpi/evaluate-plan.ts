import type { Kpi, Plan, Task } from '../plan/schema.js';
import type { KpiFigure, PlanState, SportsEventRecord, UnitTaskRecord } from '../ports/state.js';
import { evaluateKpi, elapsedShare } from '../status/kpi.js';
import { completedMilestones, isTaskDone, taskLight, type Light } from '../status/light.js';
import { daysBetween } from '../time/local-date.js';
import { findOrg, orgName } from '../org/directory.js';

export interface KpiOrgFigure {
  orgId: string;
  value: number;
  reportedAt: string;
  perOrgTarget?: number;
}

export interface KpiView {
  kpiId: string;
  taskId: string;
  name: string;
  unit: string;
  target: Kpi['target'];
  aggregation: Kpi['aggregation']['kind'];
  /** The city figure; null until anything is reported (count KPIs start at 0). */
  value: number | null;
  progress: number | null;
  expected: number | null;
  status: Light;
  byOrg: KpiOrgFigure[];
}

export interface TaskOrgView {
  orgId: string;
  role: 'lead' | 'support';
  status: UnitTaskRecord['status'] | null;
  percentComplete: number | null;
  reportedAt: string | null;
  period: string | null;
}

export interface MilestoneView {
  milestoneId: string;
  title: string;
  dueDate: string;
  assumption: boolean;
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
  /** Share of the unit's items that are green or done (0…1). */
  score: number;
  items: number;
  green: number;
  yellow: number;
  red: number;
  done: number;
  overdue: number;
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
}

/** The city figure of a KPI and its per-unit breakdown, by the KPI's aggregation. */
export function aggregateKpi(kpi: Kpi, figures: readonly KpiFigure[], events: readonly SportsEventRecord[]): { value: number | null; byOrg: KpiOrgFigure[] } {
  const withQuota = (f: Omit<KpiOrgFigure, 'perOrgTarget'>): KpiOrgFigure => (kpi.perOrgTarget === undefined ? f : { ...f, perOrgTarget: kpi.perOrgTarget });
  const agg = kpi.aggregation;
  if (agg.kind === 'count_held_events') {
    const counted = events.filter(
      (e) => e.status === 'held' && e.taskIds.includes(kpi.taskId) && (agg.categories === undefined || agg.categories.includes(e.category)),
    );
    const byOrg = new Map<string, { value: number; reportedAt: string }>();
    for (const e of counted) {
      const cur = byOrg.get(e.orgId) ?? { value: 0, reportedAt: e.timestamp };
      byOrg.set(e.orgId, { value: cur.value + 1, reportedAt: cur.reportedAt > e.timestamp ? cur.reportedAt : e.timestamp });
    }
    return { value: counted.length, byOrg: sortByOrg([...byOrg].map(([orgId, v]) => withQuota({ orgId, ...v }))) };
  }
  const mine = figures.filter((f) => f.kpiId === kpi.kpiId);
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

function unitLight(plan: Plan, task: Task, taskLightValue: Light, unit: UnitTaskRecord | undefined, today: string): Light {
  if (taskLightValue === 'done' || unit?.status === 'completed') return 'done';
  if (taskLightValue === 'red') return 'red';
  const expected = elapsedShare(plan.startDate, task.dueDate, today);
  const progress = (unit?.percentComplete ?? 0) / 100;
  if (progress < expected - plan.status.paceMargin) return 'yellow';
  if (daysBetween(today, task.dueDate) <= plan.status.dueSoonDays) return 'yellow';
  return 'green';
}

/**
 * The whole picture of a plan as of `today` (a date in the plan's time zone): every KPI against its
 * target and pace, every task's light, section roll-ups and the ranking of units. Pure: the same
 * function serves the read API (live) and the daily snapshot.
 */
export function evaluatePlan(plan: Plan, state: PlanState, events: readonly SportsEventRecord[], today: string): PlanView {
  const kpis: KpiView[] = [];
  const tasks: TaskView[] = [];
  const ranking = new Map<string, Omit<OrgRanking, 'rank' | 'score' | 'name' | 'kind'>>();

  for (const task of plan.tasks) {
    const kpiProgress = new Map<string, number>();
    for (const kpi of task.kpis) {
      const { value, byOrg } = aggregateKpi(kpi, state.figures, events);
      const ev = evaluateKpi(plan, kpi, task.dueDate, value, today);
      if (ev.progress !== null) kpiProgress.set(kpi.kpiId, ev.progress);
      kpis.push({
        kpiId: kpi.kpiId,
        taskId: kpi.taskId,
        name: kpi.name,
        unit: kpi.unit,
        target: kpi.target,
        aggregation: kpi.aggregation.kind,
        value: ev.value,
        progress: ev.progress,
        expected: ev.expected,
        status: ev.status,
        byOrg,
      });
    }
    const units = state.units.filter((u) => u.taskId === task.taskId);
    const light = taskLight({ plan, task, kpiProgress, units, today });
    const done = isTaskDone(task, units);
    const milestonesDone = completedMilestones(task, units);
    const unitByOrg = new Map(units.map((u) => [u.orgId, u]));
    const roles: Array<[string, 'lead' | 'support']> = [
      ...task.leadOrgIds.map((o) => [o, 'lead'] as [string, 'lead']),
      ...task.supportOrgIds.filter((o) => !task.leadOrgIds.includes(o)).map((o) => [o, 'support'] as [string, 'support']),
    ];
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
        completed: done || milestonesDone.has(m.milestoneId),
      })),
      byOrg: roles.map(([orgId, role]) => {
        const u = unitByOrg.get(orgId);
        return { orgId, role, status: u?.status ?? null, percentComplete: u?.percentComplete ?? null, reportedAt: u?.reportedAt ?? null, period: u?.period ?? null };
      }),
    });
    for (const [orgId] of roles) {
      const l = unitLight(plan, task, light.light, unitByOrg.get(orgId), today);
      const r = ranking.get(orgId) ?? { orgId, items: 0, green: 0, yellow: 0, red: 0, done: 0, overdue: 0 };
      r.items++;
      r[l]++;
      if (l === 'red') r.overdue++;
      ranking.set(orgId, r);
    }
  }

  const sections: SectionView[] = plan.sections.map((s) => {
    const mine = tasks.filter((t) => t.sectionId === s.sectionId);
    return { sectionId: s.sectionId, number: s.number, title: s.title, tasks: mine.length, ...countLights(mine) };
  });

  const scored = [...ranking.values()]
    .map((r) => ({ ...r, name: orgName(r.orgId), kind: findOrg(r.orgId)?.kind ?? 'unknown', score: round((r.green + r.done) / r.items) }))
    .sort((a, b) => b.score - a.score || a.overdue - b.overdue || b.done - a.done || a.orgId.localeCompare(b.orgId));
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
  };
}

function countLights(tasks: readonly { status: Light }[]) {
  const c = { green: 0, yellow: 0, red: 0, done: 0 };
  for (const t of tasks) c[t.status]++;
  return c;
}
