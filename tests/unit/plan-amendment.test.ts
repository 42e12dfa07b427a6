import { describe, expect, it } from 'vitest';
import { evaluatePlan } from '../../shared/kpi/evaluate-plan.js';
import { amendedAsOf, applyChanges, checkChanges, type PlanAmendment } from '../../shared/plan/amendment.js';
import { planAmender } from '../../shared/plan/amender.js';
import { getPlan } from '../../shared/plan/catalog.js';
import { chineseWorkdayCalendar } from '../../shared/calendar/workdays.js';
import { reminderCandidates } from '../../shared/reminders/policy.js';

const plan = getPlan('jining-sports-2023')!;
const t08m1 = (p: typeof plan) => p.tasks.find((t) => t.taskId === 'T08')!.milestones.find((m) => m.milestoneId === 'T08-M1')!;

function amendment(version: number, effectiveFrom: string, changes: PlanAmendment['changes']): PlanAmendment {
  return {
    planId: plan.planId,
    version,
    effectiveFrom,
    reason: '督查室确认',
    changes,
    amendedAt: `${effectiveFrom}T02:00:00.000Z`,
    amendedBy: 'jwt:office',
  };
}

describe('applyChanges', () => {
  it('confirm_milestone: the date is ours no longer (assumption false), optionally moved', () => {
    expect(t08m1(plan)).toMatchObject({ dueDate: '2023-06-30', assumption: true });
    expect(t08m1(applyChanges(plan, [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }]))).toMatchObject({
      dueDate: '2023-06-30',
      assumption: false,
    });
    expect(t08m1(applyChanges(plan, [{ op: 'confirm_milestone', milestoneId: 'T08-M1', dueDate: '2023-09-30' }]))).toMatchObject({
      dueDate: '2023-09-30',
      assumption: false,
    });
    // The baseline is untouched.
    expect(t08m1(plan).assumption).toBe(true);
  });

  it('set_target: the office’s target, no longer an assumption; assign_units: the units, no longer assumed', () => {
    const amended = applyChanges(plan, [
      { op: 'set_target', kpiId: 'series-events-held', target: { op: '>=', value: 8 } },
      { op: 'assign_units', taskId: 'T06', leadOrgIds: ['jn-mass-sports'], supportOrgIds: ['370811'] },
    ]);
    const kpi = amended.tasks.flatMap((t) => t.kpis).find((k) => k.kpiId === 'series-events-held')!;
    expect(kpi).toMatchObject({ target: { op: '>=', value: 8 }, assumption: false });
    expect(kpi.note).toBeUndefined();
    expect(amended.tasks.find((t) => t.taskId === 'T06')).toMatchObject({
      leadOrgIds: ['jn-mass-sports'],
      supportOrgIds: ['370811'],
      orgAssignmentAssumed: false,
    });
  });
});

describe('checkChanges: every issue, at its change', () => {
  it('accepts changes the plan allows', () => {
    expect(
      checkChanges(plan, [
        { op: 'confirm_milestone', milestoneId: 'T08-M1' },
        { op: 'set_target', kpiId: 'lottery-sales', target: { op: '>=', value: 85000 } },
      ]),
    ).toEqual([]);
  });

  it('names unknown ids, a date after the task or outside the year, a unit not in the directory, lead and support at once', () => {
    const issues = checkChanges(plan, [
      { op: 'confirm_milestone', milestoneId: 'T08-M7' },
      { op: 'confirm_milestone', milestoneId: 'T08-M1', dueDate: '2024-01-15' },
      { op: 'set_target', kpiId: 'no-such-kpi', target: { op: '>=', value: 1 } },
      { op: 'set_target', kpiId: 'venue-subsidy-rank', target: { op: '>=', value: 3 } },
      { op: 'assign_units', taskId: 'T06', leadOrgIds: ['jn-nowhere', 'jn-mass-sports'], supportOrgIds: ['jn-mass-sports'] },
      { op: 'assign_units', taskId: 'T77', leadOrgIds: ['jn-mass-sports'] },
    ]);
    expect(issues.map((i) => i.path)).toEqual([
      'changes.0.milestoneId',
      'changes.1.dueDate',
      'changes.2.kpiId',
      'changes.3.target',
      'changes.4.leadOrgIds.0',
      'changes.4.supportOrgIds',
      'changes.5.taskId',
    ]);
    expect(issues[1]!.message).toBe('T08-M1 would be due 2024年1月15日, after its task T08 (2023年12月31日)');
  });

  it('judges each change on the plan as the earlier ones left it', () => {
    // T22's lottery centre gives a figure: removing it is refused; a later change does not see an earlier refused one applied.
    const issues = checkChanges(plan, [{ op: 'assign_units', taskId: 'T22', supportOrgIds: [] }]);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]!.message).toMatch(/jn-lottery-center .* would no longer be a unit of T22/);
    const moved = checkChanges(plan, [
      { op: 'confirm_milestone', milestoneId: 'T08-M1', dueDate: '2023-09-30' },
      { op: 'confirm_milestone', milestoneId: 'T08-M1' },
    ]);
    expect(moved).toEqual([]);
  });
});

