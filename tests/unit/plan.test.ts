import { describe, expect, it } from 'vitest';
import { allKpis, findTask, getPlan, listPlans } from '../../shared/plan/catalog.js';
import { Plan, type PlanInput } from '../../shared/plan/schema.js';
import { jiningSports2023 } from '../../shared/plan/plans/jining-sports-2023.js';
import { COUNTY_AND_ZONE_IDS, COUNTY_IDS, ORGS, findOrg, orgName } from '../../shared/org/directory.js';

const TASK_IDS = Array.from({ length: 27 }, (_, i) => `T${String(i + 1).padStart(2, '0')}`);

function loadedPlan(): Plan {
  const plan = getPlan('jining-sports-2023');
  if (!plan) throw new Error('plan jining-sports-2023 is not in the catalog');
  return plan;
}

describe('the 2023 plan as data', () => {
  const plan = loadedPlan();

  it('validates against the schema', () => {
    expect(Plan.safeParse(jiningSports2023).success).toBe(true);
    expect(listPlans().map((p) => p.planId)).toContain('jining-sports-2023');
  });

  it('has the 27 items T01…T27 in 6 sections', () => {
    expect(plan.tasks.map((t) => t.taskId)).toEqual(TASK_IDS);
    expect(plan.sections).toHaveLength(6);
    expect(new Set(plan.tasks.map((t) => t.sectionId))).toEqual(new Set(['S1', 'S2', 'S3', 'S4', 'S5', 'S6']));
    expect(plan.tasks[0]!.title).toBe('强化理论武装');
  });

  it('puts every item in the section the notice prints it under', () => {
    const expected: Record<string, string[]> = {
      S1: ['T01', 'T02', 'T03', 'T04', 'T05'],
      S2: ['T06', 'T07', 'T08', 'T09', 'T10'],
      S3: ['T11', 'T12', 'T13', 'T14', 'T15'],
      S4: ['T16', 'T17', 'T18', 'T19', 'T20'],
      S5: ['T21', 'T22', 'T23', 'T24'],
      S6: ['T25', 'T26', 'T27'],
    };
    for (const [sectionId, taskIds] of Object.entries(expected)) {
      expect(
        plan.tasks.filter((t) => t.sectionId === sectionId).map((t) => t.taskId),
        sectionId,
      ).toEqual(taskIds);
    }
    expect(plan.sections.map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps each item title as its own heading and the full text starting with it', () => {
    const titles: Record<string, string> = {
      T08: '健全完善各级体育组织网络',
      T13: '举办济宁国际马拉松比赛',
      T17: '在全市试行“8421工程”',
      T22: '积极开展“三争”工作',
      T27: '守牢反兴奋剂底线',
    };
    for (const [taskId, title] of Object.entries(titles)) expect(findTask(plan, taskId)?.title).toBe(title);
    for (const task of plan.tasks) expect(task.text.startsWith(`${task.title}。`), task.taskId).toBe(true);
  });

  it('carries the notice header: number, issuer, time zone, year', () => {
    expect(plan.title).toBe('济宁市体育局2023年工作要点');
    expect(plan.documentNumber).toBe('济体字〔2023〕1号');
    expect(plan.issuer).toBe('济宁市体育局');
    expect(plan.year).toBe(2023);
    expect(plan.timeZone).toBe('Asia/Shanghai');
    expect(plan.startDate).toBe('2023-01-01');
  });

  it('keeps the printed issue date as printed and flags the contradiction', () => {
    expect(plan.issueDatePrinted).toBe('2022年4月15日');
    const flag = plan.flags.find((f) => f.field === 'issueDatePrinted');
    expect(flag).toBeDefined();
    expect(flag!.message).toContain('2022年4月15日');
  });

  it('ends every item on 2023-12-31 and keeps each milestone inside its item', () => {
    for (const task of plan.tasks) {
      expect(task.dueDate, task.taskId).toBe('2023-12-31');
      for (const m of task.milestones) {
        expect(m.milestoneId.startsWith(`${task.taskId}-M`), m.milestoneId).toBe(true);
        expect(m.dueDate >= plan.startDate && m.dueDate <= task.dueDate, m.milestoneId).toBe(true);
      }
    }
  });

  it('has the two dated events the notice prints as non-assumed milestones: 5.19 and 8.8', () => {
    const milestones = plan.tasks.flatMap((t) => t.milestones.map((m) => ({ ...m, taskId: t.taskId })));
    const taichi = milestones.find((m) => m.dueDate === '2023-05-19');
    expect(taichi).toMatchObject({ taskId: 'T10', assumption: false });
    expect(taichi!.title).toContain('太极拳');
    const fitnessDay = milestones.find((m) => m.dueDate === '2023-08-08');
    expect(fitnessDay).toMatchObject({ taskId: 'T07', assumption: false });
    expect(fitnessDay!.title).toContain('全民健身日');
    // Any other date is our inference and must say so.
    for (const m of milestones.filter((x) => x.dueDate !== '2023-05-19' && x.dueDate !== '2023-08-08')) {
      expect(m.assumption, m.milestoneId).toBe(true);
    }
  });

  it('marks every lead/support assignment as an editable assumption', () => {
    for (const task of plan.tasks) {
      expect(task.orgAssignmentAssumed, task.taskId).toBe(true);
      expect(task.leadOrgIds.length, task.taskId).toBeGreaterThan(0);
    }
  });

  it('reports monthly or quarterly with a due day', () => {
    for (const task of plan.tasks) {
      expect(['monthly', 'quarterly']).toContain(task.reporting.cycle);
      expect(task.reporting.dueDay).toBeGreaterThanOrEqual(1);
      expect(task.reporting.dueDay).toBeLessThanOrEqual(28);
    }
  });

  it('names only organisations the directory knows', () => {
    for (const task of plan.tasks) {
      for (const orgId of [...task.leadOrgIds, ...task.supportOrgIds]) expect(findOrg(orgId), `${task.taskId} ${orgId}`).toBeDefined();
      for (const kpi of task.kpis) {
        if (kpi.aggregation.kind === 'latest_of_org') expect(findOrg(kpi.aggregation.orgId), kpi.kpiId).toBeDefined();
      }
    }
  });

  it('uses the default status and reminder thresholds', () => {
    expect(plan.status).toEqual({ paceMargin: 0.1, dueSoonDays: 7 });
    expect(plan.reminders.dueSoonDays).toEqual([7, 3, 1]);
  });
});

describe('the KPIs of the 2023 plan', () => {
  const plan = loadedPlan();
  const kpis = allKpis(plan);
  const byId = new Map(kpis.map((k) => [k.kpiId, k]));

  it('has at least 15 KPIs with unique ids, each under the task it names', () => {
    expect(kpis.length).toBeGreaterThanOrEqual(15);
    expect(byId.size).toBe(kpis.length);
    for (const task of plan.tasks) for (const k of task.kpis) expect(k.taskId).toBe(task.taskId);
  });

  // Every numeric target the notice prints, by item.
  it.each([
    ['sports-associations', 'T08', { op: '>=', value: 200 }, '个'],
    ['sports-clubs', 'T08', { op: '>=', value: 500 }, '个'],
    ['taichi-national-counties', 'T10', { op: 'between', min: 1, max: 2 }, '个'],
    ['taichi-provincial-counties', 'T10', { op: 'between', min: 2, max: 3 }, '个'],
    ['taichi-training-bases', 'T10', { op: '>=', value: 50 }, '个'],
    ['provincial-games-events', 'T11', { op: '>=', value: 11 }, '个'],
    ['series-events-held', 'T14', { op: '>=', value: 7 }, '项'],
    ['traditional-sports-schools', 'T16', { op: '>=', value: 30 }, '所'],
    ['8421-primary-schools', 'T17', { op: '>=', value: 88 }, '所'],
    ['8421-junior-schools', 'T17', { op: '>=', value: 44 }, '所'],
    ['8421-senior-schools', 'T17', { op: '>=', value: 22 }, '所'],
    ['8421-amateur-schools', 'T17', { op: '>=', value: 11 }, '所'],
    ['referee-courses', 'T19', { op: 'between', min: 2, max: 3 }, '个'],
    ['lottery-sales', 'T22', { op: '>=', value: 90000 }, '万元'],
    ['lottery-outlets', 'T22', { op: '>=', value: 850 }, '家'],
    ['venue-subsidy-rank', 'T07', { op: '<=', value: 3 }, '名'],
    ['enforcement-inspections', 'T25', { op: '>=', value: 3 }, '项'],
    ['inspection-findings-closed', 'T25', { op: '>=', value: 100 }, '%'],
    ['canal-alliance-cities', 'T21', { op: '>=', value: 5 }, '市'],
    ['consumer-voucher-rank', 'T23', { op: '<=', value: 5 }, '名'],
  ] as const)('%s (%s) has target %j in %s', (kpiId, taskId, target, unit) => {
    const kpi = byId.get(kpiId);
    expect(kpi, kpiId).toBeDefined();
    expect(kpi!.taskId).toBe(taskId);
    expect(kpi!.target).toEqual(target);
    expect(kpi!.unit).toBe(unit);
    expect(kpi!.source.length).toBeGreaterThan(0);
  });

  it('builds the 8421 quotas per county: 8/4/2/1 each, ×11 counties for the city', () => {
    expect(COUNTY_IDS).toHaveLength(11);
    const quotas: Array<[string, number]> = [
      ['8421-primary-schools', 8],
      ['8421-junior-schools', 4],
      ['8421-senior-schools', 2],
      ['8421-amateur-schools', 1],
    ];
    for (const [kpiId, perCounty] of quotas) {
      const kpi = byId.get(kpiId)!;
      expect(kpi.perOrgTarget, kpiId).toBe(perCounty);
      expect(kpi.target).toEqual({ op: '>=', value: perCounty * COUNTY_IDS.length });
      expect(kpi.aggregation).toEqual({ kind: 'sum_latest' });
    }
    // The counties (not the functional zones) carry the 8421 quota.
    expect([...findTask(plan, 'T17')!.supportOrgIds].sort()).toEqual([...COUNTY_IDS].sort());
  });

  it('expresses ¥900 million of lottery sales in 万元 and reads it from the lottery centre', () => {
    const sales = byId.get('lottery-sales')!;
    expect(sales.target).toEqual({ op: '>=', value: 9e8 / 1e4 });
    expect(sales.aggregation).toEqual({ kind: 'latest_of_org', orgId: 'jn-lottery-center' });
    expect(byId.get('lottery-outlets')!.aggregation).toEqual({ kind: 'latest_of_org', orgId: 'jn-lottery-center' });
  });

  it('judges the provincial rank only at the deadline (a rank has no linear pace)', () => {
    expect(byId.get('venue-subsidy-rank')!.pace).toBe('none');
  });

  it('counts held events for the games, series and marathon items', () => {
    expect(byId.get('provincial-games-events')!.aggregation.kind).toBe('count_held_events');
    expect(byId.get('series-events-held')!.aggregation.kind).toBe('count_held_events');
    expect(byId.get('marathon-held')!.aggregation).toEqual({ kind: 'count_held_events', categories: ['marathon'] });
  });
});

describe('issue 14: stretch, assumed and stock targets of the 2023 plan', () => {
  const plan = loadedPlan();
  const kpis = allKpis(plan);
  const byId = new Map(kpis.map((k) => [k.kpiId, k]));

  it('marks stretch (力争) exactly the targets the notice introduces with 力争: T07, T08, T10, T22', () => {
    const stretch = kpis
      .filter((k) => k.stretch)
      .map((k) => k.kpiId)
      .sort();
    expect(stretch).toEqual(
      [
        'venue-subsidy-rank',
        'sports-associations',
        'sports-clubs',
        'taichi-national-counties',
        'taichi-provincial-counties',
        'taichi-training-bases',
        'lottery-sales',
        'lottery-outlets',
      ].sort(),
    );
    for (const k of kpis.filter((x) => x.stretch)) expect(findTask(plan, k.taskId)!.text, k.kpiId).toContain('力争');
    // 争取 (the prize centre) and 努力争取 (T23) are not 力争.
    expect(byId.get('lottery-prize-center')!.stretch).toBe(false);
    expect(byId.get('consumer-voucher-rank')!.stretch).toBe(false);
  });

  it('flags the derived targets as assumptions, each with a note for the office to confirm', () => {
    const assumed = kpis
      .filter((k) => k.assumption)
      .map((k) => k.kpiId)
      .sort();
    expect(assumed).toEqual(['canal-alliance-cities', 'consumer-voucher-rank', 'inspection-findings-closed', 'series-events-held'].sort());
    for (const id of assumed) expect(byId.get(id)!.note, id).toMatch(/请督查室确认$/);
    expect(byId.get('series-events-held')!.note).toContain('等');
    expect(byId.get('consumer-voucher-rank')!.note).toContain('前5名');
  });

  it('adds the two missing targets: T21 the alliance of the 5 canal cities, T23 the provincial rank (a rank KPI)', () => {
    const canal = byId.get('canal-alliance-cities')!;
    expect(canal).toMatchObject({ taskId: 'T21', aggregation: { kind: 'latest_of_org', orgId: 'jn-sports-economy' }, pace: 'none' });
    expect(findTask(plan, 'T21')!.text).toContain('沿大运河5市');
    const voucher = byId.get('consumer-voucher-rank')!;
    expect(voucher).toMatchObject({
      taskId: 'T23',
      rank: true,
      pace: 'none',
      aggregation: { kind: 'latest_of_org', orgId: 'jn-sports-economy' },
    });
    expect(findTask(plan, 'T23')!.text).toContain('进入全省第一方阵');
  });

  it('treats year-end stocks as stocks (never paced from 0) and the new 8421 programme as a flow', () => {
    for (const id of ['sports-associations', 'sports-clubs', 'taichi-training-bases', 'traditional-sports-schools', 'lottery-outlets'])
      expect(byId.get(id)!.measure, id).toBe('stock');
    for (const id of ['lottery-sales', '8421-primary-schools', 'series-events-held']) expect(byId.get(id)!.measure, id).toBe('flow');
    // No start value is printed in the notice: none is invented.
    expect(kpis.filter((k) => k.baseline)).toEqual([]);
  });

  it('counts the 8421 quotas from the 11 counties only', () => {
    for (const id of ['8421-primary-schools', '8421-junior-schools', '8421-senior-schools', '8421-amateur-schools'])
      expect(byId.get(id)!.reportingOrgIds, id).toEqual(COUNTY_IDS);
  });

  it('lets the held marathon and the held city games complete their milestones; lead units own every milestone', () => {
    const milestones = plan.tasks.flatMap((t) => t.milestones);
    expect(milestones.filter((m) => m.completedBy).map((m) => [m.milestoneId, m.completedBy!.heldEvent.categories])).toEqual([
      ['T12-M1', ['games']],
      ['T13-M1', ['marathon']],
    ]);
    expect(milestones.filter((m) => m.ownerOrgIds)).toEqual([]);
  });
});

describe('the organisation directory', () => {
  const COUNTIES: Array<[string, string]> = [
    ['370811', '任城区'],
    ['370812', '兖州区'],
    ['370826', '微山县'],
    ['370827', '鱼台县'],
    ['370828', '金乡县'],
    ['370829', '嘉祥县'],
    ['370830', '汶上县'],
    ['370831', '泗水县'],
    ['370832', '梁山县'],
    ['370881', '曲阜市'],
    ['370883', '邹城市'],
  ];

  it('has the 11 county-level divisions by their GB/T 2260 codes', () => {
    expect(COUNTY_IDS).toEqual(COUNTIES.map(([code]) => code));
    for (const [code, name] of COUNTIES) {
      expect(findOrg(code)).toMatchObject({ orgId: code, name, kind: 'county', divisionCode: code });
      expect(orgName(code)).toBe(name);
    }
  });

  it('has the three functional zones the notice addresses', () => {
    const zones = ORGS.filter((o) => o.kind === 'zone');
    expect(zones).toHaveLength(3);
    const names = zones.map((z) => z.name).join('|');
    for (const word of ['高新区', '太白湖新区', '经开区']) expect(names).toContain(word);
    expect(COUNTY_AND_ZONE_IDS).toEqual([...COUNTY_IDS, ...zones.map((z) => z.orgId)]);
    for (const z of zones) expect(z.divisionCode).toBeUndefined();
  });

  it('has unique ids and a known supervisor for every organisation except the bureau', () => {
    expect(new Set(ORGS.map((o) => o.orgId)).size).toBe(ORGS.length);
    const bureaus = ORGS.filter((o) => o.kind === 'bureau');
    expect(bureaus).toHaveLength(1);
    expect(bureaus[0]!.supervisorOrgId).toBeNull();
    for (const org of ORGS.filter((o) => o.kind !== 'bureau')) {
      expect(org.supervisorOrgId, org.orgId).not.toBeNull();
      expect(findOrg(org.supervisorOrgId!), org.orgId).toBeDefined();
      expect(org.supervisorOrgId, org.orgId).not.toBe(org.orgId);
    }
  });

  it('starts every organisation with no notification channel', () => {
    for (const org of ORGS) expect(org.channels, org.orgId).toEqual([]);
  });

  it('returns undefined for an unknown id and falls back to the id as its name', () => {
    expect(findOrg('370899')).toBeUndefined();
    expect(orgName('370899')).toBe('370899');
  });
});

describe('Plan rejects inconsistent data with the path of the fault', () => {
  function mutated(edit: (p: PlanInput) => void): PlanInput {
    const copy = structuredClone(jiningSports2023);
    edit(copy);
    return copy;
  }

  function issuePaths(input: PlanInput): Array<{ path: PropertyKey[]; message: string }> {
    const result = Plan.safeParse(input);
    expect(result.success).toBe(false);
    return result.error!.issues.map((i) => ({ path: i.path, message: i.message }));
  }

  it('a duplicate taskId', () => {
    const issues = issuePaths(
      mutated((p) => {
        p.tasks[1]!.taskId = 'T01';
      }),
    );
    expect(issues).toEqual([{ path: ['tasks', 1, 'taskId'], message: 'duplicate taskId T01' }]);
  });

  it('a KPI under the wrong task', () => {
    // T08 is index 7; its first KPI claims T09.
    const issues = issuePaths(
      mutated((p) => {
        p.tasks[7]!.kpis![0]!.taskId = 'T09';
      }),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(['tasks', 7, 'kpis', 0, 'taskId']);
    expect(issues[0]!.message).toContain('T08');
  });

  it('an unknown section', () => {
    const issues = issuePaths(
      mutated((p) => {
        p.tasks[26]!.sectionId = 'S7';
      }),
    );
    expect(issues).toEqual([{ path: ['tasks', 26, 'sectionId'], message: 'unknown section S7' }]);
  });

  it('a milestone due after its task', () => {
    // T10 (index 9) has the 5.19 milestone; move it into 2024.
    const issues = issuePaths(
      mutated((p) => {
        p.tasks[9]!.milestones![0]!.dueDate = '2024-05-19';
      }),
    );
    expect(issues).toEqual([{ path: ['tasks', 9, 'milestones', 0, 'dueDate'], message: 'milestone due after its task' }]);
  });

  it('a duplicate kpiId across tasks', () => {
    const issues = issuePaths(
      mutated((p) => {
        p.tasks[9]!.kpis![0]!.kpiId = 'sports-associations';
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([['tasks', 9, 'kpis', 0, 'kpiId']]);
  });

  it('a milestone id that does not belong to its task', () => {
    const issues = issuePaths(
      mutated((p) => {
        p.tasks[9]!.milestones![0]!.milestoneId = 'T11-M9';
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([['tasks', 9, 'milestones', 0]]);
  });

  it('a between target with min above max', () => {
    const issues = issuePaths(
      mutated((p) => {
        p.tasks[9]!.kpis![0]!.target = { op: 'between', min: 3, max: 2 };
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([['tasks', 9, 'kpis', 0, 'target']]);
  });

  it('a milestone owner that is not a unit of the task', () => {
    const issues = issuePaths(
      mutated((p) => {
        p.tasks[9]!.milestones![0]!.ownerOrgIds = ['jn-lottery-center'];
      }),
    );
    expect(issues).toEqual([{ path: ['tasks', 9, 'milestones', 0, 'ownerOrgIds', 0], message: 'jn-lottery-center is not a unit of T10' }]);
  });

  it('a baseline on a flow KPI, and a quota on a KPI that is not summed per unit', () => {
    const issues = issuePaths(
      mutated((p) => {
        p.tasks[21]!.kpis![0]!.baseline = { value: 80000, source: 'x' }; // lottery sales: a flow
        p.tasks[21]!.kpis![1]!.perOrgTarget = 10; // lottery outlets: latest_of_org
      }),
    );
    expect(issues).toEqual([
      { path: ['tasks', 21, 'kpis', 0, 'baseline'], message: 'only a stock KPI has a baseline' },
      { path: ['tasks', 21, 'kpis', 1, 'perOrgTarget'], message: 'a per-unit quota needs sum_latest' },
    ]);
  });

  it('a malformed taskId', () => {
    const issues = issuePaths(
      mutated((p) => {
        p.tasks[0]!.taskId = 'T1';
      }),
    );
    expect(issues.map((i) => i.path)).toContainEqual(['tasks', 0, 'taskId']);
  });
});
