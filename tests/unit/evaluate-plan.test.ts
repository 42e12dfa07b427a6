import { describe, expect, it } from 'vitest';
import { evaluatePlan, type PlanView } from '../../shared/kpi/evaluate-plan.js';
import { getPlan } from '../../shared/plan/catalog.js';
import { Plan, type PlanInput } from '../../shared/plan/schema.js';
import type { KpiFigure, PlanState, SportsEventRecord, UnitTaskRecord } from '../../shared/ports/state.js';
import { withReviews } from '../../shared/review/state.js';
import type { ReviewRecordedDetail } from '../../events/schemas.js';

const plan = getPlan('jining-sports-2023')!;
const PLAN_ID = plan.planId;

function figure(kpiId: string, orgId: string, value: number, reportedAt = '2023-06-20T10:00:00+08:00'): KpiFigure {
  return { kpiId, orgId, value, reportedAt, webhookId: `msg_${kpiId}_${orgId}` };
}

function unitRecord(taskId: string, orgId: string, status: UnitTaskRecord['status'], extra: Partial<UnitTaskRecord> = {}): UnitTaskRecord {
  return {
    taskId,
    orgId,
    status,
    reportedAt: '2023-05-25T10:00:00+08:00',
    webhookId: `msg_${taskId}_${orgId}`,
    period: '2023-05',
    ...extra,
  };
}

/** The office's decision on a unit record's completion claim (issue 15: a unit's `completed` is a claim until approved). */
function decision(
  u: UnitTaskRecord,
  state: 'approved' | 'returned' = 'approved',
  decidedAt = '2023-06-30T10:00:00+08:00',
): ReviewRecordedDetail {
  return {
    planId: PLAN_ID,
    taskId: u.taskId,
    orgId: u.orgId,
    claim: { reportedAt: u.reportedAt, webhookId: u.webhookId },
    decision: state === 'approved' ? 'approve' : 'return',
    state,
    comment: state === 'returned' ? '佐证材料不全' : null,
    decidedAt,
    decidedBy: 'office',
  };
}

/** A state whose `completed` records are all approved by the office. */
function approvedAll(state: PlanState): PlanState {
  return withReviews(
    state,
    state.units.filter((u) => u.status === 'completed').map((u) => decision(u)),
  );
}

let eventSeq = 0;
function sportsEvent(
  taskIds: string[],
  status: SportsEventRecord['status'],
  category: SportsEventRecord['category'] = 'series',
  orgId = '370811',
): SportsEventRecord {
  eventSeq++;
  return {
    planId: PLAN_ID,
    eventId: `ev-${eventSeq}`,
    orgId,
    name: `赛事 ${eventSeq}`,
    category,
    level: 'municipal',
    startDate: '2023-05-01',
    endDate: '2023-05-01',
    venue: '济宁',
    taskIds,
    status,
    sourceId: orgId,
    webhookId: `msg_ev_${eventSeq}`,
    receivedAt: `2023-05-0${(eventSeq % 9) + 1}T10:00:00+08:00`,
    timestamp: `2023-05-0${(eventSeq % 9) + 1}T10:00:00+08:00`,
  };
}

const EMPTY: PlanState = { figures: [], units: [] };

function kpiOf(view: PlanView, kpiId: string) {
  const k = view.kpis.find((x) => x.kpiId === kpiId);
  if (!k) throw new Error(`no kpi ${kpiId}`);
  return k;
}

function taskOf(view: PlanView, taskId: string) {
  const t = view.tasks.find((x) => x.taskId === taskId);
  if (!t) throw new Error(`no task ${taskId}`);
  return t;
}

