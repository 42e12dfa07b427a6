import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveAddressees } from '../../shared/plan/import/addressees.js';
import { readItem } from '../../shared/plan/import/draft.js';
import { decodeNotice, importNotice, NoticeDecodeError, NoticeFormatError } from '../../shared/plan/import/index.js';
import { parseHeader } from '../../shared/plan/import/header.js';
import { Plan } from '../../shared/plan/schema.js';
import { encodeGb18030 } from '../fixtures/notices/encode-gb18030.js';

const targetsOf = (text: string) =>
  readItem(text, 2024, 11).found.targets.map((t) => ({ target: t.target, unit: t.unit, rank: t.rank, stretch: t.stretch }));
const datesOf = (text: string) => readItem(text, 2024, 11).dates.dates.map((d) => [d.dueDate, d.assumption]);

describe('reading numeric targets', () => {
  it.each([
    ['社团总数达到200个以上。', { op: '>=', value: 200 }, '个'],
    ['俱乐部达500个以上。', { op: '>=', value: 500 }, '个'],
    ['评选30所体育传统特色学校。', { op: '>=', value: 30 }, '所'],
    ['体育彩票销量达到9亿元。', { op: '>=', value: 90000 }, '万元'],
    ['补助资金500万元。', { op: '>=', value: 500 }, '万元'],
    ['每人补助300元。', { op: '>=', value: 300 }, '元'],
    ['总规模达到2.3亿元。', { op: '>=', value: 23000 }, '万元'],
    ['覆盖率达到100%。', { op: '>=', value: 100 }, '%'],
    ['合格率不低于93%。', { op: '>=', value: 93 }, '%'],
    ['赛事活动不少于300场次。', { op: '>=', value: 300 }, '场次'],
    ['事故控制在0起以内。', { op: '<=', value: 0 }, '起'],
    ['发生率低于1%。', { op: '<=', value: 1 }, '%'],
    ['人均场地面积达到3.1平方米。', { op: '>=', value: 3.1 }, '平方米'],
    ['做好等三项执法检查工作。', { op: '>=', value: 3 }, '项'],
    ['培训社会体育指导员3000人次。', { op: '>=', value: 3000 }, '人次'],
  ])('%s → %j %s', (text, target, unit) => {
    expect(targetsOf(text)).toEqual([{ target, unit, rank: false, stretch: false }]);
  });

  it('力争1-2个 is between 1 and 2 and a stretch target', () => {
    expect(targetsOf('力争年内再有1-2个县市区成功争创。')).toEqual([
      { target: { op: 'between', min: 1, max: 2 }, unit: '个', rank: false, stretch: true },
    ]);
  });

  it('力争 governs the targets it lists after semicolons, but not one with its own 争取', () => {
    expect(targetsOf('力争再有1-2个；2-3个县市区实现；50个单位达到标准。').map((t) => t.stretch)).toEqual([true, true, true]);
    expect(targetsOf('力争销量突破10亿元；争取第二个基地落户我市。').map((t) => t.stretch)).toEqual([true, false]);
  });

  it('前3名 and 前3 are a rank ≤ 3; 提前3天 is not', () => {
    expect(targetsOf('力争全省前3。')).toEqual([{ target: { op: '<=', value: 3 }, unit: '名', rank: true, stretch: true }]);
    expect(targetsOf('进入全省前5名。')).toEqual([{ target: { op: '<=', value: 5 }, unit: '名', rank: true, stretch: false }]);
    expect(targetsOf('进入全国前三，持续推进。')[0]).toMatchObject({ target: { op: '<=', value: 3 }, rank: true });
    expect(targetsOf('提前3天报送。')).toEqual([]);
  });

  it('第三个 is one more (≥ 1), marked relative', () => {
    const [t] = readItem('继济南、青岛之后，争取第三个山东省体育彩票兑奖点在我市落地。', 2024, 11).found.targets;
    expect(t).toMatchObject({ target: { op: '>=', value: 1 }, unit: '个', relative: true, name: '山东省体育彩票兑奖点在我市落地' });
  });

  it('全覆盖 without a number of its own is ≥ 100 %; with one it adds nothing', () => {
    expect(readItem('行政村健身设施实现全覆盖。', 2024, 11).found.targets).toMatchObject([
      { target: { op: '>=', value: 100 }, unit: '%', coverage: true },
    ]);
    expect(targetsOf('2-3个县市区实现“太极拳之乡”全覆盖。')).toEqual([
      { target: { op: 'between', min: 2, max: 3 }, unit: '个', rank: false, stretch: false },
    ]);
  });

  it('per-county quotas: each number is a quota per county and the target is its total over the counties', () => {
    const targets = readItem('每个县市区选拔体育基础较好的8所小学、4所初中、2所高中，与1所县级业余体校建立体系。', 2024, 11).found.targets;
    expect(targets.map((t) => [t.perCounty?.perOrgTarget, t.target, t.unit])).toEqual([
      [8, { op: '>=', value: 88 }, '所'],
      [4, { op: '>=', value: 44 }, '所'],
      [2, { op: '>=', value: 22 }, '所'],
      [1, { op: '>=', value: 11 }, '所'],
    ]);
    expect(readItem('每个县（市、区）至少建成2处口袋公园。', 2024, 3).found.targets[0]!.target).toEqual({ op: '>=', value: 6 });
  });

  it('leaves names, ordinals, years, dates and idioms alone', () => {
    for (const text of [
      '在全市试行“8421工程”。',
      '积极开展“三争”工作。',
      '举办好市第16届运动会。',
      '承办好山东省第十三届全民健身运动会。',
      '开展备战26届省运会分析研讨。',
      '自主举办二级裁判员培训班。',
      '总结2022年工作，争取2023年度额度。',
      '深入落实《全民健身实施计划（2021—2025年）》。',
      '继续开展好5.19全国太极拳大联动展示活动。',
      '走进千家万户。',
      '建立健全五大体系。',
    ]) {
      expect(targetsOf(text), text).toEqual([]);
    }
  });

  it('puts a number it does not read on the left-over list', () => {
    expect(readItem('推进沿大运河5市体育工作协调发展。', 2024, 11).found.leftOver).toEqual([
      { printed: '5市', context: '推进沿大运河5市体育工作协调发展' },
    ]);
  });
});

