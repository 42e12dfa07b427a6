import { describe, expect, it } from 'vitest';
import type { Kpi, Milestone, StatusConfig } from '../../shared/plan/schema.js';
import { elapsedShare } from '../../shared/status/kpi.js';
import {
  completedMilestones,
  heldEventCompletes,
  isTaskDone,
  taskLight,
  taskProgress,
  unitLight,
  type EventRef,
  type TaskLightInput,
  type UnitLightInput,
  type UnitTaskState,
} from '../../shared/status/light.js';
import { getPlan, findTask } from '../../shared/plan/catalog.js';

/**
 * A small period chosen so the arithmetic is exact: 2023-01-01 … 2023-01-20 is 20 days, so on
 * 2023-01-10 the elapsed share is exactly 0.5; with paceMargin 0.25 the pace threshold is 0.25.
 */
const START = '2023-01-01';
const DUE = '2023-01-20';
const STATUS: StatusConfig = { paceMargin: 0.25, dueSoonDays: 3 };

function kpi(kpiId: string, pace: 'linear' | 'none' = 'linear'): Kpi {
  return {
    kpiId,
    taskId: 'T01',
    name: kpiId,
    unit: '个',
    target: { op: '>=', value: 100 },
    aggregation: { kind: 'sum_latest' },
    pace,
    measure: 'flow',
    stretch: false,
    assumption: false,
    source: 'test',
  };
}

function milestone(milestoneId: string, dueDate: string): Milestone {
  return { milestoneId, title: milestoneId, dueDate, assumption: false };
}

function unit(orgId: string, status: UnitTaskState['status'], extra: Partial<UnitTaskState> = {}): UnitTaskState {
  return { orgId, status, reportedAt: '2023-01-01T09:00:00+08:00', ...extra };
}

/** A completion claim with the office's review: 销号 (approved), 待销号 (pending) or 退回 (returned). */
function claim(orgId: string, state: 'approved' | 'pending' | 'returned', extra: Partial<UnitTaskState> = {}): UnitTaskState {
  const reportedAt = '2023-01-01T09:00:00+08:00';
  const decided =
    state === 'pending'
      ? {}
      : { decidedAt: '2023-01-02T09:00:00+08:00', decidedBy: 'office', comment: state === 'returned' ? '佐证材料不全' : null };
  return { orgId, status: 'completed', reportedAt, review: { state, claimedReportedAt: reportedAt, ...decided }, ...extra };
}

interface Case {
  today: string;
  leads?: string[];
  supports?: string[];
  milestones?: Milestone[];
  kpis?: Kpi[];
  kpiProgress?: Record<string, number>;
  units?: UnitTaskState[];
  status?: StatusConfig;
  events?: EventRef[];
}

function input(c: Case): TaskLightInput {
  return {
    plan: { startDate: START, status: c.status ?? STATUS },
    task: {
      taskId: 'T01',
      dueDate: DUE,
      leadOrgIds: c.leads ?? ['lead-a'],
      supportOrgIds: c.supports ?? ['support-b'],
      milestones: c.milestones ?? [],
      kpis: c.kpis ?? [],
    },
    kpiProgress: new Map(Object.entries(c.kpiProgress ?? {})),
    units: c.units ?? [],
    ...(c.events ? { events: c.events } : {}),
    today: c.today,
  };
}

/** A lead that is exactly on pace for `today` (so only the date rules can turn the light). */
function onPace(today: string): UnitTaskState[] {
  return [unit('lead-a', 'in_progress', { percentComplete: elapsedShare(START, DUE, today) * 100 })];
}

describe('taskLight: the due date', () => {
  // dueSoonDays = 3: yellow from 2023-01-17 (3 days left) to the due date, red from the day after.
  it.each([
    ['2023-01-15', 'green', '5 days left'],
    ['2023-01-16', 'green', 'dueSoonDays + 1 days left'],
    ['2023-01-17', 'yellow', 'exactly dueSoonDays left'],
    ['2023-01-19', 'yellow', 'the day before'],
    ['2023-01-20', 'yellow', 'on the due date'],
    ['2023-01-21', 'red', 'the day after'],
    ['2023-03-01', 'red', 'long after'],
  ] as const)('%s → %s (%s)', (today, light, _why) => {
    expect(taskLight(input({ today, units: onPace(today) })).light).toBe(light);
  });

  it('says why, as the office writes it: the days left, or since when it is overdue', () => {
    expect(taskLight(input({ today: '2023-01-19', units: onPace('2023-01-19') })).reasons).toEqual([
      '临近办结时限（2023年1月20日，还有1天）',
    ]);
    expect(taskLight(input({ today: '2023-01-21', units: onPace('2023-01-21') })).reasons).toEqual(['任务已逾期（办结时限2023年1月20日）']);
  });

  it('dueSoonDays 0 makes only the due date itself yellow', () => {
    const status = { paceMargin: 0.25, dueSoonDays: 0 };
    expect(taskLight(input({ today: '2023-01-19', status, units: onPace('2023-01-19') })).light).toBe('green');
    expect(taskLight(input({ today: '2023-01-20', status, units: onPace('2023-01-20') })).light).toBe('yellow');
  });
});

