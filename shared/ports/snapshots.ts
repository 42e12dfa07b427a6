import type { PlanView } from '../kpi/evaluate-plan.js';

/** One stored daily snapshot of a plan (a re-run of the same day replaces it). */
export interface PlanSnapshot {
  planId: string;
  /** The business date (Asia/Shanghai) the snapshot describes. */
  date: string;
  createdAt: string;
  view: PlanView;
}

export interface SnapshotStore {
  putSnapshot(snapshot: PlanSnapshot): Promise<void>;
  /** Snapshots with `from ≤ date ≤ to`, oldest first. */
  listSnapshots(planId: string, from: string, to: string): Promise<PlanSnapshot[]>;
}
