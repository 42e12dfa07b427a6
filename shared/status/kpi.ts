import { findOrg, orgName } from '../org/directory.js';
import type { Kpi, Plan } from '../plan/schema.js';
import { daysBetween, formatChineseDate } from '../time/local-date.js';
import type { Light } from './light.js';

/** The share of the plan period elapsed by the end of `today` (序时进度), 0…1. */
export function elapsedShare(startDate: string, dueDate: string, today: string): number {
  const total = daysBetween(startDate, dueDate) + 1;
  const elapsed = daysBetween(startDate, today) + 1;
  if (total <= 0) return 1;
  return Math.min(1, Math.max(0, elapsed / total));
}

export interface KpiEvaluation {
  value: number | null;
  /** Share of the target reached (1 = met); null when there is no figure yet. */
  progress: number | null;
  /** The figure expected by now (序时进度); null when the KPI is judged only at its deadline. */
  expected: number | null;
  /**
   * The share the task's pace rule uses: for a flow, `progress`; for a stock, the growth since its
   * baseline over the growth the target asks for. Null when the KPI is not paced or has no figure.
   */
  paceShare: number | null;
  status: Light;
  /** Why the status is not green (or why done), in the office's words. */
  reasons: string[];
}

/** The parts of a KPI its evaluation reads (its rules, not its identity). */
export type KpiRule = Pick<Kpi, 'target' | 'pace' | 'measure' | 'baseline' | 'stretch' | 'unit'>;

type PlanDates = Pick<Plan, 'startDate' | 'status'>;

/** Whether a figure meets its target. */
export function meetsTarget(kpi: Pick<Kpi, 'target'>, value: number): boolean {
  const t = kpi.target;
  switch (t.op) {
    case '>=':
      return value >= t.value;
    case '<=':
      return value <= t.value;
    case 'between':
      // 力争 min–max: the range is an aim; reaching min meets it and going past max is better still.
      return value >= t.min;
  }
}

/** Share of target reached: for `<=` (a rank), target/value; for `between`, value/min. */
export function targetShare(kpi: Pick<Kpi, 'target'>, value: number): number {
  const t = kpi.target;
  switch (t.op) {
    case '>=':
      return t.value === 0 ? 1 : value / t.value;
    case '<=':
      return value <= t.value ? 1 : value === 0 ? 0 : t.value / value;
    case 'between':
      return t.min === 0 ? 1 : value / t.min;
  }
}

function targetFigure(kpi: Pick<Kpi, 'target'>): number | null {
  const t = kpi.target;
  if (t.op === '>=') return t.value;
  if (t.op === 'between') return t.min;
  return null;
}

/**
 * Where the expected pace (序时进度) of a KPI starts, or null when it is judged only at its deadline:
 * a flow from 0 at the plan's start; a stock from its declared baseline, never from 0 (850 lottery
 * outlets do not start the year at 0, so 100 on 1 February is not "ahead of pace").
 */
export function paceStart(
  plan: Pick<Plan, 'startDate'>,
  kpi: Pick<Kpi, 'pace' | 'measure' | 'baseline'>,
): { value: number; date: string } | null {
  if (kpi.pace !== 'linear') return null;
  if (kpi.measure === 'flow') return { value: 0, date: plan.startDate };
  return kpi.baseline ? { value: kpi.baseline.value, date: kpi.baseline.date ?? plan.startDate } : null;
}

/** True when the KPI takes part in its task's pace rule. */
export function isPaced(kpi: Pick<Kpi, 'pace' | 'measure' | 'baseline'>): boolean {
  return kpi.pace === 'linear' && (kpi.measure === 'flow' || kpi.baseline !== undefined);
}

/**
 * A KPI against its target as of `today`, in this order:
 * 1. `done` once met;
 * 2. after the deadline: `red`, or `yellow` for a stretch target (力争: missing it is a warning);
 * 3. `yellow` when a paced KPI trails the expected pace by more than the plan's margin (or has no
 *    figure once the period is under way); a stock below its baseline; a linear stock with a figure
 *    but no declared baseline (it cannot be judged on pace: the office must declare the start value);
 * 4. `green`.
 */
export function evaluateKpi(plan: PlanDates, kpi: KpiRule, dueDate: string, value: number | null, today: string): KpiEvaluation {
  const progress = value === null ? null : round(targetShare(kpi, value));
  const figure = targetFigure(kpi);
  const start = paceStart(plan, kpi);
  const share = elapsedShare(start?.date ?? plan.startDate, dueDate, today);
  const expected = start && figure !== null ? round(start.value + (figure - start.value) * share) : null;
  let paceShare: number | null = null;
  if (start && value !== null) {
    if (kpi.measure === 'stock' && figure !== null)
      paceShare = round(figure > start.value ? (value - start.value) / (figure - start.value) : 1);
    else paceShare = progress;
  }
  const done = (status: Light, reasons: string[]): KpiEvaluation => ({ value, progress, expected, paceShare, status, reasons });

  if (value !== null && meetsTarget(kpi, value)) return done('done', ['已完成目标']);
  if (today > dueDate) {
    const reason = `截至${formatChineseDate(dueDate)}未完成目标（${describeFigure(kpi, value)}）`;
    return kpi.stretch ? done('yellow', [`力争目标：${reason}，按力争目标提示`]) : done('red', [reason]);
  }
  if (kpi.measure === 'stock' && kpi.pace === 'linear' && !start && value !== null) {
    return done('yellow', [`存量指标尚无年初基数，现有${fmt(value)}${kpi.unit}无法按序时进度判断，请报送年初基数`]);
  }
  if (start && value !== null && value < start.value) {
    return done('yellow', [`现有${fmt(value)}${kpi.unit}，低于年初基数${fmt(start.value)}${kpi.unit}`]);
  }
  // A paced KPI with no figure counts as 0 (nothing reported is no progress); a KPI without a target
  // figure (a rank) is paced on its share of the target, as before.
  if (isPaced(kpi) && (paceShare ?? 0) < share - plan.status.paceMargin) {
    const now = value === null ? '尚未报送数据' : `现有${fmt(value)}${kpi.unit}`;
    return done('yellow', [expected === null ? `${now}，落后于序时进度` : `${now}，低于序时进度应达到的${fmt(expected)}${kpi.unit}`]);
  }
  return done('green', []);
}