describe('taskLight: the expected pace (序时进度)', () => {
  // On 2023-01-10 expected = 0.5, threshold = 0.5 - 0.25 = 0.25.
  const today = '2023-01-10';

  it('computes the expected share of the period', () => {
    expect(taskLight(input({ today })).expected).toBe(0.5);
  });

  it.each([
    [0.5, 'green', 'on pace'],
    [0.3, 'green', 'behind but within the margin'],
    [0.25, 'green', 'exactly expected − paceMargin'],
    [0.2499, 'yellow', 'just below expected − paceMargin'],
    [0, 'yellow', 'nothing done'],
  ] as const)('KPI progress %s → %s (%s)', (progress, light, _why) => {
    const result = taskLight(input({ today, kpis: [kpi('k1')], kpiProgress: { k1: progress } }));
    expect(result.progress).toBe(progress);
    expect(result.light).toBe(light);
  });

  it.each([
    [25, 'green', 'exactly expected − paceMargin'],
    [24, 'yellow', 'below expected − paceMargin'],
  ] as const)('lead percentComplete %s%% → %s (%s)', (percentComplete, light, _why) => {
    const result = taskLight(input({ today, units: [unit('lead-a', 'in_progress', { percentComplete })] }));
    expect(result.light).toBe(light);
  });

  it('with the real plan’s thresholds (margin 0.1) on T22 at 2023-06-01: the boundary is exact', () => {
    // Issue 14 (4) changed the example: T08's two KPIs are stocks without a declared baseline and are
    // no longer paced, so T22 (lottery sales, a flow paced from 0) carries it.
    const plan = getPlan('jining-sports-2023')!;
    const task = findTask(plan, 'T22')!;
    const day = '2023-06-01';
    const threshold = elapsedShare(plan.startDate, task.dueDate, day) - plan.status.paceMargin;
    const at = (share: number) => taskLight({ plan, task, kpiProgress: new Map([['lottery-sales', share]]), units: [], today: day });
    expect(at(threshold).progress).toBe(threshold);
    expect(at(threshold).light).toBe('green');
    expect(at(threshold - 1e-9).light).toBe('yellow');
    expect(at(threshold).expected).toBe(152 / 365);
  });

  it('an early date with no progress is still green (expected − margin is negative)', () => {
    expect(taskLight(input({ today: '2023-01-01' })).light).toBe('green');
  });

  it('a KPI progress above 1 counts as 1 (one over-achieved KPI cannot hide another)', () => {
    const result = taskLight(input({ today, kpis: [kpi('k1'), kpi('k2')], kpiProgress: { k1: 3, k2: 0 } }));
    expect(result.progress).toBe(0.5);
  });

  it('reports the pace reason with both shares', () => {
    const result = taskLight(input({ today, kpis: [kpi('k1')], kpiProgress: { k1: 0.1 } }));
    expect(result.reasons).toEqual(['进度10%，落后于序时进度50%']);
  });
});

