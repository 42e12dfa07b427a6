import { describe, expect, it } from 'vitest';
import type { Kpi, Target } from '../../shared/plan/schema.js';
import { evaluateKpi, meetsTarget, targetShare } from '../../shared/status/kpi.js';
import { allKpis, getPlan } from '../../shared/plan/catalog.js';

/** 2023-01-01 … 2023-01-20 (20 days): on 2023-01-10 the elapsed share is exactly 0.5; margin 0.25. */
const PLAN = { startDate: '2023-01-01', status: { paceMargin: 0.25, dueSoonDays: 3 } };
const DUE = '2023-01-20';
const MID = '2023-01-10';
const AFTER = '2023-01-21';

function kpi(target: Target, pace: 'linear' | 'none' = 'linear'): Kpi {
  return { kpiId: 'k', taskId: 'T01', name: 'k', unit: '个', target, aggregation: { kind: 'sum_latest' }, pace, measure: 'flow', stretch: false, assumption: false, source: 'test' };
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
    expect(evaluateKpi(PLAN, atLeast100, DUE, null, '2023-01-05')).toEqual({ value: null, progress: null, expected: 25, status: 'green' });
    // 2023-01-06: share 0.3 → 0 < 0.05 → yellow.
    expect(evaluateKpi(PLAN, atLeast100, DUE, null, '2023-01-06').status).toBe('yellow');
    expect(evaluateKpi(PLAN, atLeast100, DUE, null, AFTER).status).toBe('red');
  });

  it('deadline-only (none): green until the due date, red after, never an expected figure', () => {
    expect(evaluateKpi(PLAN, rankTop3, DUE, null, DUE)).toEqual({ value: null, progress: null, expected: null, status: 'green' });
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

  it('200 associations on 2023-12-31 are done; 199 on 2024-01-01 are red', () => {
    const k = byId.get('sports-associations')!;
    expect(evaluateKpi(plan, k, '2023-12-31', 200, '2023-12-31').status).toBe('done');
    expect(evaluateKpi(plan, k, '2023-12-31', 199, '2024-01-01').status).toBe('red');
  });

  it('lottery sales of 45 000 万元 at mid-year are on pace (expected ≈ 45 000)', () => {
    const k = byId.get('lottery-sales')!;
    const ev = evaluateKpi(plan, k, '2023-12-31', 45000, '2023-07-02');
    expect(ev.expected).toBe(Math.round(((90000 * 183) / 365) * 10_000) / 10_000);
    expect(ev.status).toBe('green');
    expect(ev.progress).toBe(0.5);
  });

  it('provincial rank 4 is red after the year, rank 3 is done', () => {
    const k = byId.get('venue-subsidy-rank')!;
    expect(evaluateKpi(plan, k, '2023-12-31', 4, '2024-01-01').status).toBe('red');
    expect(evaluateKpi(plan, k, '2023-12-31', 3, '2024-01-01').status).toBe('done');
  });
});
