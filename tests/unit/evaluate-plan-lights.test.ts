import { describe, expect, it } from 'vitest';
import { evaluatePlan, type PlanView } from '../../shared/kpi/evaluate-plan.js';
import { COUNTY_IDS } from '../../shared/org/directory.js';
import { getPlan } from '../../shared/plan/catalog.js';
import type { KpiFigure, PlanState, SportsEventRecord, UnitTaskRecord } from '../../shared/ports/state.js';
import { sportsEvent } from '../helpers/reports.js';

/**
 * Issue 14 (lights and KPIs) and issue 13 (units bound to tasks), on the 2023 plan through
 * `evaluatePlan`: each case is a situation the supervision office (督查室) met with the old rules.
 */

const plan = getPlan('jining-sports-2023')!;
const EMPTY: PlanState = { figures: [], units: [] };

function figure(kpiId: string, orgId: string, value: number): KpiFigure {
  return { kpiId, orgId, value, reportedAt: '2023-06-20T10:00:00+08:00', webhookId: `msg_${kpiId}_${orgId}` };
}

function report(taskId: string, orgId: string, status: UnitTaskRecord['status'], extra: Partial<UnitTaskRecord> = {}): UnitTaskRecord {
  return {
    taskId,
    orgId,
    status,
    reportedAt: '2023-06-25T10:00:00+08:00',
    webhookId: `msg_${taskId}_${orgId}`,
    period: '2023-06',
    ...extra,
  };
}

const task = (view: PlanView, taskId: string) => view.tasks.find((t) => t.taskId === taskId)!;
const kpi = (view: PlanView, kpiId: string) => view.kpis.find((k) => k.kpiId === kpiId)!;
const unitOn = (view: PlanView, taskId: string, orgId: string) => task(view, taskId).byOrg.find((o) => o.orgId === orgId)!;
const rankOf = (view: PlanView, orgId: string) => view.ranking.find((r) => r.orgId === orgId)!;

describe('(1) dates we made up do not raise alarms', () => {
  const view = evaluatePlan(plan, EMPTY, [], '2023-07-03');

  it('on 2023-07-03 with no reports, T05, T08, T18 and T24 are yellow, not red, with the reason 节点日期待确认', () => {
    for (const taskId of ['T05', 'T08', 'T18', 'T24']) {
      const t = task(view, taskId);
      expect(t.status, taskId).toBe('yellow');
      expect(t.reasons[0], taskId).toMatch(/^节点日期待确认：T\d\d-M1（.+）暂定2023年\d+月\d+日前完成，尚未报送完成$/);
    }
  });

  it('the only red task is T10, whose 5.19 date is printed in the notice', () => {
    expect(view.tasks.filter((t) => t.status === 'red').map((t) => t.taskId)).toEqual(['T10']);
    expect(view.summary).toEqual({ green: 0, yellow: 26, red: 1, done: 0 });
  });

  it('the lead units of those tasks are not red in the ranking either', () => {
    expect(rankOf(view, 'jn-sports-economy')).toMatchObject({ red: 0, overdue: 0 }); // T24
    expect(rankOf(view, 'jn-party-office')).toMatchObject({ red: 0 }); // T05
    expect(rankOf(view, 'jn-mass-sports')).toMatchObject({ red: 1 }); // T10 only
  });
});

describe('(2) a per-county quota (8421) is judged county by county', () => {
  it('one county reporting 88 primary schools does not make the city KPI done; each county has its own status', () => {
    const view = evaluatePlan(plan, { figures: [figure('8421-primary-schools', '370811', 88)], units: [] }, [], '2023-07-03');
    const k = kpi(view, '8421-primary-schools');
    expect(k).toMatchObject({ value: 88, status: 'yellow', quota: { perOrgTarget: 8, units: 11, met: 1 } });
    expect(k.byOrg.map((o) => o.orgId)).toEqual([...COUNTY_IDS].sort());
    expect(k.byOrg.find((o) => o.orgId === '370811')).toMatchObject({ value: 88, status: 'done' });
    expect(k.byOrg.filter((o) => o.status === 'yellow')).toHaveLength(10);
    // T17's pace is the counties' mean share (1/11 here), not 88/88.
    expect(task(view, 'T17').status).toBe('yellow');
  });

  it('done when all 11 counties meet their quota', () => {
    const figures = COUNTY_IDS.map((c) => figure('8421-primary-schools', c, 8));
    expect(kpi(evaluatePlan(plan, { figures, units: [] }, [], '2023-07-03'), '8421-primary-schools')).toMatchObject({
      status: 'done',
      quota: { met: 11 },
      progress: 1,
    });
  });

  it('a county on its own pace is green on T17 while the others lag', () => {
    const figures = ['8421-primary-schools', '8421-junior-schools', '8421-senior-schools', '8421-amateur-schools'].map((k, i) =>
      figure(k, '370881', [5, 3, 1, 1][i]!),
    );
    const view = evaluatePlan(plan, { figures, units: [] }, [], '2023-07-03');
    expect(unitOn(view, 'T17', '370881')).toMatchObject({ light: 'green', reasons: [] });
    expect(unitOn(view, 'T17', '370883')).toMatchObject({ light: 'yellow', reasons: ['本单位任务数完成0%，落后于序时进度50.4%'] });
  });
});