describe('taskLight: milestones', () => {
  const m = milestone('T01-M1', '2023-01-08');

  it.each([
    ['2023-01-04', 'green', 'well before the milestone'],
    ['2023-01-05', 'yellow', 'milestone exactly dueSoonDays away'],
    ['2023-01-08', 'yellow', 'on the milestone date'],
    ['2023-01-09', 'red', 'the day after an open milestone'],
  ] as const)('%s → %s (%s)', (today, light, _why) => {
    expect(taskLight(input({ today, milestones: [m], units: onPace(today) })).light).toBe(light);
  });

  it('an overdue milestone names itself as the reason', () => {
    expect(taskLight(input({ today: '2023-01-09', milestones: [m], units: onPace('2023-01-09') })).reasons).toEqual([
      '节点T01-M1（T01-M1）已逾期（应于2023年1月8日前完成）',
    ]);
  });

  it('a milestone a lead unit completed is not red after its date', () => {
    const today = '2023-01-09';
    const units = [unit('lead-a', 'in_progress', { percentComplete: 50, completedMilestoneIds: ['T01-M1'] })];
    expect(taskLight(input({ today, milestones: [m], units })).light).toBe('green');
  });

  it('a milestone only a support unit claims is still open', () => {
    const today = '2023-01-09';
    const units = [
      unit('lead-a', 'in_progress', { percentComplete: 50 }),
      unit('support-b', 'in_progress', { completedMilestoneIds: ['T01-M1'] }),
    ];
    expect(taskLight(input({ today, milestones: [m], units })).light).toBe('red');
    expect(completedMilestones({ taskId: 'T01', leadOrgIds: ['lead-a'], supportOrgIds: ['support-b'], milestones: [m] }, units)).toEqual(
      new Set(),
    );
  });

  it('one open overdue milestone is red even when the other one is completed', () => {
    const m2 = milestone('T01-M2', '2023-01-07');
    const units = [unit('lead-a', 'in_progress', { percentComplete: 50, completedMilestoneIds: ['T01-M1'] })];
    const result = taskLight(input({ today: '2023-01-09', milestones: [m, m2], units }));
    expect(result.light).toBe('red');
    expect(result.reasons).toEqual(['节点T01-M2（T01-M2）已逾期（应于2023年1月7日前完成）']);
  });
});

describe('done (办结)', () => {
  it('is done when every lead’s completion claim is approved (销号), even past the due date and an open milestone', () => {
    const result = taskLight(
      input({
        today: '2023-02-15',
        leads: ['lead-a', 'lead-b'],
        milestones: [milestone('T01-M1', '2023-01-08')],
        units: [claim('lead-a', 'approved'), claim('lead-b', 'approved')],
      }),
    );
    expect(result.light).toBe('done');
    expect(result.progress).toBe(1);
    expect(result.reasons).toEqual(['牵头单位均已销号']);
  });

  // Issue 15: a unit's own `completed` is a claim (申请办结), not a closure.
  it('is not done while a lead’s claim waits for review (待销号) or was returned (退回), nor with a claim the office never saw', () => {
    const leads = ['lead-a', 'lead-b'];
    for (const other of [claim('lead-b', 'pending'), claim('lead-b', 'returned'), unit('lead-b', 'completed')]) {
      const units = [claim('lead-a', 'approved'), other];
      expect(isTaskDone({ leadOrgIds: leads }, units)).toBe(false);
      expect(taskLight(input({ today: '2023-01-21', leads, units })).light).toBe('red');
    }
  });

  it('a pending claim is judged like any report: green on pace, counting its own figure (100% when it gave none)', () => {
    const result = taskLight(input({ today: '2023-01-10', units: [claim('lead-a', 'pending')] }));
    expect(result).toMatchObject({ light: 'green', progress: 1, reasons: [] });
    expect(taskLight(input({ today: '2023-01-10', units: [claim('lead-a', 'pending', { percentComplete: 20 })] }))).toMatchObject({
      light: 'yellow',
      progress: 0.2,
    });
  });

  it('a returned claim is yellow with the office’s comment, for the task and for the unit', () => {
    const i = input({ today: '2023-01-10', units: [claim('lead-a', 'returned')] });
    const task = taskLight(i);
    expect(task.light).toBe('yellow');
    expect(task.reasons).toEqual(['lead-a办结申请已被督查室退回：佐证材料不全，请继续办理']);
    const withSupport = input({
      today: '2023-01-10',
      supports: ['support-b'],
      units: [unit('lead-a', 'in_progress', { percentComplete: 60 }), claim('support-b', 'returned', { percentComplete: 100 })],
    });
    const own = unitLight({ ...withSupport, orgId: 'support-b', taskLight: taskLight(withSupport) });
    expect(own).toMatchObject({ light: 'yellow', reasons: ['本单位办结申请已被督查室退回：佐证材料不全，请继续办理'] });
    expect(taskLight(withSupport).light).toBe('green');
  });

  it('is not done while one of two leads has not completed', () => {
    const units = [claim('lead-a', 'approved'), unit('lead-b', 'in_progress', { percentComplete: 90 })];
    expect(isTaskDone({ leadOrgIds: ['lead-a', 'lead-b'] }, units)).toBe(false);
    expect(taskLight(input({ today: '2023-01-21', leads: ['lead-a', 'lead-b'], units })).light).toBe('red');
  });

  it('a support unit’s approved claim does not make the task done', () => {
    const units = [unit('lead-a', 'in_progress', { percentComplete: 40 }), claim('support-b', 'approved')];
    expect(isTaskDone({ leadOrgIds: ['lead-a'] }, units)).toBe(false);
    expect(taskLight(input({ today: '2023-01-21', units })).light).toBe('red');
  });

  it('is not done with no report at all, nor with a lead that reports blocked or 100% in progress', () => {
    expect(isTaskDone({ leadOrgIds: ['lead-a'] }, [])).toBe(false);
    expect(isTaskDone({ leadOrgIds: ['lead-a'] }, [unit('lead-a', 'blocked')])).toBe(false);
    expect(isTaskDone({ leadOrgIds: ['lead-a'] }, [unit('lead-a', 'in_progress', { percentComplete: 100 })])).toBe(false);
  });

  it('a lead whose claim is approved counts as done before any KPI figure (the office decides 销号)', () => {
    const result = taskLight(input({ today: '2023-01-10', kpis: [kpi('k1')], kpiProgress: {}, units: [claim('lead-a', 'approved')] }));
    expect(result.light).toBe('done');
    // Before the office's decision the KPI at 0 decides: behind pace.
    expect(taskLight(input({ today: '2023-01-10', kpis: [kpi('k1')], kpiProgress: {}, units: [claim('lead-a', 'pending')] })).light).toBe(
      'yellow',
    );
  });
});