describe('evaluatePlan: KPI aggregation', () => {
  it('sum_latest adds every unit’s current figure and lists them by unit', () => {
    const state: PlanState = {
      figures: [
        figure('sports-associations', '370812', 30),
        figure('sports-associations', '370811', 20),
        figure('sports-associations', 'jn-zone-gaoxin', 5),
        figure('sports-clubs', '370811', 400),
      ],
      units: [],
    };
    const view = evaluatePlan(plan, state, [], '2023-06-30');
    const k = kpiOf(view, 'sports-associations');
    expect(k.value).toBe(55);
    expect(k.aggregation).toBe('sum_latest');
    expect(k.byOrg.map((f) => [f.orgId, f.value])).toEqual([
      ['370811', 20],
      ['370812', 30],
      ['jn-zone-gaoxin', 5],
    ]);
    expect(kpiOf(view, 'sports-clubs').value).toBe(400);
  });

  it('sum_latest is null (not 0) before anyone reports', () => {
    const view = evaluatePlan(plan, EMPTY, [], '2023-06-30');
    expect(kpiOf(view, 'sports-associations')).toMatchObject({ value: null, progress: null });
  });

  it('sum_latest adds fractional figures without floating-point noise', () => {
    const state: PlanState = {
      figures: [figure('sports-associations', '370811', 0.1), figure('sports-associations', '370812', 0.2)],
      units: [],
    };
    expect(kpiOf(evaluatePlan(plan, state, [], '2023-06-30'), 'sports-associations').value).toBe(0.3);
  });

  it('lists every county of a quota KPI in the breakdown, each with its own quota and status', () => {
    // Issue 14 (2): byOrg shows all 11 counties (not only those that reported), each judged on its own.
    const state: PlanState = {
      figures: [figure('8421-primary-schools', '370811', 8), figure('8421-primary-schools', '370883', 5)],
      units: [],
    };
    const k = kpiOf(evaluatePlan(plan, state, [], '2023-06-30'), '8421-primary-schools');
    expect(k.value).toBe(13);
    expect(k.byOrg).toHaveLength(11);
    expect(k.byOrg.find((f) => f.orgId === '370811')).toMatchObject({
      value: 8,
      reportedAt: '2023-06-20T10:00:00+08:00',
      perOrgTarget: 8,
      status: 'done',
    });
    expect(k.byOrg.find((f) => f.orgId === '370883')).toMatchObject({ value: 5, perOrgTarget: 8, status: 'green' });
    expect(k.byOrg.find((f) => f.orgId === '370826')).toMatchObject({
      value: null,
      reportedAt: null,
      perOrgTarget: 8,
      status: 'yellow',
      reasons: ['尚未报送数据，低于序时进度应达到的3.97所'],
    });
  });

  it('latest_of_org takes that unit’s figure only', () => {
    const state: PlanState = {
      figures: [
        figure('lottery-sales', 'jn-lottery-center', 45000),
        figure('lottery-sales', '370811', 3000),
        figure('lottery-outlets', '370811', 80),
      ],
      units: [],
    };
    const view = evaluatePlan(plan, state, [], '2023-07-02');
    expect(kpiOf(view, 'lottery-sales')).toMatchObject({ value: 45000, status: 'green', progress: 0.5 });
    // Another unit's figure alone does not make a city figure.
    expect(kpiOf(view, 'lottery-outlets').value).toBeNull();
  });

  it('count_held_events counts only held events linked to the task', () => {
    const events = [
      sportsEvent(['T14'], 'held'),
      sportsEvent(['T14', 'T13'], 'held'),
      sportsEvent(['T14'], 'planned'),
      sportsEvent(['T14'], 'cancelled'),
      sportsEvent(['T12'], 'held'),
      sportsEvent(['T14'], 'held', 'fitness_activity', '370826'),
    ];
    const view = evaluatePlan(plan, EMPTY, events, '2023-06-30');
    const k = kpiOf(view, 'series-events-held');
    expect(k.value).toBe(3);
    expect(k.byOrg.map((f) => [f.orgId, f.value])).toEqual([
      ['370811', 2],
      ['370826', 1],
    ]);
  });

  it('count_held_events filters by category when the KPI names categories', () => {
    // Registered by 群众体育科, a unit of T13 (issue 13: another unit's event would not count).
    const mass = 'jn-mass-sports';
    const events = [
      sportsEvent(['T13'], 'held', 'marathon', mass),
      sportsEvent(['T13'], 'held', 'other', mass),
      sportsEvent(['T13'], 'cancelled', 'marathon', mass),
    ];
    const view = evaluatePlan(plan, EMPTY, events, '2023-12-01');
    expect(kpiOf(view, 'marathon-held')).toMatchObject({ value: 1, status: 'done' });
  });

  it('count_held_events starts at 0, not null', () => {
    const view = evaluatePlan(plan, EMPTY, [], '2023-06-30');
    expect(kpiOf(view, 'provincial-games-events')).toMatchObject({ value: 0, progress: 0 });
    // Cancelled and planned events leave it at 0.
    const view2 = evaluatePlan(
      plan,
      EMPTY,
      [sportsEvent(['T11'], 'planned', 'games'), sportsEvent(['T11'], 'cancelled', 'games')],
      '2023-06-30',
    );
    expect(kpiOf(view2, 'provincial-games-events').value).toBe(0);
  });

  it('every KPI of the plan is evaluated once, in task order', () => {
    const view = evaluatePlan(plan, EMPTY, [], '2023-06-30');
    expect(view.kpis.map((k) => k.kpiId)).toEqual(plan.tasks.flatMap((t) => t.kpis.map((k) => k.kpiId)));
  });
});

