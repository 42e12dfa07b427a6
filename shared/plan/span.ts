import type { Plan } from './schema.js';

/**
 * The dates a plan can be asked about or reported in: its own year, and one year either side (a
 * December report sent in January, a draft dated the year before). Anything beyond is a mistake,
 * refused at every boundary — a webhook's instants (422) and the read API's date parameters (400) —
 * so that no stored value sorts wrongly and no request walks a calendar for centuries.
 */
export const PLAN_YEAR_MARGIN = 1;

export interface PlanSpan {
  first: string;
  last: string;
}

export function planSpan(plan: Pick<Plan, 'year'>): PlanSpan {
  return { first: `${plan.year - PLAN_YEAR_MARGIN}-01-01`, last: `${plan.year + PLAN_YEAR_MARGIN}-12-31` };
}

export function withinPlanSpan(plan: Pick<Plan, 'year'>, date: string): boolean {
  const { first, last } = planSpan(plan);
  return date >= first && date <= last;
}
