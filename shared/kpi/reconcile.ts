import type { KpiFigure, PlanState, StoredReport, UnitTaskRecord } from '../ports/state.js';

/** The last-writer-wins order of a report: (reportedAt as an instant, webhookId). */
export function reportOrder(r: Pick<StoredReport, 'reportedAt' | 'webhookId'>): string {
  return `${new Date(r.reportedAt).toISOString()}#${r.webhookId}`;
}

/**
 * The current state a set of reports implies, computed from scratch: for each (KPI, unit) and
 * (task, unit), the report with the greatest order wins. Duplicates and arrival order do not matter.
 */
export function replayReports(reports: Iterable<StoredReport>): PlanState {
  const figures = new Map<string, { order: string; figure: KpiFigure }>();
  const units = new Map<string, { order: string; unit: UnitTaskRecord }>();
  for (const r of reports) {
    const order = reportOrder(r);
    for (const m of r.metrics) {
      const key = `${m.kpiId}#${r.orgId}`;
      const cur = figures.get(key);
      if (!cur || cur.order < order) {
        figures.set(key, { order, figure: { kpiId: m.kpiId, orgId: r.orgId, value: m.value, reportedAt: r.reportedAt, webhookId: r.webhookId } });
      }
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
          completedMilestoneIds: r.completedMilestoneIds ?? [],
          period: r.period,
          reportedAt: r.reportedAt,
          webhookId: r.webhookId,
        },
      });
    }
  }
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
  compare('figure', stored.figures, expected.figures, (f) => `${f.kpiId}#${f.orgId}`, (f) => ({ value: f.value, webhookId: f.webhookId }));
  compare(
    'unitTask',
    stored.units,
    expected.units,
    (u) => `${u.taskId}#${u.orgId}`,
    (u) => ({ status: u.status, percentComplete: u.percentComplete ?? null, webhookId: u.webhookId }),
  );
  return drift;
}
