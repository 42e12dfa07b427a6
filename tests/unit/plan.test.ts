import { describe, expect, it } from 'vitest';
import { getPlan, listPlans } from '../../shared/plan/catalog.js';
import { Plan } from '../../shared/plan/schema.js';
import { jiningSports2023 } from '../../shared/plan/plans/jining-sports-2023.js';

describe('the 2023 plan as data', () => {
  const plan = getPlan('jining-sports-2023')!;

  it('validates against the schema', () => {
    expect(Plan.safeParse(jiningSports2023).success).toBe(true);
    expect(listPlans().map((p) => p.planId)).toContain('jining-sports-2023');
  });

  it('has the 27 items T01…T27 in 6 sections', () => {
    expect(plan.tasks.map((t) => t.taskId)).toEqual(Array.from({ length: 27 }, (_, i) => `T${String(i + 1).padStart(2, '0')}`));
    expect(plan.sections).toHaveLength(6);
    expect(new Set(plan.tasks.map((t) => t.sectionId))).toEqual(new Set(['S1', 'S2', 'S3', 'S4', 'S5', 'S6']));
    expect(plan.tasks[0]!.title).toBe('强化理论武装');
  });
});
