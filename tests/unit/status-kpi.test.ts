import { describe, expect, it } from 'vitest';
import type { Kpi, Target } from '../../shared/plan/schema.js';
import { evaluateKpi, evaluateQuotaKpi, isPaced, meetsTarget, paceStart, targetShare } from '../../shared/status/kpi.js';
import { allKpis, getPlan } from '../../shared/plan/catalog.js';

/** 2023-01-01 … 2023-01-20 (20 days): on 2023-01-10 the elapsed share is exactly 0.5; margin 0.25. */
const PLAN = { startDate: '2023-01-01', status: { paceMargin: 0.25, dueSoonDays: 3 } };
const DUE = '2023-01-20';
const MID = '2023-01-10';
const AFTER = '2023-01-21';

function kpi(target: Target, pace: 'linear' | 'none' = 'linear'): Kpi {
  return {
    kpiId: 'k',
    taskId: 'T01',
    name: 'k',
    unit: '个',
    target,
    aggregation: { kind: 'sum_latest' },
    pace,
    measure: 'flow',
    stretch: false,
    assumption: false,
    source: 'test',
  };
}

const atLeast100 = kpi({ op: '>=', value: 100 });
const rankTop3 = kpi({ op: '<=', value: 3 }, 'none');
const oneToTwo = kpi({ op: 'between', min: 1, max: 2 }, 'none');

describe('evaluateKpi: >= targets', () => {
  it.each([
    [100, MID, 'done', 1, 'met exactly'],
    [120, MID, 'done', 1.2, 'exceeded'],
    [99, MID, 'green', 0.99, 'unmet, ahead of pace'],
    [25, MID, 'green', 0.25, 'exactly expected share − margin'],
    [24, MID, 'yellow', 0.24, 'just below expected share − margin'],
    [99, DUE, 'green', 0.99, 'unmet on the due date (within margin of 100% expected)'],
    [74, DUE, 'yellow', 0.74, 'unmet on the due date, behind by more than the margin'],
    [99, AFTER, 'red', 0.99, 'unmet the day after the due date'],
    [100, AFTER, 'done', 1, 'met, even if judged after the due date'],
  ] as const)('value %s on %s → %s (progress %s: %s)', (value, today, status, progress, _why) => {
    const ev = evaluateKpi(PLAN, atLeast100, DUE, value, today);
    expect(ev).toMatchObject({ value, status, progress });
  });

  it('the expected figure grows linearly with the elapsed share', () => {
    expect(evaluateKpi(PLAN, atLeast100, DUE, 10, '2023-01-01').expected).toBe(5);
    expect(evaluateKpi(PLAN, atLeast100, DUE, 10, MID).expected).toBe(50);
    expect(evaluateKpi(PLAN, atLeast100, DUE, 10, DUE).expected).toBe(100);
    expect(evaluateKpi(PLAN, atLeast100, DUE, 10, AFTER).expected).toBe(100);
  });
});

describe('evaluateKpi: <= targets (a rank)', () => {
  it.each([
    [1, MID, 'done', 1],
    [3, MID, 'done', 1],
    [4, MID, 'green', 0.75],
    [4, DUE, 'green', 0.75],
    [4, AFTER, 'red', 0.75],
    [3, AFTER, 'done', 1],
  ] as const)('rank %s on %s → %s (progress %s)', (value, today, status, progress) => {
    expect(evaluateKpi(PLAN, rankTop3, DUE, value, today)).toMatchObject({ status, progress });
  });

  it('has no expected figure: a rank does not grow with time', () => {
    expect(evaluateKpi(PLAN, rankTop3, DUE, 5, MID).expected).toBeNull();
    // Even if someone marks a <= target linear, there is no figure to pace against.
    expect(evaluateKpi(PLAN, kpi({ op: '<=', value: 3 }, 'linear'), DUE, 5, MID).expected).toBeNull();
  });
});

