import { Plan } from './schema.js';
import { jiningSports2023 } from './plans/jining-sports-2023.js';
import { findOrg } from '../org/directory.js';
import { PlanDataError } from './errors.js';

/** Every plan the system supervises, validated once at load. Add a plan by adding its data file here. */
const PLAN_SOURCES = [jiningSports2023];

function load(): Map<string, Plan> {
  const plans = new Map<string, Plan>();
  for (const source of PLAN_SOURCES) {
    const result = Plan.safeParse(source);
    if (!result.success) {
      throw new PlanDataError(
        `plan ${source.planId} is invalid: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const plan = result.data;
    for (const task of plan.tasks) {
      for (const orgId of [...task.leadOrgIds, ...task.supportOrgIds]) {
        if (!findOrg(orgId)) throw new PlanDataError(`plan ${plan.planId} ${task.taskId} names unknown org ${orgId}`);
      }
      for (const kpi of task.kpis) {
        if (kpi.aggregation.kind === 'latest_of_org' && !findOrg(kpi.aggregation.orgId)) {
          throw new PlanDataError(`plan ${plan.planId} kpi ${kpi.kpiId} names unknown org ${kpi.aggregation.orgId}`);
        }
      }
    }
    plans.set(plan.planId, plan);
  }
  return plans;
}

const PLANS = load();

export function listPlans(): Plan[] {
  return [...PLANS.values()];
}

export function getPlan(planId: string): Plan | undefined {
  return PLANS.get(planId);
}

export function findTask(plan: Plan, taskId: string) {
  return plan.tasks.find((t) => t.taskId === taskId);
}

export function allKpis(plan: Plan) {
  return plan.tasks.flatMap((t) => t.kpis);
}