describe('taskProgress', () => {
  const task = (leadOrgIds: string[], kpis: Kpi[]) => ({ dueDate: DUE, milestones: [], leadOrgIds, kpis });

  it('averages the linear KPIs and ignores the deadline-only ones', () => {
    const p = taskProgress({
      task: task(['lead-a'], [kpi('k1'), kpi('k2'), kpi('k3', 'none')]),
      kpiProgress: new Map([
        ['k1', 0.5],
        ['k2', 0.25],
        ['k3', 0],
      ]),
      units: [],
    });
    expect(p).toBe(0.375);
  });

  it('counts a linear KPI with no figure as 0', () => {
    const p = taskProgress({ task: task(['lead-a'], [kpi('k1'), kpi('k2')]), kpiProgress: new Map([['k1', 0.5]]), units: [] });
    expect(p).toBe(0.25);
  });

  it('without linear KPIs uses the leads’ percentComplete: missing = 0, approved claim = 1, capped at 100, supports ignored', () => {
    const fourLeads = task(['a', 'b', 'c', 'd'], [kpi('k1', 'none')]);
    const units = [
      unit('a', 'in_progress', { percentComplete: 50 }),
      claim('b', 'approved', { percentComplete: 10 }),
      unit('c', 'in_progress', { percentComplete: null }),
      claim('support', 'approved'),
    ];
    expect(taskProgress({ task: fourLeads, kpiProgress: new Map([['k1', 1]]), units })).toBe(0.375);
    // A claim not yet approved counts as the figure it reported.
    units[1] = claim('b', 'pending', { percentComplete: 10 });
    expect(taskProgress({ task: fourLeads, kpiProgress: new Map([['k1', 1]]), units })).toBeCloseTo(0.15, 10);
    expect(
      taskProgress({ task: task(['a'], []), kpiProgress: new Map(), units: [unit('a', 'in_progress', { percentComplete: 150 })] }),
    ).toBe(1);
  });
});

describe('elapsedShare', () => {
  it.each([
    ['2022-12-31', 0, 'before the start'],
    ['2023-01-01', 1 / 20, 'the first day counts as elapsed'],
    ['2023-01-10', 0.5, 'half way'],
    ['2023-01-20', 1, 'on the due date'],
    ['2023-02-01', 1, 'after the due date'],
  ] as const)('%s → %s (%s)', (today, share, _why) => {
    expect(elapsedShare(START, DUE, today)).toBe(share);
  });

  it('spans the whole plan year: 1/365 on 1 January, 1 on 31 December', () => {
    expect(elapsedShare('2023-01-01', '2023-12-31', '2023-01-01')).toBe(1 / 365);
    expect(elapsedShare('2023-01-01', '2023-12-31', '2023-07-02')).toBe(183 / 365);
    expect(elapsedShare('2023-01-01', '2023-12-31', '2023-12-31')).toBe(1);
  });

  it('is 1 when the due date precedes the start', () => {
    expect(elapsedShare('2023-06-01', '2023-05-01', '2023-01-01')).toBe(1);
  });
});

