import type { AmendmentReader } from '../ports/amendments.js';
import { amendedAsOf, amendedLatest, type PlanAmendment } from './amendment.js';
import type { Plan } from './schema.js';

/**
 * The plan as amended (计划调整), for every function that judges against the plan: the baseline from
 * the catalog (code) with the office's amendments read from the table. Amendments are read once per
 * plan and kept `ttlMs` (default 60 s): a warm function sees a new amendment within that time, and the
 * hot paths (ingest, consumers) read the partition at most once a minute, not per message.
 */
export interface PlanAmender {
  /** `base` with the amendments effective on or before `asOf` (a business date in its time zone). */
  asOf(base: Plan, asOf: string): Promise<Plan>;
  /** `base` with every amendment (what a new amendment is checked against). */
  latest(base: Plan): Promise<Plan>;
  /** The plan's amendments, oldest version first. */
  amendments(planId: string): Promise<PlanAmendment[]>;
}

/** No amendments: every plan reads as its baseline (tests, and functions that never judge against a plan's changes). */
export const baselineOnly: PlanAmender = {
  asOf: async (base) => base,
  latest: async (base) => base,
  amendments: async () => [],
};

export function planAmender(store: AmendmentReader, options: { ttlMs?: number; now?: () => number } = {}): PlanAmender {
  const ttlMs = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; rows: Promise<PlanAmendment[]> }>();
  const amendments = (planId: string): Promise<PlanAmendment[]> => {
    const hit = cache.get(planId);
    if (hit && now() - hit.at < ttlMs) return hit.rows;
    const rows = store.list(planId);
    cache.set(planId, { at: now(), rows });
    // A failed read is not kept: the next call tries again.
    rows.catch(() => cache.delete(planId));
    return rows;
  };
  return {
    asOf: async (base, asOf) => amendedAsOf(base, await amendments(base.planId), asOf),
    latest: async (base) => amendedLatest(base, await amendments(base.planId)),
    amendments,
  };
}