describe('reading dates', () => {
  it.each([
    ['继续开展好5.19全国太极拳大联动展示活动。', '2024-05-19', false],
    ['5月19日前完成编制。', '2024-05-19', false],
    ['8月8日举办活动。', '2024-08-08', false],
    ['2024年10月1日开幕。', '2024-10-01', false],
    ['6月底前报送清单。', '2024-06-30', false],
    ['2月底前报送清单。', '2024-02-29', false],
    ['9月举办联赛。', '2024-09-30', true],
    ['3月上旬启动。', '2024-03-10', true],
    ['年底前完成整改。', '2024-12-31', true],
    ['上半年完成选址。', '2024-06-30', true],
    ['下半年组织演练。', '2024-12-31', true],
    ['一季度完成布设。', '2024-03-31', true],
    ['三季度末前全部开工。', '2024-09-30', true],
    ['第四季度总结。', '2024-12-31', true],
    ['开展全民健身日活动。', '2024-08-08', false],
    ['8月8日至10日举办。', '2024-08-10', false],
  ])('%s → %s (assumption %s)', (text, date, assumption) => {
    expect(datesOf(text)).toEqual([[date, assumption]]);
  });

  it('does not read decimals, years or past dates as steps of the plan', () => {
    expect(datesOf('人均面积达到3.1平方米，增长2.5%，销量10.5亿元。')).toEqual([]);
    expect(datesOf('力争年内完成。')).toEqual([]);
    const past = readItem('总结2022年5月1日以来的工作。', 2024, 11).dates;
    expect(past.dates).toEqual([]);
    expect(past.rejected.map((r) => r.printed)).toEqual(['2022年5月1日']);
    expect(readItem('2月30日前完成。', 2024, 11).dates.rejected.map((r) => r.reason)).toEqual(['不是有效的日期']);
  });
});

describe('decoding and structure', () => {
  const notice = (body: string) =>
    `济体字〔2024〕1号\n关于印发《济宁市体育局2024年工作要点》的\n通  知\n各县（市、区）教体局：\n济宁市体育局\n2024年1月5日\n${body}`;

  it('decodes UTF-8 (with or without a BOM) and GB18030, and refuses binary', () => {
    const text = notice('一、部分\n1.事项。内容。\n');
    expect(decodeNotice(new TextEncoder().encode(`\uFEFF${text}`))).toEqual({ text, encoding: 'utf-8' });
    expect(decodeNotice(encodeGb18030(text))).toEqual({ text, encoding: 'gb18030' });
    const binary = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    expect(() => decodeNotice(binary)).toThrow(NoticeDecodeError);
    expect(() => decodeNotice(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]))).toThrow(/既不是 UTF-8，也不是 GB18030/);
  });

  it('refuses a text without numbered sections and items', () => {
    expect(() => importNotice('这是一段普通的文字，没有编号。')).toThrow(NoticeFormatError);
  });

  it('joins an item broken across lines, numbers （一） items per section, and ends at 抄送', () => {
    const draft = importNotice(
      notice(
        '一、第一部分\n（一）甲事项。内容\n\n续行。\n（二）乙事项。\n二、第二部分\n（一）丙事项。5.19开展活动。\n抄送：市政府办公室。\n',
      ),
    );
    expect(draft.plan.tasks.map((t) => [t.taskId, t.sectionId, t.title, t.text])).toEqual([
      ['T01', 'S1', '甲事项', '甲事项。内容续行。'],
      ['T02', 'S1', '乙事项', '乙事项。'],
      ['T03', 'S2', '丙事项', '丙事项。5.19开展活动。'],
    ]);
    expect(draft.plan.tasks[2]!.milestones).toEqual([
      { milestoneId: 'T03-M1', title: '5.19开展活动', dueDate: '2024-05-19', assumption: false },
    ]);
  });

  it('does not take a line starting with a date or a decimal for a new item', () => {
    const draft = importNotice(notice('一、部分\n1.甲事项。开展\n5.19活动。\n2.乙事项。\n'));
    expect(draft.plan.tasks.map((t) => t.text)).toEqual(['甲事项。开展5.19活动。', '乙事项。']);
  });

  it('without --plan-id, names the plan after the issuer and puts that on the review list', () => {
    const draft = importNotice(notice('一、部分\n1.事项。\n'));
    expect(draft.plan.planId).toBe('jn-sports-bureau-2024');
    expect(draft.review[0]).toMatchObject({ topic: 'plan-id' });
  });

  it('uses a placeholder lead unit the catalog refuses when the issuer is not in the directory', () => {
    const draft = importNotice('关于印发《某某市文化局2024年工作要点》的通知\n某某市文化局\n2024年1月5日\n一、部分\n1.事项。\n');
    expect(draft.plan.tasks[0]!.leadOrgIds).toEqual(['unassigned']);
    expect(draft.review.find((r) => r.topic === 'lead-units')?.message).toContain('不在单位目录中');
  });
});