describe('evaluateKpi: between targets', () => {
  it.each([
    [0, MID, 'green', 0, 'below min, deadline-only KPI before the due date'],
    [0, AFTER, 'red', 0, 'below min after the due date'],
    [1, MID, 'done', 1, 'at min'],
    [2, MID, 'done', 2, 'at max'],
    [2, AFTER, 'done', 2, 'at max after the due date'],
    [3, AFTER, 'done', 3, 'above max: the range is an aim (力争1-2个), exceeding it is met'],
  ] as const)('value %s on %s → %s (progress %s: %s)', (value, today, status, progress, _why) => {
    expect(evaluateKpi(PLAN, oneToTwo, DUE, value, today)).toMatchObject({ status, progress });
  });

  it('a linear between KPI expects min × elapsed share', () => {
    const linear = kpi({ op: 'between', min: 2, max: 3 }, 'linear');
    expect(evaluateKpi(PLAN, linear, DUE, 0, MID)).toMatchObject({ expected: 1, status: 'yellow', progress: 0 });
    expect(evaluateKpi(PLAN, linear, DUE, 1, MID)).toMatchObject({ expected: 1, status: 'green', progress: 0.5 });
  });
});

describe('evaluateKpi: a KPI without a figure', () => {
  it('linear: green while expected share − margin ≤ 0, yellow once it is positive, red after the due date', () => {
    // 2023-01-05: share 0.25, 0.25 − 0.25 = 0 → 0 < 0 is false → green.
    expect(evaluateKpi(PLAN, atLeast100, DUE, null, '2023-01-05')).toEqual({
      value: null,
      progress: null,
      expected: 25,
      paceShare: null,
      status: 'green',
      reasons: [],
    });
    // 2023-01-06: share 0.3 → 0 < 0.05 → yellow.
    expect(evaluateKpi(PLAN, atLeast100, DUE, null, '2023-01-06').status).toBe('yellow');
    expect(evaluateKpi(PLAN, atLeast100, DUE, null, AFTER).status).toBe('red');
  });

  it('deadline-only (none): green until the due date, red after, never an expected figure', () => {
    expect(evaluateKpi(PLAN, rankTop3, DUE, null, DUE)).toEqual({
      value: null,
      progress: null,
      expected: null,
      paceShare: null,
      status: 'green',
      reasons: [],
    });
    expect(evaluateKpi(PLAN, rankTop3, DUE, null, AFTER).status).toBe('red');
  });
});

describe('evaluateKpi: linear vs none pace', () => {
  it('the same lagging figure is yellow when paced linearly and green when judged only at the deadline', () => {
    const none = kpi({ op: '>=', value: 100 }, 'none');
    expect(evaluateKpi(PLAN, atLeast100, DUE, 10, MID)).toMatchObject({ status: 'yellow', expected: 50 });
    expect(evaluateKpi(PLAN, none, DUE, 10, MID)).toMatchObject({ status: 'green', expected: null });
    // Both turn red after the deadline.
    expect(evaluateKpi(PLAN, atLeast100, DUE, 10, AFTER).status).toBe('red');
    expect(evaluateKpi(PLAN, none, DUE, 10, AFTER).status).toBe('red');
  });
});

describe('meetsTarget and targetShare', () => {
  it.each([
    [{ op: '>=', value: 200 }, 200, true],
    [{ op: '>=', value: 200 }, 199.99, false],
    [{ op: '<=', value: 3 }, 3, true],
    [{ op: '<=', value: 3 }, 3.5, false],
    [{ op: 'between', min: 2, max: 3 }, 1.99, false],
    [{ op: 'between', min: 2, max: 3 }, 2, true],
    [{ op: 'between', min: 2, max: 3 }, 3, true],
    [{ op: 'between', min: 2, max: 3 }, 3.01, true],
  ] as const)('%j with %s → %s', (target, value, met) => {
    expect(meetsTarget({ target }, value)).toBe(met);
  });

  it.each([
    [{ op: '>=', value: 200 }, 50, 0.25],
    [{ op: '>=', value: 0 }, 0, 1],
    [{ op: '<=', value: 3 }, 2, 1],
    [{ op: '<=', value: 3 }, 6, 0.5],
    [{ op: '<=', value: 3 }, 0, 1],
    [{ op: 'between', min: 2, max: 3 }, 1, 0.5],
    [{ op: 'between', min: 0, max: 3 }, 0, 1],
  ] as const)('share of %j at %s is %s', (target, value, share) => {
    expect(targetShare({ target }, value)).toBe(share);
  });
});