describe('evaluatePlan: tasks and section roll-ups', () => {
  it('rolls the 27 tasks up into the 6 sections and the summary', () => {
    const state: PlanState = approvedAll({
      figures: [figure('sports-associations', '370811', 200), figure('sports-clubs', '370811', 500)],
      units: [
        unitRecord('T01', 'jn-party-office', 'completed'),
        unitRecord('T26', 'jn-general-office', 'in_progress', { percentComplete: 60 }),
      ],
    });
    const view = evaluatePlan(plan, state, [], '2023-07-01');
    expect(view.tasks).toHaveLength(27);
    expect(view.sections.map((s) => [s.sectionId, s.tasks])).toEqual([
      ['S1', 5],
      ['S2', 5],
      ['S3', 5],
      ['S4', 5],
      ['S5', 4],
      ['S6', 3],
    ]);
    for (const s of view.sections) expect(s.green + s.yellow + s.red + s.done, s.sectionId).toBe(s.tasks);
    const sum = (key: 'green' | 'yellow' | 'red' | 'done') => view.sections.reduce((acc, s) => acc + s[key], 0);
    expect(view.summary).toEqual({ green: sum('green'), yellow: sum('yellow'), red: sum('red'), done: sum('done') });
    expect(view.summary.green + view.summary.yellow + view.summary.red + view.summary.done).toBe(27);
    expect(view.summary.done).toBe(1);
    expect(view.sections[0]!.done).toBe(1);
  });

  it('lights tasks from dates, KPIs and reports', () => {
    const state: PlanState = approvedAll({
      figures: [figure('sports-associations', '370811', 200), figure('sports-clubs', '370811', 500)],
      units: [
        unitRecord('T01', 'jn-party-office', 'completed'),
        unitRecord('T26', 'jn-general-office', 'in_progress', { percentComplete: 60 }),
        unitRecord('T08', 'jn-mass-sports', 'in_progress', { percentComplete: 60, completedMilestoneIds: ['T08-M1'] }),
      ],
    });
    const view = evaluatePlan(plan, state, [], '2023-07-01');
    expect(taskOf(view, 'T01').status).toBe('done');
    // Both T08 KPIs are met and its milestone is done, but only the lead's approved claim closes it. Its
    // KPIs are stocks without a declared baseline (issue 14 (4)): not paced, so the pace is the lead's 60 %.
    expect(taskOf(view, 'T08')).toMatchObject({ status: 'green', progress: 0.6 });
    expect(kpiOf(view, 'sports-clubs').status).toBe('done');
    expect(taskOf(view, 'T08').milestones).toEqual([
      {
        milestoneId: 'T08-M1',
        title: '市体育总会换届',
        dueDate: '2023-06-30',
        assumption: true,
        ownerOrgIds: ['jn-mass-sports'],
        completed: true,
      },
    ]);
    // T10's 5.19 milestone (printed in the notice) passed unreported.
    expect(taskOf(view, 'T10').status).toBe('red');
    expect(taskOf(view, 'T10').reasons).toContain('节点T10-M1（5.19全国太极拳大联动展示活动）已逾期（应于2023年5月19日前完成）');
    // No report and half the year gone.
    expect(taskOf(view, 'T03').status).toBe('yellow');
    // 60 % at the start of July is ahead of 50 % elapsed.
    expect(taskOf(view, 'T26').status).toBe('green');
    expect(view.expected).toBe(Math.round((182 / 365) * 1e6) / 1e6);
  });

  it('lists each task’s lead and support units with their latest report', () => {
    const state: PlanState = { figures: [], units: [unitRecord('T22', 'jn-lottery-center', 'in_progress', { percentComplete: 40 })] };
    const view = evaluatePlan(plan, state, [], '2023-06-01');
    // Each with its own light (issue 14 (7)): the lead carries the task's; the support unit its own 40 %.
    expect(taskOf(view, 'T22').byOrg).toEqual([
      {
        orgId: 'jn-sports-economy',
        role: 'lead',
        status: null,
        percentComplete: null,
        reportedAt: null,
        period: null,
        light: 'yellow',
        reasons: ['进度0%，落后于序时进度41.6%'],
        review: null,
        completedAt: null,
        late: false,
      },
      {
        orgId: 'jn-lottery-center',
        role: 'support',
        status: 'in_progress',
        percentComplete: 40,
        reportedAt: '2023-05-25T10:00:00+08:00',
        period: '2023-05',
        light: 'green',
        reasons: [],
        review: null,
        completedAt: null,
        late: false,
      },
    ]);
  });

  it('after the year every task not closed is red', () => {
    const view = evaluatePlan(
      plan,
      approvedAll({ figures: [], units: [unitRecord('T27', 'jn-competitive-sports', 'completed')] }),
      [],
      '2024-01-01',
    );
    expect(view.summary).toEqual({ green: 0, yellow: 0, red: 26, done: 1 });
    // A claim the office has not approved closes nothing: after the year, red like the rest.
    const pending = evaluatePlan(plan, { figures: [], units: [unitRecord('T27', 'jn-competitive-sports', 'completed')] }, [], '2024-01-01');
    expect(pending.summary).toEqual({ green: 0, yellow: 0, red: 27, done: 0 });
    expect(taskOf(pending, 'T27').pendingReview).toEqual(['jn-competitive-sports']);
  });
});

