import type { PlanAmendment } from '../plan/amendment.js';

/** The office's plan amendments (计划调整), one row per version, written once. */
export interface AmendmentStore {
  /** Writes the amendment unless its version exists (another amendment took it): then `conflict`. */
  append(amendment: PlanAmendment): Promise<'recorded' | 'conflict'>;
  /** The plan's amendments, oldest version first. */
  list(planId: string): Promise<PlanAmendment[]>;
}

export type AmendmentReader = Pick<AmendmentStore, 'list'>;
