import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getPlan } from '../../shared/plan/catalog.js';
import { checkDraft, formatCheckReport, importNotice } from '../../shared/plan/import/index.js';
import { Plan, type Target } from '../../shared/plan/schema.js';

// A byte-for-byte copy of the seed notice (../shared/seed/000_e5a951f922eb8dc3.txt), kept with the tests.
const NOTICE_2023 = readFileSync(fileURLToPath(new URL('../fixtures/notices/jining-sports-2023.txt', import.meta.url)));

const draft = importNotice(NOTICE_2023, { planId: 'jining-sports-2023' });
const reference = getPlan('jining-sports-2023')!;
const report = checkDraft(draft.plan, reference);

describe('importing the 2023 notice', () => {
  it('produces a draft that validates against the plan schema', () => {
    expect(Plan.safeParse(draft.plan).success).toBe(true);
    expect(draft.source.encoding).toBe('utf-8');
  });

  it('recovers the header: issuer, number, title, year, printed date and its flag', () => {
    const { plan } = draft;
    expect(plan.issuer).toBe('济宁市体育局');
    expect(plan.documentNumber).toBe('济体字〔2023〕1号');
    expect(plan.title).toBe('济宁市体育局2023年工作要点');
    expect(plan.year).toBe(2023);
    expect(plan.issueDatePrinted).toBe('2022年4月15日');
    expect(plan.flags).toEqual([
      {
        field: 'issueDatePrinted',
        message: '印发日期印为“2022年4月15日”，与文号〔2023〕及2023年度不符，疑为2023年4月15日之误；按原文保留。',
      },
    ]);
    expect(draft.header.issuerOrgId).toBe('jn-sports-bureau');
  });

  it('maps the addressees to the directory: the 11 counties, the 3 zones, the offices and direct units', () => {
    const ids = new Set(draft.header.addressees.flatMap((a) => a.orgIds));
    expect(draft.header.addressees.map((a) => [a.printed, a.match])).toEqual([
      ['各县（市、区）教体局', 'group'],
      ['体育中心', 'group'],
      ['济宁高新区软环境保障局', 'name'],
      ['太白湖新区教育分局', 'name'],
      ['济宁经开区教育分局', 'name'],
      ['机关各科室', 'group'],
      ['各直属单位', 'group'],
    ]);
    for (const id of ['370811', '370883', 'jn-zone-gaoxin', 'jn-zone-taibaihu', 'jn-zone-jingkai', 'jn-mass-sports', 'jn-lottery-center'])
      expect(ids.has(id), id).toBe(true);
    expect(ids.has('jn-sports-bureau')).toBe(false);
  });

  it('has the 6 sections with their headings and the 27 items with their titles and full text, as the hand-written plan', () => {
    expect(draft.plan.sections.map((s) => s.title)).toEqual(reference.sections.map((s) => s.title));
    expect(draft.plan.tasks.map((t) => [t.taskId, t.sectionId, t.title])).toEqual(
      reference.tasks.map((t) => [t.taskId, t.sectionId, t.title]),
    );
    expect(draft.plan.tasks.map((t) => t.text)).toEqual(reference.tasks.map((t) => t.text));
    // The 8421 item is broken across three lines in the notice; its text is one paragraph.
    expect(draft.plan.tasks[16]!.text).toContain(
      '体育基础较好的8所小学、4所初中、2所高中，与1所县级业余体校建立本区域的青少年体育训练体系',
    );
    expect(report.header).toEqual([]);
    expect(report.sections).toEqual([]);
    expect(report.tasks).toEqual([]);
  });

  it('reads all 17 of the notice’s numeric targets with the hand-written plan’s number, comparison and unit', () => {
    expect(report.kpis.same).toHaveLength(17);
    expect(report.kpis.same.map((p) => p.referenceKpiId)).toEqual([
      'venue-subsidy-rank',
      'sports-associations',
      'sports-clubs',
      'taichi-national-counties',
      'taichi-provincial-counties',
      'taichi-training-bases',
      'provincial-games-events',
      'traditional-sports-schools',
      '8421-primary-schools',
      '8421-junior-schools',
      '8421-senior-schools',
      '8421-amateur-schools',
      'referee-courses',
      'lottery-prize-center',
      'lottery-sales',
      'lottery-outlets',
      'enforcement-inspections',
    ]);
  });

  it('a task only one side has: every KPI and milestone of it is missing (or extra), by task', () => {
    // The reference without T07, the draft with T07 renamed T99: T07 is missing, T99 extra, whole.
    const t07 = reference.tasks.find((t) => t.taskId === 'T07')!;
    const renamed = {
      ...draft.plan,
      tasks: draft.plan.tasks.map((t) =>
        t.taskId === 'T07'
          ? {
              ...t,
              taskId: 'T99',
              kpis: t.kpis.map((k) => ({ ...k, taskId: 'T99' })),
              milestones: t.milestones.map((m) => ({ ...m, milestoneId: m.milestoneId.replace('T07-', 'T99-') })),
            }
          : t,
      ),
    };
    const r = checkDraft(renamed, reference);
    expect(r.tasks.filter((t) => t.status !== 'changed').map((t) => [t.taskId, t.status])).toEqual([
      ['T07', 'missing'],
      ['T99', 'extra'],
    ]);
    expect(r.kpis.missing.filter((k) => k.taskId === 'T07').map((k) => k.kpiId)).toEqual(t07.kpis.map((k) => k.kpiId));
    expect(r.milestones.missing.filter((m) => m.taskId === 'T07').map((m) => m.milestoneId)).toEqual(
      t07.milestones.map((m) => m.milestoneId),
    );
    expect(r.kpis.extra.map((k) => k.taskId)).toEqual(draft.plan.tasks.find((t) => t.taskId === 'T07')!.kpis.map(() => 'T99'));
    expect(r.milestones.extra.map((m) => [m.taskId, m.dueDate])).toEqual(
      draft.plan.tasks.find((t) => t.taskId === 'T07')!.milestones.map((m) => ['T99', m.dueDate]),
    );
  });

  it('pins the differences --check reports against the hand-written plan', () => {
    // Every numeric target of the notice is read with its number, comparison and unit as printed.
    expect(report.kpis.changed).toEqual([]);
    expect(report.kpis.extra).toEqual([]);
    // What the hand-written plan derives from words, not numbers: an event held, a list of 7 events, the
    // alliance of the 5 canal cities, 全省第一方阵 as a rank, 对账销号 as 100 %.
    expect(report.kpis.missing.map((k) => [k.taskId, k.kpiId])).toEqual([
      ['T12', 'city-games-held'],
      ['T13', 'marathon-held'],
      ['T14', 'series-events-held'],
      ['T21', 'canal-alliance-cities'],
      ['T23', 'consumer-voucher-rank'],
      ['T25', 'inspection-findings-closed'],
    ]);
    expect(report.milestones.same.map((m) => [m.taskId, m.dueDate])).toEqual([
      ['T07', '2023-08-08'],
      ['T07', '2023-08-31'],
      ['T10', '2023-05-19'],
    ]);
    expect(report.milestones.changed).toEqual([]);
    expect(report.milestones.extra).toEqual([]);
    // Every milestone the importer does not produce is one the hand-written plan itself marks as assumed.
    expect(report.milestones.missing.map((m) => [m.milestoneId, m.dueDate, m.assumption])).toEqual([
      ['T05-M1', '2023-06-30', true],
      ['T08-M1', '2023-06-30', true],
      ['T11-M1', '2023-08-31', true],
      ['T12-M1', '2023-10-31', true],
      ['T13-M1', '2023-11-30', true],
      ['T16-M1', '2023-11-30', true],
      ['T18-M1', '2023-06-30', true],
      ['T20-M1', '2023-08-31', true],
      ['T21-M1', '2023-09-30', true],
      ['T24-M1', '2023-05-31', true],
    ]);
    const text = formatCheckReport(report).join('\n');
    expect(text).toContain('指标：相同 17，不同 0，草稿缺 6，草稿多 0');
    expect(text).toContain('草稿缺 T23 consumer-voucher-rank（≤ 5 名）');
  });

  it('reads each target kind of the notice right: ≥, between, 万元, rank, one more, per-county quotas', () => {
    const kpi = (id: string) => draft.plan.tasks.flatMap((t) => t.kpis).find((k) => k.kpiId === id)!;
    const target = (id: string): [Target, string] => [kpi(id).target, kpi(id).unit];
    expect(target('t08-k1')).toEqual([{ op: '>=', value: 200 }, '个']);
    expect(target('t10-k1')).toEqual([{ op: 'between', min: 1, max: 2 }, '个']);
    expect(target('t22-k2')).toEqual([{ op: '>=', value: 90000 }, '万元']);
    expect(target('t07-k1')).toEqual([{ op: '<=', value: 3 }, '名']);
    expect(kpi('t07-k1').rank).toBe(true);
    expect(target('t22-k1')).toEqual([{ op: '>=', value: 1 }, '个']);
    expect(['t17-k1', 't17-k2', 't17-k3', 't17-k4'].map((id) => [kpi(id).perOrgTarget, kpi(id).target])).toEqual([
      [8, { op: '>=', value: 88 }],
      [4, { op: '>=', value: 44 }],
      [2, { op: '>=', value: 22 }],
      [1, { op: '>=', value: 11 }],
    ]);
    expect(kpi('t08-k1').source).toBe('推进体育社会组织建设，力争市县两级体育社团总数达到200个以上，各级各类体育俱乐部达500个以上');
    const notes = new Map(draft.kpiNotes.map((n) => [n.kpiId, n]));
    expect(notes.get('t10-k1')).toMatchObject({ stretch: true, printed: '1-2个' });
    expect(notes.get('t22-k1')).toMatchObject({ stretch: false, relative: true, assumption: true, printed: '第三个' });
    expect(notes.get('t17-k1')).toMatchObject({ assumption: true, perCounty: { perOrgTarget: 8, counties: 11 } });
    expect(notes.get('t16-k1')).toMatchObject({ stretch: false, assumption: false });
  });

  it('puts on the review list what the notice does not say, and marks it in the draft', () => {
    const topics = new Map(draft.review.map((r) => [r.topic, r]));
    const allTasks = draft.plan.tasks.map((t) => t.taskId);
    expect(topics.get('lead-units')?.refs).toEqual(allTasks);
    expect(topics.get('reporting-cycle')?.refs).toEqual(allTasks);
    expect(topics.get('kpi-aggregation')?.refs).toEqual(draft.plan.tasks.flatMap((t) => t.kpis.map((k) => k.kpiId)));
    expect(topics.get('kpi-stretch')?.refs).toEqual(['t07-k1', 't08-k1', 't08-k2', 't10-k1', 't10-k2', 't10-k3', 't22-k2', 't22-k3']);
    expect(topics.get('kpi-per-county')?.refs).toEqual(['t17-k1', 't17-k2', 't17-k3', 't17-k4']);
    expect(topics.get('kpi-relative')?.refs).toEqual(['t22-k1']);
    expect(topics.get('milestone-assumed')?.refs).toEqual(['T07-M2']);
    expect(topics.get('numbers-left-out')?.message).toContain('T21“5市”');
    expect(topics.has('plan-id')).toBe(false);
    for (const task of draft.plan.tasks) {
      expect(task.orgAssignmentAssumed).toBe(true);
      expect(task.leadOrgIds).toEqual(['jn-sports-bureau']);
    }
    // T10 says 年内: its year-end deadline is printed, not a default.
    expect(topics.get('due-date')?.refs).not.toContain('T10');
    expect(topics.get('due-date')?.refs).toHaveLength(26);
  });
});
