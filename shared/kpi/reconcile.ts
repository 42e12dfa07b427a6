import type { KpiFigure, PlanState, StoredReport, UnitTaskRecord } from '../ports/state.js';
import { reportOrder } from './order.js';

export { reportOrder };

/**
 * The current state a set of reports implies, computed from scratch: for each (KPI, unit) and
 * (task, unit), the report with the greatest order wins; a unit's completed milestones come from the
 * greatest report that carries the set (a report without `completedMilestoneIds` changes nothing).
 * Duplicates and arrival order do not matter. Rows of any age replay: the order is rebuilt from the
 * row's own reportedAt, sourceId and webhookId, never from its key.
 */
export function replayReports(reports: Iterable<StoredReport>): PlanState {
  const figures = new Map<string, { order: string; figure: KpiFigure }>();
  const units = new Map<string, { order: string; unit: UnitTaskRecord }>();
  const milestones = new Map<string, { order: string; ids: string[] }>();
  for (const r of reports) {
    const order = reportOrder(r);
    for (const m of r.metrics) {
      const key = `${m.kpiId}#${r.orgId}`;
      const cur = figures.get(key);
      if (!cur || cur.order < order) {
        figures.set(key, {
          order,
          figure: {
            kpiId: m.kpiId,
            orgId: r.orgId,
            value: m.value,
            reportedAt: r.reportedAt,
            sourceId: r.sourceId,
            webhookId: r.webhookId,
          },
        });
      }
    }
    if (r.completedMilestoneIds !== undefined) {
      const key = `${r.taskId}#${r.orgId}`;
      const cur = milestones.get(key);
      if (!cur || cur.order < order) milestones.set(key, { order, ids: r.completedMilestoneIds });
    }
    const key = `${r.taskId}#${r.orgId}`;
    const cur = units.get(key);
    if (!cur || cur.order < order) {
      units.set(key, {
        order,
        unit: {
          taskId: r.taskId,
          orgId: r.orgId,
          status: r.status,
          percentComplete: r.percentComplete ?? null,
          completedMilestoneIds: [],
          period: r.period,
          reportedAt: r.reportedAt,
          sourceId: r.sourceId,
          webhookId: r.webhookId,
        },
      });
    }
  }
  for (const [key, v] of units) v.unit.completedMilestoneIds = milestones.get(key)?.ids ?? [];
  return { figures: [...figures.values()].map((v) => v.figure), units: [...units.values()].map((v) => v.unit) };
}

export interface Drift {
  kind: 'figure' | 'unitTask';
  key: string;
  stored: unknown;
  expected: unknown;
}

/** Differences between the stored aggregates and what the audit trail implies. */
export function findDrift(stored: PlanState, expected: PlanState): Drift[] {
  const drift: Drift[] = [];
  const compare = <T>(kind: Drift['kind'], a: T[], b: T[], keyOf: (x: T) => string, view: (x: T) => unknown) => {
    const left = new Map(a.map((x) => [keyOf(x), view(x)]));
    const right = new Map(b.map((x) => [keyOf(x), view(x)]));
    for (const key of new Set([...left.keys(), ...right.keys()])) {
      const s = left.get(key);
      const e = right.get(key);
      if (JSON.stringify(s) !== JSON.stringify(e)) drift.push({ kind, key, stored: s ?? null, expected: e ?? null });
    }
  };
  compare(
    'figure',
    stored.figures,
    expected.figures,
    (f) => `${f.kpiId}#${f.orgId}`,
    (f) => ({ value: f.value, webhookId: f.webhookId }),
  );
  compare(
    'unitTask',
    stored.units,
    expected.units,
    (u) => `${u.taskId}#${u.orgId}`,
    (u) => ({
      status: u.status,
      percentComplete: u.percentComplete ?? null,
      completedMilestoneIds: [...(u.completedMilestoneIds ?? [])].sort(),
      webhookId: u.webhookId,
    }),
  );
  return drift;
}