describe('(3) stretch and assumed targets are flagged', () => {
  const view = evaluatePlan(plan, EMPTY, [], '2024-01-01');

  it('a missed 力争 target is yellow after the year; a plain one is red', () => {
    expect(kpi(view, 'lottery-sales')).toMatchObject({ stretch: true, status: 'yellow' });
    expect(kpi(view, 'venue-subsidy-rank')).toMatchObject({ stretch: true, status: 'yellow' });
    expect(kpi(view, 'enforcement-inspections')).toMatchObject({ stretch: false, status: 'red' });
  });

  it('derived targets carry the assumption flag and a note', () => {
    for (const kpiId of ['series-events-held', 'inspection-findings-closed', 'canal-alliance-cities', 'consumer-voucher-rank']) {
      expect(kpi(view, kpiId).assumption, kpiId).toBe(true);
      expect(kpi(view, kpiId).note, kpiId).toMatch(/请督查室确认/);
    }
    expect(kpi(view, 'lottery-sales').assumption).toBe(false);
  });
});

describe('(4) stock figures', () => {
  it('100 lottery outlets on 2023-02-01 are not green and have no expected figure paced from 0', () => {
    const view = evaluatePlan(plan, { figures: [figure('lottery-outlets', 'jn-lottery-center', 100)], units: [] }, [], '2023-02-01');
    expect(kpi(view, 'lottery-outlets')).toMatchObject({ measure: 'stock', value: 100, expected: null, status: 'yellow' });
    // Lottery sales (a flow) stay paced from 0.
    expect(kpi(evaluatePlan(plan, EMPTY, [], '2023-07-02'), 'lottery-sales').expected).toBe(
      Math.round(((90000 * 183) / 365) * 10_000) / 10_000,
    );
  });
});

describe('(5) a blocked report is never green', () => {
  it('T26 with its lead 60 % on pace but blocked on 2023-07-03 is yellow with the reason', () => {
    const onPace = evaluatePlan(
      plan,
      { figures: [], units: [report('T26', 'jn-general-office', 'in_progress', { percentComplete: 60 })] },
      [],
      '2023-07-03',
    );
    expect(task(onPace, 'T26').status).toBe('green');
    const blocked = evaluatePlan(
      plan,
      { figures: [], units: [report('T26', 'jn-general-office', 'blocked', { percentComplete: 60 })] },
      [],
      '2023-07-03',
    );
    expect(task(blocked, 'T26')).toMatchObject({ status: 'yellow', reasons: ['办公室报告工作受阻，需协调解决'] });
    expect(unitOn(blocked, 'T26', 'jn-general-office').light).toBe('yellow');
  });
});

describe('(6) a held event completes its milestone', () => {
  const marathon = sportsEvent({
    eventId: 'marathon-2023',
    orgId: 'jn-mass-sports',
    taskIds: ['T13'],
    category: 'marathon',
    status: 'held',
  });

  it('the marathon registered as held completes T13-M1 as the lead’s report would', () => {
    const before = evaluatePlan(plan, EMPTY, [], '2023-12-05');
    expect(task(before, 'T13').milestones[0]).toMatchObject({
      milestoneId: 'T13-M1',
      completed: false,
      completedBy: { heldEvent: { categories: ['marathon'] } },
    });
    const after = evaluatePlan(plan, EMPTY, [marathon], '2023-12-05');
    expect(task(after, 'T13').milestones[0]).toMatchObject({ milestoneId: 'T13-M1', completed: true });
    expect(task(after, 'T13').reasons.join()).not.toMatch(/T13-M1/);
    expect(kpi(after, 'marathon-held')).toMatchObject({ value: 1, status: 'done' });
  });

  it('a planned marathon, or one registered by a unit not of T13, completes nothing', () => {
    const planned = evaluatePlan(plan, EMPTY, [{ ...marathon, status: 'planned' }], '2023-12-05');
    expect(task(planned, 'T13').milestones[0]!.completed).toBe(false);
    const stranger = evaluatePlan(plan, EMPTY, [{ ...marathon, orgId: '370811', sourceId: 'rencheng' }], '2023-12-05');
    expect(task(stranger, 'T13').milestones[0]!.completed).toBe(false);
  });
});

