import type { TrendItem } from '../api/trend.js';
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
  /** Stores the day's snapshot and, beside it, the day's compact trend item. */
  putSnapshot(snapshot: PlanSnapshot): Promise<void>;
  /** Snapshots with `from ≤ date ≤ to`, oldest first. */
  listSnapshots(planId: string, from: string, to: string): Promise<PlanSnapshot[]>;
  /** The trend items with `from ≤ date ≤ to`, oldest first (what `GET …/snapshots` serves). */
  listTrend(planId: string, from: string, to: string): Promise<TrendItem[]>;
}
