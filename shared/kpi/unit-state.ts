import type { KpiFigure, StoredReport, UnitTaskRecord } from '../ports/state.js';
import { messageOrder } from './order.js';

/** Which report a value came from: enough to rebuild its last-writer-wins order (`messageOrder`). */
export interface Provenance {
  reportedAt: string;
  sourceId: string;
  webhookId: string;
}

/**
 * A unit's whole current state on one task, kept as one item so that a report costs one write:
 * its standing (from its greatest report), each KPI figure (from the greatest report that carries
 * that KPI), its completed milestones (from the greatest report that carries the set) and every
 * period it has reported for. Each part keeps the provenance of the report it came from, so each
 * moves only forward in `messageOrder`, whatever the order reports arrive in.
 */
export interface UnitTaskState {
  taskId: string;
  orgId: string;
  head: Provenance & { status: StoredReport['status']; percentComplete: number | null; period: string };
  /** kpiId → figure. */
  figures: Record<string, Provenance & { value: number }>;
  /** Absent until a report carries `completedMilestoneIds`. */
  milestones?: Provenance & { ids: string[] };
  /** Every period the unit has reported for on this task, sorted (for 催报). */
  periods: string[];
}

const orderOf = (p: Provenance) => messageOrder(p.reportedAt, p.sourceId, p.webhookId);

/**
 * The state after `report`, or `undefined` when the report changes nothing — a redelivery, or a
 * report older than everything it says (its figures, status and milestones are all superseded and
 * its period is already known). Pure and idempotent: applying the same report twice is applying it
 * once, and any arrival order of a set of reports ends in the same state as `replayReports`.
 */
export function mergeReport(current: UnitTaskState | undefined, report: StoredReport): UnitTaskState | undefined {
  const from: Provenance = { reportedAt: report.reportedAt, sourceId: report.sourceId, webhookId: report.webhookId };
  const order = orderOf(from);
  let changed = current === undefined;
  const next: UnitTaskState = current
    ? { ...current, figures: { ...current.figures }, periods: [...current.periods] }
    : { taskId: report.taskId, orgId: report.orgId, head: headOf(report, from), figures: {}, periods: [] };

  if (current && orderOf(current.head) < order) {
    next.head = headOf(report, from);
    changed = true;
  }
  for (const m of report.metrics) {
    const cur = next.figures[m.kpiId];
    if (!cur || orderOf(cur) < order) {
      next.figures[m.kpiId] = { value: m.value, ...from };
      changed = true;
    }
  }
  // Absent = no change; present = the unit's whole set, ordered on its own: a later report without
  // the field must not clear it, an earlier report with it arriving late must not be shadowed.
  if (report.completedMilestoneIds !== undefined && (!next.milestones || orderOf(next.milestones) < order)) {
    next.milestones = { ids: [...report.completedMilestoneIds], ...from };
    changed = true;
  }
  if (!next.periods.includes(report.period)) {
    next.periods = [...next.periods, report.period].sort();
    changed = true;
  }
  return changed ? next : undefined;
}

function headOf(report: StoredReport, from: Provenance): UnitTaskState['head'] {
  return { status: report.status, percentComplete: report.percentComplete ?? null, period: report.period, ...from };
}

/** The records the evaluation reads (`PlanState`) from one unit's state. */
export function recordsOf(state: UnitTaskState): { unit: UnitTaskRecord; figures: KpiFigure[] } {
  const { head } = state;
  return {
    unit: {
      taskId: state.taskId,
      orgId: state.orgId,
      status: head.status,
      percentComplete: head.percentComplete,
      completedMilestoneIds: state.milestones?.ids ?? [],
      period: head.period,
      reportedAt: head.reportedAt,
      sourceId: head.sourceId,
      webhookId: head.webhookId,
    },
    figures: Object.entries(state.figures).map(([kpiId, f]) => ({
      kpiId,
      orgId: state.orgId,
      value: f.value,
      reportedAt: f.reportedAt,
      sourceId: f.sourceId,
      webhookId: f.webhookId,
    })),
  };
}
