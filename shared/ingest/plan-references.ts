import type { WebhookEnvelope } from '../../events/schemas.js';
import { getPlan } from '../plan/catalog.js';
import type { Plan } from '../plan/schema.js';

export interface ReferenceIssue {
  path: string;
  message: string;
}

/**
 * What a well-formed message names that the plan does not have (→ 422): an unknown plan or task, a
 * KPI that is not the task's (or is counted from registered events, not reported), a milestone of
 * another task, a linked task that does not exist.
 */
export function checkPlanReferences(envelope: WebhookEnvelope, plans: (planId: string) => Plan | undefined = getPlan): ReferenceIssue[] {
  const data = envelope.data;
  const plan = plans(data.planId);
  if (!plan) return [{ path: 'data.planId', message: `unknown plan ${data.planId}` }];
  const issues: ReferenceIssue[] = [];
  if (envelope.type === 'progress.submitted') {
    const d = envelope.data;
    const task = plan.tasks.find((t) => t.taskId === d.taskId);
    if (!task) return [{ path: 'data.taskId', message: `plan ${plan.planId} has no task ${d.taskId}` }];
    d.metrics.forEach((m, i) => {
      const kpi = task.kpis.find((k) => k.kpiId === m.kpiId);
      if (!kpi) {
        issues.push({ path: `data.metrics.${i}.kpiId`, message: `${m.kpiId} is not a KPI of ${task.taskId}` });
      } else if (kpi.aggregation.kind === 'count_held_events') {
        issues.push({ path: `data.metrics.${i}.kpiId`, message: `${m.kpiId} is counted from registered events (event.registered), not reported` });
      }
    });
    (d.completedMilestoneIds ?? []).forEach((id, i) => {
      if (!task.milestones.some((m) => m.milestoneId === id)) {
        issues.push({ path: `data.completedMilestoneIds.${i}`, message: `${id} is not a milestone of ${task.taskId}` });
      }
    });
  } else {
    envelope.data.taskIds.forEach((taskId, i) => {
      if (!plan.tasks.some((t) => t.taskId === taskId)) issues.push({ path: `data.taskIds.${i}`, message: `plan ${plan.planId} has no task ${taskId}` });
    });
  }
  return issues;
}
