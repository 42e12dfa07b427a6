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
  // The amended plan of a day, built once per read of the amendments: ingest and the consumers ask for
  // it on every message, and building it (applying the changes) costs as much as the rest of ingest.
  const built = new WeakMap<Plan, WeakMap<readonly PlanAmendment[], Map<string, Plan>>>();
  const amendedOn = (base: Plan, rows: readonly PlanAmendment[], asOf: string): Plan => {
    let byRows = built.get(base);
    if (!byRows) built.set(base, (byRows = new WeakMap<readonly PlanAmendment[], Map<string, Plan>>()));
    let byDay = byRows.get(rows);
    if (!byDay) byRows.set(rows, (byDay = new Map<string, Plan>()));
    let plan = byDay.get(asOf);
    if (!plan) byDay.set(asOf, (plan = amendedAsOf(base, rows, asOf)));
    return plan;
  };
  return {
    asOf: async (base, asOf) => amendedOn(base, await amendments(base.planId), asOf),
    latest: async (base) => amendedLatest(base, await amendments(base.planId)),
    amendments,
  };
}