describe('the plan as of a date', () => {
  const confirm = amendment(2, '2023-07-03', [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }]);
  const target = amendment(3, '2023-08-01', [{ op: 'set_target', kpiId: 'lottery-sales', target: { op: '>=', value: 85000 } }]);

  it('applies the amendments effective on or before the date, in version order; version 1 before any', () => {
    expect(amendedAsOf(plan, [target, confirm], '2023-07-02').version).toBe(1);
    expect(amendedAsOf(plan, [target, confirm], '2023-07-02')).toBe(plan);
    const july = amendedAsOf(plan, [target, confirm], '2023-07-03');
    expect(july.version).toBe(2);
    expect(t08m1(july).assumption).toBe(false);
    expect(july.tasks.flatMap((t) => t.kpis).find((k) => k.kpiId === 'lottery-sales')!.target).toEqual({ op: '>=', value: 90000 });
    expect(amendedAsOf(plan, [target, confirm], '2023-08-01').version).toBe(3);
  });

  it('a confirmed T08-M1 is a real date for the lights from then on: red, no longer 节点日期待确认', () => {
    const state = { figures: [], units: [] };
    const before = evaluatePlan(amendedAsOf(plan, [confirm], '2023-07-02'), state, [], '2023-07-02');
    const t08before = before.tasks.find((t) => t.taskId === 'T08')!;
    expect(t08before.reasons).toContain('节点日期待确认：T08-M1（市体育总会换届）暂定2023年6月30日前完成，尚未报送完成');
    expect(t08before.status).toBe('yellow');
    const after = evaluatePlan(amendedAsOf(plan, [confirm], '2023-07-05'), state, [], '2023-07-05');
    const t08 = after.tasks.find((t) => t.taskId === 'T08')!;
    expect(t08.status).toBe('red');
    expect(t08.reasons).toContain('节点T08-M1（市体育总会换届）已逾期（应于2023年6月30日前完成）');
    expect(t08.milestones.find((m) => m.milestoneId === 'T08-M1')).toMatchObject({ assumption: false });
  });

  it('and for the reminders: overdue and escalated, where an assumed date was never an alarm', () => {
    const calendar = chineseWorkdayCalendar();
    const overdueT08M1 = (p: typeof plan) =>
      reminderCandidates({ plan: p, today: '2023-07-06', calendar, units: [], reported: new Set() })
        .filter((c) => c.item.milestoneId === 'T08-M1')
        .map((c) => c.item.kind)
        .sort();
    expect(overdueT08M1(plan)).toEqual([]);
    expect(overdueT08M1(amendedAsOf(plan, [confirm], '2023-07-06'))).toEqual(['escalation', 'overdue']);
  });
});

describe('planAmender: amendments read once, kept a short while', () => {
  it('reads the store once per TTL per plan; a failed read is not kept', async () => {
    let calls = 0;
    let fail = false;
    let at = 0;
    const store = {
      list: async () => {
        calls++;
        if (fail) throw new Error('throttled');
        return [amendment(2, '2023-07-03', [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }])];
      },
    };
    const amender = planAmender(store, { ttlMs: 60_000, now: () => at });
    expect((await amender.asOf(plan, '2023-07-05')).version).toBe(2);
    expect((await amender.latest(plan)).version).toBe(2);
    expect(calls).toBe(1);
    at = 60_000;
    fail = true;
    await expect(amender.asOf(plan, '2023-07-05')).rejects.toThrow('throttled');
    fail = false;
    expect((await amender.asOf(plan, '2023-07-05')).version).toBe(2);
    expect(calls).toBe(3);
    // ttl 0: every call reads.
    const fresh = planAmender(store, { ttlMs: 0 });
    await fresh.asOf(plan, '2023-07-05');
    await fresh.asOf(plan, '2023-07-05');
    expect(calls).toBe(5);
  });

  it('builds the plan of a day once per read of the amendments (ingest and the consumers ask on every message)', async () => {
    let at = 0;
    let version = 2;
    const amender = planAmender(
      { list: async () => [amendment(version, '2023-07-03', [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }])] },
      { ttlMs: 60_000, now: () => at },
    );
    const first = await amender.asOf(plan, '2023-07-05');
    expect(await amender.asOf(plan, '2023-07-05')).toBe(first);
    expect(t08m1(first).assumption).toBe(false);
    // Another day is another plan; a day before the amendment is the baseline itself.
    expect(await amender.asOf(plan, '2023-07-06')).not.toBe(first);
    expect(await amender.asOf(plan, '2023-07-01')).toBe(plan);
    // Once the amendments are read again, the plan is built from them.
    version = 3;
    at = 60_000;
    const next = await amender.asOf(plan, '2023-07-05');
    expect(next).not.toBe(first);
    expect(next.version).toBe(3);
  });
});