export interface QuotaUnitEvaluation extends KpiEvaluation {
  orgId: string;
  reportedAt: string | null;
  perOrgTarget: number;
}

export interface QuotaEvaluation extends KpiEvaluation {
  /** The units with a quota (the KPI's reporting units), each against its own quota and pace. */
  units: QuotaUnitEvaluation[];
  /** How many of them meet their quota. */
  met: number;
}

/**
 * A KPI with a per-unit quota (8421: 8 primary schools per county), judged unit by unit: each
 * reporting unit against its own quota and its own pace, so that one county's 88 schools cannot stand
 * in for the other ten. The city KPI is `done` only when every unit meets its quota; after the
 * deadline `red` (stretch: `yellow`) otherwise; `yellow` while any unit trails its own pace; else
 * `green`. `value` stays the city total (for display); `progress` and the pace share are the mean of
 * the units' shares, each capped at 1.
 */
export function evaluateQuotaKpi(
  plan: PlanDates,
  kpi: KpiRule & { perOrgTarget: number },
  dueDate: string,
  figures: ReadonlyMap<string, { value: number; reportedAt: string }>,
  quotaUnits: readonly string[],
  today: string,
): QuotaEvaluation {
  // A unit's quota is a flow of its own: the city's baseline (if any) cannot be split among units.
  const unitRule: KpiRule = { ...kpi, target: { op: '>=', value: kpi.perOrgTarget }, baseline: undefined };
  const units = quotaUnits.map((orgId): QuotaUnitEvaluation => {
    const f = figures.get(orgId);
    return {
      orgId,
      reportedAt: f?.reportedAt ?? null,
      perOrgTarget: kpi.perOrgTarget,
      ...evaluateKpi(plan, unitRule, dueDate, f?.value ?? null, today),
    };
  });
  const reported = units.filter((u) => u.value !== null);
  const value = reported.length === 0 ? null : round(reported.reduce((s, u) => s + (u.value ?? 0), 0));
  const mean = (pick: (u: QuotaUnitEvaluation) => number | null) =>
    round(units.reduce((s, u) => s + Math.min(1, pick(u) ?? 0), 0) / Math.max(1, units.length));
  const city = evaluateKpi(plan, { ...kpi, baseline: undefined }, dueDate, value, today);
  const met = units.filter((u) => u.status === 'done').length;
  const word = quotaUnits.every((o) => findOrg(o)?.kind === 'county') ? '个县（市、区）' : '个单位';
  const tally = `${units.length}${word}中${met}个达到各自任务数（每个${fmt(kpi.perOrgTarget)}${kpi.unit}）`;
  const names = (light: Light) =>
    units
      .filter((u) => u.status === light)
      .map((u) => orgName(u.orgId))
      .join('、');
  let status: Light;
  const reasons = [tally];
  if (units.length > 0 && met === units.length) status = 'done';
  else if (today > dueDate) {
    status = kpi.stretch ? 'yellow' : 'red';
    reasons.push(
      `截至${formatChineseDate(dueDate)}未达到任务数：${units
        .filter((u) => u.status !== 'done')
        .map((u) => orgName(u.orgId))
        .join('、')}`,
    );
  } else if (units.some((u) => u.status === 'yellow')) {
    status = 'yellow';
    reasons.push(`落后于序时进度：${names('yellow')}`);
  } else status = 'green';
  return {
    value,
    progress: units.length === 0 ? null : mean((u) => u.progress),
    expected: city.expected,
    paceShare: isPaced(kpi) ? mean((u) => u.paceShare) : null,
    status,
    reasons,
    units,
    met,
  };
}

function describeFigure(kpi: Pick<Kpi, 'target' | 'unit'>, value: number | null): string {
  const t = kpi.target;
  const target =
    t.op === '>='
      ? `目标${fmt(t.value)}${kpi.unit}`
      : t.op === '<='
        ? `目标不超过${fmt(t.value)}${kpi.unit}`
        : `目标${fmt(t.min)}-${fmt(t.max)}${kpi.unit}`;
  return value === null ? `${target}，未报送数据` : `${target}，现有${fmt(value)}${kpi.unit}`;
}

function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
