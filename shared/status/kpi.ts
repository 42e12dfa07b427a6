import type { Kpi, Plan } from '../plan/schema.js';
import { daysBetween } from '../time/local-date.js';
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
  /** The figure expected by now at a linear pace; null when the KPI is judged only at its deadline. */
  expected: number | null;
  status: Light;
}

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
 * A KPI against its target as of `today`: `done` once met, `red` when the task's deadline has
 * passed unmet, `yellow` when a linear KPI trails the expected figure by more than the plan's margin
 * (or has no figure once the period is under way), otherwise `green`.
 */
export function evaluateKpi(plan: Pick<Plan, 'startDate' | 'status'>, kpi: Kpi, dueDate: string, value: number | null, today: string): KpiEvaluation {
  const share = elapsedShare(plan.startDate, dueDate, today);
  const figure = targetFigure(kpi);
  const expected = kpi.pace === 'linear' && figure !== null ? round(figure * share) : null;
  const progress = value === null ? null : round(targetShare(kpi, value));
  let status: Light;
  if (value !== null && meetsTarget(kpi, value)) {
    status = 'done';
  } else if (today > dueDate) {
    status = 'red';
  } else if (kpi.pace === 'linear' && (progress ?? 0) < share - plan.status.paceMargin) {
    status = 'yellow';
  } else {
    status = 'green';
  }
  return { value, progress, expected, status };
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