describe('evaluatePlan: completion claims and late completion (issue 15)', () => {
  // T22 (lottery sales 9亿): due 2023-12-31, lead jn-sports-economy, support jn-lottery-center.
  const lead = unitRecord('T22', 'jn-sports-economy', 'completed', { reportedAt: '2023-06-20T10:00:00+08:00', percentComplete: 100 });

  it('a pending claim is listed on the task and its unit; the task is judged by its figures, not done', () => {
    const view = evaluatePlan(
      plan,
      withReviews({ figures: [figure('lottery-sales', 'jn-lottery-center', 60000)], units: [lead] }, []),
      [],
      '2023-07-01',
    );
    const t22 = taskOf(view, 'T22');
    expect(t22.status).not.toBe('done');
    expect(t22).toMatchObject({ pendingReview: ['jn-sports-economy'], completedAt: null, late: false });
    expect(t22.byOrg[0]).toMatchObject({
      orgId: 'jn-sports-economy',
      status: 'completed',
      review: { state: 'pending', claimedReportedAt: lead.reportedAt },
      completedAt: null,
    });
  });

  it('approved on time: done, completedAt = the claim’s reportedAt, not late', () => {
    const view = evaluatePlan(plan, withReviews({ figures: [], units: [lead] }, [decision(lead)]), [], '2023-07-01');
    expect(taskOf(view, 'T22')).toMatchObject({
      status: 'done',
      completedAt: lead.reportedAt,
      late: false,
      pendingReview: [],
      reasons: ['牵头单位均已销号'],
    });
    expect(view.lateDone).toBe(0);
  });

  it('claimed after the due date and approved: done but late (逾期办结) in the task, the plan and the ranking', () => {
    // The plan's time zone decides the day: 2024-01-01 00:30 in Shanghai is after 12-31, though still 2023 in UTC.
    const late = { ...lead, reportedAt: '2024-01-01T00:30:00+08:00' };
    const view = evaluatePlan(
      plan,
      withReviews({ figures: [], units: [late] }, [decision(late, 'approved', '2024-01-03T10:00:00+08:00')]),
      [],
      '2024-01-05',
    );
    const t22 = taskOf(view, 'T22');
    expect(t22).toMatchObject({ status: 'done', completedAt: late.reportedAt, late: true });
    expect(t22.reasons).toEqual(['牵头单位均已销号', '逾期办结：办结时限2023年12月31日，2024年1月1日办结，逾期1天']);
    expect(t22.byOrg.find((o) => o.orgId === 'jn-sports-economy')).toMatchObject({
      light: 'done',
      late: true,
      completedAt: late.reportedAt,
    });
    // The support unit is done with the task, not late: it never claimed late.
    expect(t22.byOrg.find((o) => o.orgId === 'jn-lottery-center')).toMatchObject({ light: 'done', late: false });
    expect(view.lateDone).toBe(1);
    expect(view.ranking.find((r) => r.orgId === 'jn-sports-economy')).toMatchObject({ lateDone: 1 });
    // On 12-31 itself (Shanghai) it is on time.
    const onTime = { ...lead, reportedAt: '2023-12-31T23:30:00+08:00' };
    expect(
      taskOf(evaluatePlan(plan, withReviews({ figures: [], units: [onTime] }, [decision(onTime)]), [], '2024-01-05'), 'T22').late,
    ).toBe(false);
  });

  it('a returned claim: back in progress, yellow at least, with the office’s comment; a decision on an older claim does not count', () => {
    const returned = evaluatePlan(plan, withReviews({ figures: [], units: [lead] }, [decision(lead, 'returned')]), [], '2023-07-01');
    expect(taskOf(returned, 'T22').status).toBe('yellow');
    expect(taskOf(returned, 'T22').reasons).toContain('体育经济科办结申请已被督查室退回：佐证材料不全，请继续办理');
    // The unit claims again (a newer completed report): the old decision was about the old claim.
    const again = { ...lead, reportedAt: '2023-06-28T10:00:00+08:00', webhookId: 'msg_again' };
    const view = evaluatePlan(plan, withReviews({ figures: [], units: [again] }, [decision(lead)]), [], '2023-07-01');
    expect(taskOf(view, 'T22')).toMatchObject({ pendingReview: ['jn-sports-economy'] });
    expect(taskOf(view, 'T22').status).not.toBe('done');
  });
});