describe('the header', () => {
  it('flags a printed date before its own document number’s year, not one late in the year before the plan', () => {
    expect(
      parseHeader(['济体字〔2023〕1号', '关于印发《济宁市体育局2023年工作要点》的通知', '济宁市体育局', '2022年4月15日']).flags,
    ).toHaveLength(1);
    expect(
      parseHeader(['济体字〔2023〕9号', '关于印发《济宁市体育局2024年工作要点》的通知', '济宁市体育局', '2023年12月28日']).flags,
    ).toEqual([]);
    const h = parseHeader(['关于印发《济宁市体育局2024年工作要点》的通知', '济宁市体育局', '二〇二四年一月五日']);
    expect([h.issueDatePrinted, h.issueDate, h.flags, h.notes]).toEqual([
      '二〇二四年一月五日',
      { year: 2024, month: 1, day: 5 },
      [],
      ['未找到文号（如“济体字〔2023〕1号”）', '未找到主送单位'],
    ]);
  });

  it('resolves addressees by name and group, and keeps (市、区) together', () => {
    expect(
      resolveAddressees('各县（市、区）教体局、体育中心，太白湖新区教育分局，市直有关部门').map((a) => [
        a.printed,
        a.match,
        a.orgIds.length,
      ]),
    ).toEqual([
      ['各县（市、区）教体局', 'group', 11],
      ['体育中心', 'group', 11],
      ['太白湖新区教育分局', 'name', 1],
      ['市直有关部门', 'none', 0],
    ]);
  });
});

describe('the draft always validates', () => {
  // Every rule's trigger words, broken and recombined: the importer must mark, never crash or emit an invalid plan.
  const FRAGMENTS = [
    '达到',
    '200个',
    '以上',
    '，',
    '力争',
    '争取',
    '1-2个',
    '3-1个',
    '9亿元',
    '前3',
    '第三个',
    '每个县市区',
    '每个县（市、区）',
    '8所小学',
    '、',
    '5.19',
    '13.45',
    '5月19日',
    '2月30日',
    '年底前',
    '上半年',
    '三季度',
    '12月',
    '底',
    '全民健身日',
    '全民健身月',
    '全覆盖',
    '100%',
    '百分之',
    '“',
    '”',
    '《',
    '》',
    '"',
    '2022年',
    '2099年1月1日',
    '不少于',
    '控制在',
    '以内',
    '0起',
    '。',
    '；',
    '\n',
    '（一）',
    '一、',
    '工作',
    '千家万户',
    '第十三届',
    '第2名',
    '～',
    '１２',
    '至',
    '5',
    '个',
    '年',
    '月',
    '日',
    '前',
    '季度',
    '二',
    '十',
    '万元',
    '亿',
    '%',
    '.',
    '-',
  ];
  it('whatever the words of the items (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 30 }), { minLength: 1, maxLength: 12 }), (items) => {
        const body = items.map((words, i) => `${i + 1}.事项${i + 1}。${words.join('')}`).join('\n');
        const draft = importNotice(`关于印发《济宁市体育局2024年工作要点》的通知\n济宁市体育局\n2024年1月5日\n一、部分\n${body}\n`);
        expect(Plan.safeParse(draft.plan).success).toBe(true);
        expect(draft.plan.tasks).toHaveLength(items.length);
      }),
    );
  });
});