describe('evaluateKpi on the real plan', () => {
  const plan = getPlan('jining-sports-2023')!;
  const byId = new Map(allKpis(plan).map((k) => [k.kpiId, k]));

  it('200 associations on 2023-12-31 are done; 199 on 2024-01-01 are yellow (力争, issue 14 (3))', () => {
    const k = byId.get('sports-associations')!;
    expect(evaluateKpi(plan, k, '2023-12-31', 200, '2023-12-31').status).toBe('done');
    expect(evaluateKpi(plan, k, '2023-12-31', 199, '2024-01-01').status).toBe('yellow');
  });

  it('2 of 3 enforcement inspections on 2024-01-01 are red: not a stretch target', () => {
    const k = byId.get('enforcement-inspections')!;
    expect(k.stretch).toBe(false);
    expect(evaluateKpi(plan, k, '2023-12-31', 2, '2024-01-01')).toMatchObject({
      status: 'red',
      reasons: ['截至2023年12月31日未完成目标（目标3项，现有2项）'],
    });
  });

  it('lottery sales of 45 000 万元 at mid-year are on pace (expected ≈ 45 000)', () => {
    const k = byId.get('lottery-sales')!;
    const ev = evaluateKpi(plan, k, '2023-12-31', 45000, '2023-07-02');
    expect(ev.expected).toBe(Math.round(((90000 * 183) / 365) * 10_000) / 10_000);
    expect(ev.status).toBe('green');
    expect(ev.progress).toBe(0.5);
  });

  it('provincial rank 4 is yellow after the year (力争全省前3, issue 14 (3)), rank 3 is done', () => {
    const k = byId.get('venue-subsidy-rank')!;
    expect(evaluateKpi(plan, k, '2023-12-31', 4, '2024-01-01').status).toBe('yellow');
    expect(evaluateKpi(plan, k, '2023-12-31', 3, '2024-01-01').status).toBe('done');
  });

  it('the voucher rank (T23, 第一方阵 read as top 5) is red at 6 after the year and done at 5', () => {
    const k = byId.get('consumer-voucher-rank')!;
    expect(evaluateKpi(plan, k, '2023-12-31', 6, '2024-01-01').status).toBe('red');
    expect(evaluateKpi(plan, k, '2023-12-31', 5, '2024-01-01').status).toBe('done');
  });
});

describe('issue 14 (3): stretch targets (力争)', () => {
  const stretch = { ...atLeast100, stretch: true };

  it('missing a stretch target at the deadline is yellow, with the reason; the same miss on a plain target is red', () => {
    expect(evaluateKpi(PLAN, stretch, DUE, 99, AFTER)).toMatchObject({
      status: 'yellow',
      reasons: ['力争目标：截至2023年1月20日未完成目标（目标100个，现有99个），按力争目标提示'],
    });
    expect(evaluateKpi(PLAN, atLeast100, DUE, 99, AFTER).status).toBe('red');
  });

  it('before the deadline a stretch target is paced like any other, and met is done', () => {
    expect(evaluateKpi(PLAN, stretch, DUE, 24, MID).status).toBe('yellow');
    expect(evaluateKpi(PLAN, stretch, DUE, 100, AFTER).status).toBe('done');
  });
});