describe('issue 14 (1): an assumed (unconfirmed) milestone date never makes a task red', () => {
  const assumed: Milestone = { ...milestone('T01-M1', '2023-01-08'), title: '培训班', assumption: true };

  it('past its date and open: yellow at worst, with the reason 节点日期待确认', () => {
    const result = taskLight(input({ today: '2023-01-09', milestones: [assumed], units: onPace('2023-01-09') }));
    expect(result.light).toBe('yellow');
    expect(result.reasons).toEqual(['节点日期待确认：T01-M1（培训班）暂定2023年1月8日前完成，尚未报送完成']);
    // The same date confirmed (printed in the notice) is red.
    expect(
      taskLight(input({ today: '2023-01-09', milestones: [{ ...assumed, assumption: false }], units: onPace('2023-01-09') })).light,
    ).toBe('red');
  });

  it('still yields to the task’s own deadline: past the task’s due date the task is red', () => {
    const result = taskLight(input({ today: '2023-01-21', milestones: [assumed], units: onPace('2023-01-21') }));
    expect(result.light).toBe('red');
    expect(result.reasons).toEqual(['任务已逾期（办结时限2023年1月20日）']);
  });

  it('is due-soon yellow before its date like any milestone, and completed it counts for nothing', () => {
    expect(taskLight(input({ today: '2023-01-06', milestones: [assumed], units: onPace('2023-01-06') })).reasons).toEqual([
      '节点T01-M1（培训班）临近完成时限（2023年1月8日，还有2天）',
    ]);
    const units = [unit('lead-a', 'in_progress', { percentComplete: 50, completedMilestoneIds: ['T01-M1'] })];
    expect(taskLight(input({ today: '2023-01-10', milestones: [assumed], units })).light).toBe('green');
  });
});

describe('issue 14 (5): a blocked report is never green', () => {
  const today = '2023-01-10';

  it('a lead that reports blocked on pace: yellow, naming the unit', () => {
    const result = taskLight(
      input({ today, leads: ['jn-mass-sports'], units: [unit('jn-mass-sports', 'blocked', { percentComplete: 60 })] }),
    );
    expect(result.light).toBe('yellow');
    expect(result.reasons).toEqual(['群众体育科报告工作受阻，需协调解决']);
  });

  it('a support unit that reports blocked turns the task yellow too; a unit not of the task does not', () => {
    const lead = unit('lead-a', 'in_progress', { percentComplete: 60 });
    expect(taskLight(input({ today, supports: ['370811'], units: [lead, unit('370811', 'blocked')] })).reasons).toEqual([
      '任城区报告工作受阻，需协调解决',
    ]);
    expect(taskLight(input({ today, supports: ['370811'], units: [lead, unit('370812', 'blocked')] })).light).toBe('green');
  });

  it('blocked does not hide red: an overdue task stays red', () => {
    expect(taskLight(input({ today: '2023-01-21', units: [unit('lead-a', 'blocked', { percentComplete: 90 })] })).light).toBe('red');
  });

  it('the blocked unit’s own light is yellow with its reason', () => {
    const units = [unit('lead-a', 'in_progress', { percentComplete: 60 }), unit('support-b', 'blocked', { percentComplete: 60 })];
    const i = input({ today, units });
    const own = unitLight({ ...i, orgId: 'support-b', taskLight: taskLight(i) });
    expect(own).toMatchObject({ light: 'yellow', reasons: ['本单位报告工作受阻，需协调解决'] });
  });
});

