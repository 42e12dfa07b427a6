import type { ProgressSubmittedDetail } from '../events/schemas.js';
import type { Plan } from '../shared/plan/schema.js';

export type Random = () => number;

/** A seeded PRNG (mulberry32): the same sizes and seed give the same load on every commit. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` progress reports spread over every (task with a summed KPI, reporting unit) pair of the plan,
 * so that 1× already touches every pair and higher factors only add reports, not pairs: what grows is
 * the traffic, not the plan.
 */
export function reportLoad(plan: Plan, count: number, random: Random, maxPairs = Infinity): ProgressSubmittedDetail[] {
  const pairs = reportingPairs(plan).slice(0, maxPairs);
  return build(plan, pairs, count, random);
}

/** Every (task, reporting unit) pair of the plan, with the task's first summed KPI if it has one. */
export function reportingPairs(plan: Plan) {
  return plan.tasks.flatMap((t) => {
    const kpi = t.kpis.find((k) => k.aggregation.kind === 'sum_latest');
    return [...t.leadOrgIds, ...t.supportOrgIds].map((orgId) => ({ task: t, orgId, kpiId: kpi?.kpiId }));
  });
}

function build(plan: Plan, pairs: ReturnType<typeof reportingPairs>, count: number, random: Random): ProgressSubmittedDetail[] {
  const out: ProgressSubmittedDetail[] = [];
  for (let i = 0; i < count; i++) {
    const p = pairs[i % pairs.length]!;
    const day = 1 + Math.floor(random() * 180);
    const reportedAt = new Date(Date.UTC(2023, 0, day, Math.floor(random() * 10))).toISOString();
    out.push({
      planId: plan.planId,
      taskId: p.task.taskId,
      orgId: p.orgId,
      reportedAt,
      period: reportedAt.slice(0, 7),
      status: 'in_progress',
      percentComplete: Math.floor(random() * 100),
      metrics: p.kpiId ? [{ kpiId: p.kpiId, value: Math.floor(random() * 50) }] : [],
      summary: '按计划推进',
      evidence: [],
      sourceId: 'bench',
      webhookId: `load_${i}`,
      receivedAt: reportedAt,
      timestamp: reportedAt,
    });
  }
  return out;
}