describe('(7) each unit judged on its own part', () => {
  // T10: the lead office left the printed 5.19 milestone open; 任城区 reports 60 % on 2023-06-25.
  const state: PlanState = {
    figures: [],
    units: [
      report('T10', 'jn-mass-sports', 'in_progress', { percentComplete: 60 }),
      report('T10', '370811', 'in_progress', { percentComplete: 60 }),
    ],
  };
  const view = evaluatePlan(plan, state, [], '2023-07-03');

  it('the county reporting on pace is green on T10 while the task and its lead are red', () => {
    expect(task(view, 'T10').status).toBe('red');
    expect(unitOn(view, 'T10', 'jn-mass-sports')).toMatchObject({ role: 'lead', light: 'red' });
    expect(unitOn(view, 'T10', '370811')).toMatchObject({ role: 'support', light: 'green', reasons: [] });
    // A county that has not reported is yellow (its own part), not red.
    expect(unitOn(view, 'T10', '370812')).toMatchObject({ light: 'yellow', reasons: ['本单位尚未报送进度，序时进度50.4%'] });
  });

  it('the ranking counts those lights: the county is not red anywhere and ranks above the counties that did not report', () => {
    expect(rankOf(view, '370811')).toMatchObject({ red: 0, green: 1 });
    expect(rankOf(view, '370811').rank).toBeLessThan(rankOf(view, '370812').rank);
    expect(rankOf(view, '370811').rank).toBeLessThan(rankOf(view, 'jn-mass-sports').rank);
  });
});

describe('issue 13: only the units bound to a task count, even in old data', () => {
  it('a figure from a unit that does not report the KPI moves nothing', () => {
    const state: PlanState = {
      figures: [
        figure('8421-primary-schools', 'jn-zone-gaoxin', 500), // not a unit of T17
        figure('8421-primary-schools', 'jn-youth-sports', 88), // T17's lead, but the quota is the counties'
        figure('lottery-sales', '370811', 3000), // not a unit of T22
      ],
      units: [],
    };
    const view = evaluatePlan(plan, state, [], '2023-07-03');
    expect(kpi(view, '8421-primary-schools')).toMatchObject({ value: null, status: 'yellow', quota: { met: 0 } });
    expect(kpi(view, '8421-primary-schools').byOrg.map((o) => o.orgId)).not.toContain('jn-zone-gaoxin');
    expect(kpi(view, 'lottery-sales').byOrg).toEqual([]);
  });

  it('an event registered by a unit not of the task is not counted', () => {
    const events: SportsEventRecord[] = [
      sportsEvent({ eventId: 'a', orgId: 'jn-youth-sports', sourceId: 'youth', taskIds: ['T14'], category: 'series', status: 'held' }), // not a unit of T14
      sportsEvent({ eventId: 'b', orgId: '370811', sourceId: 'rencheng', taskIds: ['T14'], category: 'series', status: 'held' }),
    ];
    const k = kpi(evaluatePlan(plan, EMPTY, events, '2023-07-03'), 'series-events-held');
    expect(k.value).toBe(1);
    expect(k.byOrg.map((o) => o.orgId)).toEqual(['370811']);
  });

  it('a report from a unit not of the task neither closes it nor blocks it', () => {
    const view = evaluatePlan(
      plan,
      {
        figures: [],
        units: [report('T26', 'jn-general-office', 'in_progress', { percentComplete: 60 }), report('T26', '370811', 'blocked')],
      },
      [],
      '2023-07-03',
    );
    expect(task(view, 'T26')).toMatchObject({ status: 'green', reasons: [] });
    expect(task(view, 'T26').byOrg.map((o) => o.orgId)).toEqual(['jn-general-office']);
  });
});