describe('issue 14 (6): a held event completes the milestone that names it', () => {
  const marathon: Milestone = { ...milestone('T01-M1', '2023-01-08'), completedBy: { heldEvent: { categories: ['marathon'] } } };
  const task = { taskId: 'T01', leadOrgIds: ['lead-a'], supportOrgIds: ['support-b'], milestones: [marathon] };
  const event = (over: Partial<EventRef> = {}): EventRef => ({
    orgId: 'support-b',
    taskIds: ['T01'],
    category: 'marathon',
    status: 'held',
    ...over,
  });

  it('held, for the task, of the category, by a unit of the task: complete', () => {
    expect(completedMilestones(task, [], [event()])).toEqual(new Set(['T01-M1']));
    expect(heldEventCompletes(task, marathon, [event({ orgId: 'lead-a' })])).toBe(true);
    const result = taskLight(input({ today: '2023-01-09', milestones: [marathon], units: onPace('2023-01-09'), events: [event()] }));
    expect(result.light).toBe('green');
  });

  it.each([
    ['planned', event({ status: 'planned' })],
    ['cancelled', event({ status: 'cancelled' })],
    ['of another category', event({ category: 'series' })],
    ['for another task', event({ taskIds: ['T02'] })],
    ['by a unit not assigned to the task', event({ orgId: '370811' })],
  ] as const)('not when the event is %s', (_why, e) => {
    expect(completedMilestones(task, [], [e])).toEqual(new Set());
  });

  it('a milestone that names no event is not completed by one', () => {
    expect(completedMilestones({ ...task, milestones: [milestone('T01-M1', '2023-01-08')] }, [], [event()])).toEqual(new Set());
  });
});

describe('issue 14 (7): each unit is judged on its own part', () => {
  const m = milestone('T01-M1', '2023-01-08');
  const today = '2023-01-10'; // expected 0.5, threshold 0.25
  const light = (units: UnitTaskState[], orgId: string, extra: Partial<UnitLightInput> = {}) => {
    const i = input({ today, milestones: [m], units });
    return unitLight({ ...i, orgId, taskLight: taskLight(i), ...extra });
  };

  it('the lead leaving its milestone open makes the task and the lead red, not the support unit on pace', () => {
    const units = [unit('lead-a', 'in_progress', { percentComplete: 50 }), unit('support-b', 'in_progress', { percentComplete: 50 })];
    expect(light(units, 'lead-a').light).toBe('red');
    expect(light(units, 'support-b')).toMatchObject({ light: 'green', reasons: [] });
  });

  it('a support unit is yellow from its own pace: its own percentComplete, or no report at all', () => {
    expect(light([unit('support-b', 'in_progress', { percentComplete: 20 })], 'support-b')).toMatchObject({
      light: 'yellow',
      reasons: ['本单位进度20%，落后于序时进度50%'],
    });
    expect(light([], 'support-b')).toMatchObject({ light: 'yellow', reasons: ['本单位尚未报送进度，序时进度50%'] });
  });

  it('a quota unit is paced on its own quota figures, not on percentComplete', () => {
    expect(light([], 'support-b', { quotaProgress: 0.5 }).light).toBe('green');
    expect(light([], 'support-b', { quotaProgress: 0.2 })).toMatchObject({
      light: 'yellow',
      reasons: ['本单位任务数完成20%，落后于序时进度50%'],
    });
  });

  it('a milestone the support unit owns is its own: red when it leaves it open past a confirmed date', () => {
    const owned: Milestone = { ...m, ownerOrgIds: ['support-b'] };
    const i = input({ today, milestones: [owned], units: [unit('support-b', 'in_progress', { percentComplete: 50 })] });
    expect(unitLight({ ...i, orgId: 'support-b', taskLight: taskLight(i) }).light).toBe('red');
    // Its report completes it; a lead's report does not (the owner decides).
    const done = input({
      today,
      milestones: [owned],
      units: [
        unit('lead-a', 'in_progress', { percentComplete: 50 }),
        unit('support-b', 'in_progress', { percentComplete: 50, completedMilestoneIds: ['T01-M1'] }),
      ],
    });
    expect(taskLight(done).light).toBe('green');
    const byLead = input({
      today,
      milestones: [owned],
      units: [unit('lead-a', 'in_progress', { percentComplete: 50, completedMilestoneIds: ['T01-M1'] })],
    });
    expect(taskLight(byLead).light).toBe('red');
  });

  it('after the task’s deadline every unit that has not completed is red; a unit whose claim is approved is done', () => {
    const units = [unit('lead-a', 'in_progress', { percentComplete: 90 }), claim('support-b', 'approved')];
    const i = input({ today: '2023-01-21', units });
    expect(unitLight({ ...i, orgId: 'support-b', taskLight: taskLight(i) })).toMatchObject({ light: 'done', reasons: ['本单位已销号'] });
    // Pending review, the same unit is judged on its part: past the deadline, red.
    const pending = input({ today: '2023-01-21', units: [units[0]!, claim('support-b', 'pending')] });
    expect(unitLight({ ...pending, orgId: 'support-b', taskLight: taskLight(pending) }).light).toBe('red');
    expect(unitLight({ ...i, orgId: 'lead-a', taskLight: taskLight(i) }).light).toBe('red');
  });
});
