import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importNotice } from '../../shared/plan/import/index.js';
import { Plan } from '../../shared/plan/schema.js';
import { encodeGb18030 } from '../fixtures/notices/encode-gb18030.js';

// Our own notice in the 2023 notice's genre: other items and targets, （一） items numbered per section,
// quarter and half-year deadlines, a 抄送 trailer, saved as GB18030 (generated from the UTF-8 source).
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/notices/${name}`, import.meta.url)));
const GB_BYTES = fixture('jining-sports-2024.gb18030.txt');
const UTF8_SOURCE = fixture('jining-sports-2024.utf8.txt').toString('utf8');

const draft = importNotice(GB_BYTES, { planId: 'jining-sports-2024' });
const { plan } = draft;
const kpis = plan.tasks.flatMap((t) => t.kpis);
const note = (id: string) => draft.kpiNotes.find((n) => n.kpiId === id)!;

describe('the GB18030 fixture', () => {
  it('is the UTF-8 source re-encoded, and is not UTF-8 itself', () => {
    expect(Buffer.from(encodeGb18030(UTF8_SOURCE)).equals(GB_BYTES)).toBe(true);
    expect(new TextDecoder('gb18030').decode(GB_BYTES)).toBe(UTF8_SOURCE);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(GB_BYTES)).toThrow();
  });
});

describe('importing the 2024 notice (GB18030)', () => {
  it('decodes it as GB18030 and produces the same draft as from its UTF-8 text', () => {
    expect(draft.source.encoding).toBe('gb18030');
    expect(Plan.safeParse(plan).success).toBe(true);
    expect(importNotice(UTF8_SOURCE, { planId: 'jining-sports-2024' }).plan).toEqual(plan);
  });

  it('recovers the header, with no flag for a date that agrees with the year', () => {
    expect([plan.issuer, plan.documentNumber, plan.title, plan.year, plan.issueDatePrinted, plan.startDate]).toEqual([
      '济宁市体育局',
      '济体字〔2024〕3号',
      '济宁市体育局2024年工作要点',
      2024,
      '2024年2月26日',
      '2024-01-01',
    ]);
    expect(plan.flags).toEqual([]);
    const unresolved = draft.header.addressees.filter((a) => a.match === 'none').map((a) => a.printed);
    expect(unresolved).toEqual(['市直有关部门']);
    expect(draft.review.find((r) => r.topic === 'addressees')?.refs).toEqual(['市直有关部门']);
  });

  it('has the 4 sections and the 11 （一）-numbered items in order, T01…T11, and stops at the 抄送 trailer', () => {
    expect(plan.sections.map((s) => s.title)).toEqual([
      '完善全民健身设施，打造“十五分钟健身圈”',
      '广泛开展全民健身活动',
      '提升竞技体育和体育产业水平',
      '守牢安全底线',
    ]);
    expect(plan.tasks.map((t) => `${t.taskId} ${t.sectionId} ${t.title}`)).toEqual([
      'T01 S1 推进体育公园和健身步道建设',
      'T02 S1 实施口袋公园和健身驿站工程',
      'T03 S1 提高体育场地供给水平',
      'T04 S2 办好全民健身主题活动',
      'T05 S2 加强社会体育指导员队伍建设',
      'T06 S2 做好国民体质监测',
      'T07 S3 备战省第二十六届运动会',
      'T08 S3 壮大体育产业',
      'T09 S3 承办高水平赛事',
      'T10 S4 加强安全生产监管',
      'T11 S4 做好应急保障',
    ]);
    expect(plan.tasks[10]!.text).toBe('做好应急保障。下半年组织1次应急演练，赛事活动医疗保障覆盖率达到100%。');
    expect(draft.header.sectionIntros).toEqual([
      { sectionId: 'S1', text: '围绕群众身边的健身需求，补齐设施短板，提升场地设施的覆盖面和利用率。' },
    ]);
  });

  it('reads every numeric target with its number, comparison and unit', () => {
    expect(kpis.map((k) => [k.kpiId, k.target, k.unit, k.perOrgTarget ?? null, k.rank ?? false])).toEqual([
      ['t01-k1', { op: '>=', value: 12 }, '个', null, false],
      ['t01-k2', { op: '>=', value: 100 }, '公里', null, false],
      ['t02-k1', { op: '>=', value: 22 }, '处', 2, false],
      ['t02-k2', { op: '>=', value: 11 }, '处', 1, false],
      ['t03-k1', { op: '>=', value: 3.1 }, '平方米', null, false],
      ['t03-k2', { op: '>=', value: 100 }, '%', null, false],
      ['t03-k3', { op: '>=', value: 100 }, '%', null, false],
      ['t04-k1', { op: '>=', value: 300 }, '场次', null, false],
      ['t05-k1', { op: '>=', value: 3000 }, '人次', null, false],
      ['t05-k2', { op: '>=', value: 42 }, '%', null, false],
      ['t06-k1', { op: '>=', value: 93 }, '%', null, false],
      ['t07-k1', { op: '<=', value: 5 }, '名', null, true],
      ['t07-k2', { op: 'between', min: 3, max: 5 }, '名', null, false],
      ['t08-k1', { op: '>=', value: 105000 }, '万元', null, false],
      ['t08-k2', { op: '>=', value: 1500000 }, '万元', null, false],
      ['t08-k3', { op: '>=', value: 1 }, '个', null, false],
      ['t09-k1', { op: '>=', value: 8 }, '项', null, false],
      ['t09-k2', { op: 'between', min: 1, max: 2 }, '项', null, false],
      ['t10-k1', { op: '>=', value: 4 }, '项', null, false],
      ['t10-k2', { op: '<=', value: 0 }, '起', null, false],
      ['t11-k1', { op: '>=', value: 1 }, '次', null, false],
      ['t11-k2', { op: '>=', value: 100 }, '%', null, false],
    ]);
  });

  it('tells 力争 from 争取, and marks derived targets', () => {
    expect(draft.kpiNotes.filter((n) => n.stretch).map((n) => n.kpiId)).toEqual(['t07-k1', 't07-k2', 't08-k1', 't08-k2']);
    expect(note('t08-k3')).toMatchObject({ printed: '第二个', relative: true, stretch: false, assumption: true });
    expect(note('t03-k2')).toMatchObject({ printed: '行政村健身设施实现全覆盖', coverage: true, assumption: true });
    expect(kpis.find((k) => k.kpiId === 't03-k2')!.name).toBe('行政村健身设施覆盖率');
    expect(note('t04-k1').printed).toBe('不少于300场次');
    expect(note('t06-k1').printed).toBe('不低于93%');
    expect(note('t10-k2').printed).toBe('控制在0起以内');
    expect(draft.review.find((r) => r.topic === 'kpi-coverage')?.refs).toEqual(['t03-k2']);
    expect(draft.review.find((r) => r.topic === 'kpi-per-county')?.refs).toEqual(['t02-k1', 't02-k2']);
  });

  it('turns dates into milestones: month-days confirmed, quarters, half-years and 年底前 on their last day as assumptions', () => {
    const milestones = plan.tasks.flatMap((t) => t.milestones.map((m) => [m.milestoneId, m.dueDate, m.assumption, m.title]));
    expect(milestones).toEqual([
      ['T01-M1', '2024-06-30', true, '上半年完成选址和设计'],
      ['T01-M2', '2024-09-30', true, '三季度末前全部开工'],
      ['T02-M1', '2024-06-30', false, '6月底前报送建设清单'],
      ['T04-M1', '2024-08-08', false, '8月8日全民健身日期间集中开展“全民健身日”系列活动'],
      ['T06-M1', '2024-03-31', true, '一季度完成监测站点布设'],
      ['T09-M1', '2024-05-19', false, '5月19日前完成赛事日历编制'],
      ['T10-M1', '2024-12-31', true, '年底前完成隐患整改销号'],
      ['T11-M1', '2024-12-31', true, '下半年组织1次应急演练'],
    ]);
    expect(plan.tasks.every((t) => t.dueDate === '2024-12-31')).toBe(true);
    expect(draft.review.find((r) => r.topic === 'milestone-assumed')?.refs).toEqual(['T01-M1', 'T01-M2', 'T06-M1', 'T10-M1', 'T11-M1']);
    expect(draft.review.find((r) => r.topic === 'numbers-left-out')?.message).toContain('T09“5市”');
  });
});