describe('issue 14 (4): stock figures are not paced from zero', () => {
  // Lottery outlets: a year-end stock of 850 over the plan year 2023.
  const YEAR = { startDate: '2023-01-01', status: { paceMargin: 0.1, dueSoonDays: 7 } };
  const outlets: Kpi = { ...kpi({ op: '>=', value: 850 }), unit: '家', measure: 'stock' };
  const withBaseline = (value: number): Kpi => ({ ...outlets, baseline: { value, source: '2022年末统计' } });

  it('100 of 850 on 2023-02-01 is green when paced from 0 (a flow), but not for a stock', () => {
    expect(evaluateKpi(YEAR, { ...outlets, measure: 'flow' }, '2023-12-31', 100, '2023-02-01')).toMatchObject({
      status: 'green',
      expected: 74.5205,
    });
    // Without a declared start value: no expected figure, and the office is asked for the baseline.
    expect(evaluateKpi(YEAR, outlets, '2023-12-31', 100, '2023-02-01')).toMatchObject({
      status: 'yellow',
      expected: null,
      paceShare: null,
      reasons: ['存量指标尚无年初基数，现有100家无法按序时进度判断，请报送年初基数'],
    });
    // With a declared start value of 800: 100 is far below it.
    expect(evaluateKpi(YEAR, withBaseline(800), '2023-12-31', 100, '2023-02-01')).toMatchObject({
      status: 'yellow',
      reasons: ['现有100家，低于年初基数800家'],
    });
  });

  it('with a baseline, the expected figure runs from the baseline to the target', () => {
    // 2023-07-02: 183/365 elapsed. 500 + 350 × 183/365 = 675.4795.
    const ev = evaluateKpi(YEAR, withBaseline(500), '2023-12-31', 700, '2023-07-02');
    expect(ev).toMatchObject({ status: 'green', expected: 675.4795, paceShare: 0.5714 });
    // 520 is only 20 of the 350 to grow (5.7 %) at half the year: behind.
    expect(evaluateKpi(YEAR, withBaseline(500), '2023-12-31', 520, '2023-07-02')).toMatchObject({
      status: 'yellow',
      reasons: ['现有520家，低于序时进度应达到的675.48家'],
    });
    // The same 520 read as a flow from 0 would be 61 % of 850 at 50 % of the year: green (the old rule).
    expect(evaluateKpi(YEAR, { ...outlets, measure: 'flow' }, '2023-12-31', 520, '2023-07-02').status).toBe('green');
  });

  it('a baseline dated later in the year starts the pace there', () => {
    const late: Kpi = { ...outlets, baseline: { value: 700, date: '2023-07-01', source: '年中普查' } };
    expect(evaluateKpi(YEAR, late, '2023-12-31', 700, '2023-07-01')).toMatchObject({ status: 'green', expected: 700.8152 });
  });

  it('a deadline-only stock is green until its deadline and judged then', () => {
    const none: Kpi = { ...outlets, pace: 'none' };
    expect(evaluateKpi(YEAR, none, '2023-12-31', 100, '2023-02-01')).toMatchObject({ status: 'green', expected: null });
    expect(evaluateKpi(YEAR, none, '2023-12-31', 849, '2024-01-01').status).toBe('red');
    expect(evaluateKpi(YEAR, none, '2023-12-31', 850, '2024-01-01').status).toBe('done');
  });

  it('paceStart and isPaced: a flow from 0, a stock only from its baseline, nothing deadline-only', () => {
    expect(paceStart(YEAR, { ...outlets, measure: 'flow' })).toEqual({ value: 0, date: '2023-01-01' });
    expect(paceStart(YEAR, outlets)).toBeNull();
    expect(paceStart(YEAR, withBaseline(500))).toEqual({ value: 500, date: '2023-01-01' });
    expect(isPaced(outlets)).toBe(false);
    expect(isPaced(withBaseline(500))).toBe(true);
    expect(isPaced({ ...withBaseline(500), pace: 'none' })).toBe(false);
  });

  it('on the real plan: 100 lottery outlets on 2023-02-01 are not green', () => {
    const plan = getPlan('jining-sports-2023')!;
    const k = allKpis(plan).find((x) => x.kpiId === 'lottery-outlets')!;
    expect(k.measure).toBe('stock');
    const ev = evaluateKpi(plan, k, '2023-12-31', 100, '2023-02-01');
    expect(ev.status).not.toBe('green');
    expect(ev.expected).toBeNull();
  });
});