describe('evaluatePlan: ranking of units', () => {
  // A small plan whose unit lights are set by hand. On 2023-06-01 the expected share is 152/365 ≈ 0.42.
  const A = 'jn-mass-sports';
  const B = 'jn-youth-sports';
  const C = 'jn-sports-economy';
  const D = 'jn-policy-law';
  const E = 'jn-competitive-sports';
  const task = (taskId: string, lead: string, extra: Partial<PlanInput['tasks'][number]> = {}): PlanInput['tasks'][number] => ({
    taskId,
    sectionId: 'S1',
    title: taskId,
    text: taskId,
    leadOrgIds: [lead],
    dueDate: '2023-12-31',
    reporting: { cycle: 'monthly', dueDay: 25 },
    ...extra,
  });
  const small = Plan.parse({
    planId: 'ranking-test',
    title: 'ranking',
    year: 2023,
    documentNumber: 'x',
    issuer: 'x',
    issueDatePrinted: 'x',
    timeZone: 'Asia/Shanghai',
    startDate: '2023-01-01',
    sections: [{ sectionId: 'S1', number: 1, title: 'S1' }],
    tasks: [
      task('T01', A, { supportOrgIds: [B] }), // A green (50 %), B yellow (no report)
      task('T02', C), // C green
      task('T03', A, { milestones: [{ milestoneId: 'T03-M1', title: 'm', dueDate: '2023-05-01' }] }), // red: A red
      task('T04', D), // D done
      task('T05', E), // E green
      task('T06', E), // E yellow (no report)
    ],
  } satisfies PlanInput);
  const state: PlanState = approvedAll({
    figures: [],
    units: [
      unitRecord('T01', A, 'in_progress', { percentComplete: 50 }),
      unitRecord('T02', C, 'in_progress', { percentComplete: 50 }),
      unitRecord('T04', D, 'completed'),
      unitRecord('T05', E, 'in_progress', { percentComplete: 50 }),
    ],
  });
  const view = evaluatePlan(small, state, [], '2023-06-01');

  it('scores each unit by the share of its items that are green or done', () => {
    const byOrg = new Map(view.ranking.map((r) => [r.orgId, r]));
    expect(byOrg.get(A)).toMatchObject({ items: 2, green: 1, red: 1, overdue: 1, score: 0.5 });
    expect(byOrg.get(B)).toMatchObject({ items: 1, yellow: 1, score: 0 });
    expect(byOrg.get(C)).toMatchObject({ items: 1, green: 1, score: 1 });
    expect(byOrg.get(D)).toMatchObject({ items: 1, done: 1, score: 1 });
    expect(byOrg.get(E)).toMatchObject({ items: 2, green: 1, yellow: 1, overdue: 0, score: 0.5 });
    expect(byOrg.get(A)).toMatchObject({ name: '群众体育科', kind: 'office' });
  });

  it('orders by score, then fewer overdue, then more done; equal score and overdue share a rank', () => {
    expect(view.ranking.map((r) => [r.orgId, r.rank])).toEqual([
      [D, 1], // score 1, 1 done
      [C, 1], // score 1, tied with D on score and overdue
      [E, 3], // score 0.5, none overdue
      [A, 4], // score 0.5, one overdue
      [B, 5],
    ]);
  });

  it('is independent of the order units come in', () => {
    const reversed = evaluatePlan(small, { figures: [], units: [...state.units].reverse() }, [], '2023-06-01');
    expect(reversed.ranking).toEqual(view.ranking);
  });
});