describe('issue 14 (2): a per-county quota is judged county by county', () => {
  const YEAR = { startDate: '2023-01-01', status: { paceMargin: 0.1, dueSoonDays: 7 } };
  const counties = ['370811', '370812', '370826', '370827', '370828', '370829', '370830', '370831', '370832', '370881', '370883'];
  const schools = { ...kpi({ op: '>=', value: 88 }), unit: '所', perOrgTarget: 8 };
  const figures = (entries: Array<[string, number]>) =>
    new Map(entries.map(([orgId, value]) => [orgId, { value, reportedAt: '2023-06-20T10:00:00+08:00' }]));

  it('one county reporting 88 schools does not make the city KPI done', () => {
    const q = evaluateQuotaKpi(YEAR, schools, '2023-12-31', figures([['370811', 88]]), counties, '2023-07-03');
    expect(q.value).toBe(88);
    expect(q.met).toBe(1);
    expect(q.status).toBe('yellow');
    expect(q.progress).toBe(Math.round((1 / 11) * 10_000) / 10_000);
    expect(q.reasons[0]).toBe('11个县（市、区）中1个达到各自任务数（每个8所）');
    expect(q.units.find((u) => u.orgId === '370811')).toMatchObject({ value: 88, status: 'done', perOrgTarget: 8 });
    expect(q.units.find((u) => u.orgId === '370883')).toMatchObject({ value: null, status: 'yellow', reportedAt: null });
    // The same figure judged as one city total (the old rule) would be done.
    expect(evaluateKpi(YEAR, schools, '2023-12-31', 88, '2023-07-03').status).toBe('done');
  });

  it('is done only when all 11 counties meet their own quota', () => {
    const ten = counties.slice(0, 10).map((c): [string, number] => [c, 8]);
    expect(evaluateQuotaKpi(YEAR, schools, '2023-12-31', figures([...ten, ['370883', 7]]), counties, '2023-11-01')).toMatchObject({
      met: 10,
      status: 'green',
    });
    expect(evaluateQuotaKpi(YEAR, schools, '2023-12-31', figures([...ten, ['370883', 8]]), counties, '2023-11-01')).toMatchObject({
      met: 11,
      status: 'done',
      progress: 1,
    });
  });

  it('paces each county on its own quota and names the counties behind', () => {
    // 2023-07-03: 184/365 elapsed; each county should have 8 × 0.504 ≈ 4.03; below 8 × (0.504 − 0.1) ≈ 3.23 is behind.
    const all = counties.map((c): [string, number] => [c, c === '370826' ? 3 : 4]);
    const q = evaluateQuotaKpi(YEAR, schools, '2023-12-31', figures(all), counties, '2023-07-03');
    expect(q.status).toBe('yellow');
    expect(q.reasons).toEqual(['11个县（市、区）中0个达到各自任务数（每个8所）', '落后于序时进度：微山县']);
    expect(q.units.filter((u) => u.status === 'green')).toHaveLength(10);
  });

  it('after the deadline names the counties short of their quota: red, or yellow for a stretch target', () => {
    const all = counties.map((c): [string, number] => [c, c === '370832' ? 6 : 8]);
    const q = evaluateQuotaKpi(YEAR, schools, '2023-12-31', figures(all), counties, '2024-01-02');
    expect(q).toMatchObject({ status: 'red', met: 10 });
    expect(q.reasons[1]).toBe('截至2023年12月31日未达到任务数：梁山县');
    expect(evaluateQuotaKpi(YEAR, { ...schools, stretch: true }, '2023-12-31', figures(all), counties, '2024-01-02').status).toBe('yellow');
  });
});
