import { describe, expect, it } from 'vitest';
import { ReminderDueDetail, ReminderItem } from '../../events/schemas.js';
import { buildDigest, compareUrgency, kindsOf, mostUrgentKind } from '../../shared/reminders/digest.js';
import { MAX_TRANSACTION_ACTIONS, packDigest } from '../../shared/reminders/pack.js';
import type { SelectedReminder } from '../../shared/reminders/select.js';
import { channelsFromDirectory } from '../../shared/reminders/channels.js';
import { cnPeriod } from '../../shared/time/period.js';
import { cnPeriods, cnWeekday } from '../../shared/reminders/wording.js';
import { BUREAU, LEAD, testPlan } from './reminders.fakes.js';

const items: ReminderItem[] = [
  {
    key: 'stagnant#T02#o#2023-09-01',
    kind: 'stagnant',
    taskId: 'T02',
    dueDate: '2024-01-03',
    title: '跨年事项',
    lastReportDate: '2023-09-01',
    actBy: '2023-10-11',
  },
  {
    key: 'due_soon#T01#o#d7',
    kind: 'due_soon',
    taskId: 'T01',
    dueDate: '2023-10-12',
    title: '国庆节前后事项',
    daysLeft: 3,
    workdaysLeft: 4,
    actBy: '2023-10-12',
  },
  {
    key: 'due_soon#T02-M1#o#d3',
    kind: 'due_soon',
    taskId: 'T02',
    milestoneId: 'T02-M1',
    dueDate: '2023-10-10',
    title: '节后节点',
    daysLeft: 1,
    workdaysLeft: 2,
    actBy: '2023-10-10',
    dateAssumed: true,
  },
  {
    key: 'overdue#T01-M1#o#2023-10-09',
    kind: 'overdue',
    taskId: 'T01',
    milestoneId: 'T01-M1',
    dueDate: '2023-09-28',
    title: '节前节点',
    daysOverdue: 11,
    workdaysOverdue: 3,
    actBy: '2023-10-11',
  },
  {
    key: 'overdue#T01#o#2023-10-09',
    kind: 'overdue',
    taskId: 'T01',
    dueDate: '2023-10-08',
    title: '国庆节前后事项',
    daysOverdue: 1,
    workdaysOverdue: 1,
    actBy: '2023-10-10',
  },
  {
    key: 'report_missing#T01#o#2023-10-09',
    kind: 'report_missing',
    taskId: 'T01',
    dueDate: '2023-08-25',
    title: '国庆节前后事项',
    period: '2023-08',
    periods: ['2023-08', '2023-09'],
    daysOverdue: 45,
    workdaysOverdue: 27,
    actBy: '2023-10-11',
  },
  {
    key: 'report_due_soon#T02#o#2023-Q4',
    kind: 'report_due_soon',
    taskId: 'T02',
    dueDate: '2023-12-25',
    title: '跨年事项',
    period: '2023-Q4',
    workdaysLeft: 3,
    actBy: '2023-12-25',
  },
  {
    key: 'escalation#T01-M1#370811#2023-10-09',
    kind: 'escalation',
    taskId: 'T01',
    milestoneId: 'T01-M1',
    subjectOrgId: '370811',
    dueDate: '2023-09-28',
    title: '节前节点',
    daysOverdue: 11,
    workdaysOverdue: 3,
    actBy: '2023-10-11',
  },
  {
    key: 'escalation#reports#370812#2023-10-09',
    kind: 'escalation',
    taskId: 'T02',
    subjectOrgId: '370812',
    dueDate: '2023-09-25',
    title: '跨年事项',
    period: '2023-Q3',
    reportTasks: [
      { taskId: 'T02', periods: ['2023-Q3'] },
      { taskId: 'T01', periods: ['2023-09'] },
    ],
    daysOverdue: 14,
    workdaysOverdue: 6,
    actBy: '2023-10-11',
  },
  {
    key: 'blocked#T02#370811#2023-10-08',
    kind: 'blocked',
    taskId: 'T02',
    subjectOrgId: '370811',
    dueDate: '2024-01-03',
    title: '跨年事项',
    lastReportDate: '2023-10-08',
    actBy: '2023-10-11',
  },
];

describe('digest', () => {
  it('orders escalation, blocked, overdue and 催报 (most workdays overdue first), due_soon (fewest workdays left first), report notices, stagnant', () => {
    expect([...items].sort(compareUrgency).map((i) => i.key)).toEqual([
      'escalation#reports#370812#2023-10-09',
      'escalation#T01-M1#370811#2023-10-09',
      'blocked#T02#370811#2023-10-08',
      'overdue#T01-M1#o#2023-10-09',
      'overdue#T01#o#2023-10-09',
      'report_missing#T01#o#2023-10-09',
      'due_soon#T02-M1#o#d3',
      'due_soon#T01#o#d7',
      'report_due_soon#T02#o#2023-Q4',
      'stagnant#T02#o#2023-09-01',
    ]);
    expect(kindsOf(items)).toEqual(['escalation', 'blocked', 'overdue', 'report_missing', 'due_soon', 'report_due_soon', 'stagnant']);
    expect(mostUrgentKind(items.filter((i) => i.kind !== 'escalation' && i.kind !== 'blocked'))).toBe('overdue');
  });

  it('is one Chinese text in the office’s words: counts per kind, workdays overdue, Chinese dates and periods, an instruction on every line', () => {
    const unitItems = items.filter((i) => i.kind !== 'escalation' && i.kind !== 'blocked');
    const d = buildDigest({ plan: testPlan(), date: '2023-10-09', orgId: LEAD, items: unitItems });
    expect(d.digestId).toBe(`test-plan#2023-10-09#${LEAD}`);
    expect(d.items[0]?.kind).toBe('overdue');
    const lines = d.text.split('\n');
    expect(lines[0]).toBe('### 督查督办提醒（2023年10月9日）');
    expect(lines[1]).toBe('**群众体育科**：《测试工作要点》共7项待办——逾期2项，催报1项，临期2项，报送提醒1项，进度停滞1项。');
    expect(lines.slice(3)).toEqual([
      '1. 【逾期】T01 国庆节前后事项／节点 T01-M1“节前节点”：2023年9月28日到期，已逾期3个工作日。请于2023年10月11日前办结并报送，已提请济宁市体育局督办。',
      '2. 【逾期】T01 国庆节前后事项：2023年10月8日到期，已逾期1个工作日。请于2023年10月10日前办结并报送，逾期满3个工作日将提请济宁市体育局督办。',
      '3. 【催报】T01 国庆节前后事项：2023年8月、9月进度未报送，最早一期应于2023年8月25日前报送，已逾期27个工作日。请于2023年10月11日前补报，已提请济宁市体育局督办。',
      '4. 【临期】T02 跨年事项／节点 T02-M1“节后节点”：将于2023年10月10日到期（节点日期为暂定，待督查室确认），剩余2个工作日（含今日）。请于2023年10月10日前办结并报送。',
      '5. 【临期】T01 国庆节前后事项：将于2023年10月12日到期，剩余4个工作日（含今日）。请于2023年10月12日前办结并报送。',
      '6. 【报送提醒】T02 跨年事项：请于2023年12月25日前报送2023年第四季度进度。',
      '7. 【进度停滞】T02 跨年事项：最近一次进度填报为2023年9月1日，已38天无更新。请于2023年10月11日前报送最新进度。',
    ]);
  });

  it('escalations and 协调 are addressed to the supervisor by name and name the unit concerned', () => {
    const d = buildDigest({
      plan: testPlan(),
      date: '2023-10-09',
      orgId: BUREAU,
      items: items.filter((i) => i.kind === 'escalation' || i.kind === 'blocked'),
    });
    expect(d.text.split('\n').slice(1)).toEqual([
      '**济宁市体育局**：《测试工作要点》共3项待办——督办升级2项，协调1项。',
      '',
      '1. 【督办升级】兖州区进度逾期未报送：T02 跨年事项（2023年第三季度）；T01 国庆节前后事项（2023年9月）。最早一期应于2023年9月25日前报送，已逾期6个工作日。请济宁市体育局督促其于2023年10月11日前补报。',
      '2. 【督办升级】T01 国庆节前后事项／节点 T01-M1“节前节点”：任城区未按期办结，2023年9月28日到期，已逾期3个工作日。请济宁市体育局督促其于2023年10月11日前办结并报送。',
      '3. 【协调】T02 跨年事项：任城区于2023年10月8日报告工作受阻。请济宁市体育局于2023年10月11日前协调解决，并督促其报送进度。',
    ]);
  });

  it('no ISO date or period anywhere in the text', () => {
    for (const orgId of [LEAD, BUREAU]) {
      const text = buildDigest({ plan: testPlan(), date: '2023-10-09', orgId, items }).text;
      expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
      expect(text).not.toMatch(/\d{4}-(Q[1-4]|\d{2})/);
    }
  });

  it('a deadline on a non-workday: the last workday before it is the day to hand in; the due day itself says so', () => {
    const t08: ReminderItem = {
      key: 'due_soon#T08#o#d1',
      kind: 'due_soon',
      taskId: 'T02',
      dueDate: '2023-12-31',
      title: '跨年事项',
      daysLeft: 2,
      workdaysLeft: 1,
      actBy: '2023-12-29',
    };
    expect(buildDigest({ plan: testPlan(), date: '2023-12-29', orgId: LEAD, items: [t08] }).text).toContain(
      '1. 【临期】T02 跨年事项：将于2023年12月31日（星期日，非工作日）到期，今天是到期前最后一个工作日。请于2023年12月29日前办结并报送。',
    );
    const today: ReminderItem = { ...t08, dueDate: '2023-12-29', daysLeft: 0 };
    expect(buildDigest({ plan: testPlan(), date: '2023-12-29', orgId: LEAD, items: [today] }).text).toContain(
      '1. 【临期】T02 跨年事项：今天（2023年12月29日）到期。请于2023年12月29日前办结并报送。',
    );
  });

  it('says when items were deferred to the next workday', () => {
    const d = buildDigest({ plan: testPlan(), date: '2023-10-09', orgId: LEAD, items: items.slice(0, 1), deferred: 4 });
    expect(d.text).toContain('另有4项将在下一个工作日提醒。');
  });
});

describe('wording', () => {
  it.each([
    ['2023-12-31', '星期日'],
    ['2023-10-07', '星期六'],
  ])('cnWeekday(%s) = %s', (date, text) => expect(cnWeekday(date)).toBe(text));

  it.each([
    ['2023-06', '2023年6月'],
    ['2023-12', '2023年12月'],
    ['2023-Q2', '2023年第二季度'],
    ['2023-Q4', '2023年第四季度'],
  ])('cnPeriod(%s) = %s', (period, text) => expect(cnPeriod(period)).toBe(text));

  it('says the year once per year in a list of periods, three or more in a row as a range', () => {
    expect(cnPeriods(['2023-01', '2023-02', '2023-06'])).toBe('2023年1月、2月、6月');
    expect(cnPeriods(['2023-01', '2023-02', '2023-03', '2023-04', '2023-05', '2023-06', '2023-08'])).toBe('2023年1月至6月、8月');
    expect(cnPeriods(['2023-02', '2023-04', '2023-05', '2023-06', '2023-07', '2023-09', '2023-10'])).toBe('2023年2月、4月至7月、9月、10月');
    expect(cnPeriods(['2023-Q3', '2023-Q4'])).toBe('2023年第三季度、第四季度');
    expect(cnPeriods(['2023-Q1', '2023-Q2', '2023-Q3', '2023-Q4'])).toBe('2023年第一季度至第四季度');
    expect(cnPeriods(['2023-12', '2024-01'])).toBe('2023年12月、2024年1月');
    expect(cnPeriods(['2023-06'])).toBe('2023年6月');
  });
});

describe('packDigest', () => {
  const reminder = (i: number, kind: 'escalation' | 'due_soon'): SelectedReminder => ({
    recipientOrgId: 'x',
    item: {
      key: `${kind}#T${i}`,
      kind,
      taskId: `T${String(i).padStart(2, '0')}`,
      dueDate: '2023-10-01',
      title: 't',
      daysOverdue: i,
      daysLeft: i,
    },
    claimKeys: kind === 'due_soon' ? [`${kind}#T${i}#d1`, `${kind}#T${i}#d3`] : [`${kind}#T${i}`],
    ...(kind === 'escalation' ? { escalationUpdate: { item: `T${i}`, orgId: 'o' } } : {}),
  });

  it('keeps one transaction (≤ 100 actions with the digest), most urgent first, and defers the rest', () => {
    const all = [
      ...Array.from({ length: 30 }, (_, i) => reminder(i, 'due_soon')),
      ...Array.from({ length: 30 }, (_, i) => reminder(i, 'escalation')),
    ];
    const { included, deferred } = packDigest(all);
    const actions = 1 + included.reduce((n, r) => n + r.claimKeys.length + (r.escalationUpdate ? 1 : 0), 0);
    expect(actions).toBeLessThanOrEqual(MAX_TRANSACTION_ACTIONS);
    expect(included.filter((r) => r.item.kind === 'escalation')).toHaveLength(30);
    expect(included.length + deferred.length).toBe(60);
    expect(deferred.every((r) => r.item.kind === 'due_soon')).toBe(true);
    expect(deferred.length).toBeGreaterThan(0);
  });

  it('includes everything when it fits', () => {
    expect(packDigest([reminder(1, 'due_soon')]).deferred).toEqual([]);
  });
});

describe('channelsFromDirectory', () => {
  it("uses the unit's configured channels", () => {
    const lookup = () => ({
      orgId: 'x',
      name: 'x',
      kind: 'office' as const,
      supervisorOrgId: null,
      channels: [{ kind: 'wecom' as const, secretKey: 'x-wecom' }],
    });
    expect(channelsFromDirectory('x', lookup)).toEqual([{ kind: 'wecom', secretKey: 'x-wecom' }]);
  });

  it('falls back to the notifications topic when a unit has none (no reminder goes nowhere)', () => {
    expect(channelsFromDirectory(LEAD)).toEqual([{ kind: 'sns' }]);
    expect(channelsFromDirectory('unknown-org')).toEqual([{ kind: 'sns' }]);
  });
});

describe('items about the plan, not a task (bulletin_ready)', () => {
  const bulletin: ReminderItem = {
    key: `bulletin_ready#2023-09#${BUREAU}`,
    kind: 'bulletin_ready',
    title: '2023年9月督查督办通报',
    period: '2023-09',
    link: '/v1/plans/test-plan/bulletins/2023-09',
  };

  it('comes last, after every item about a task, and is counted as 通报', () => {
    const digest = buildDigest({ plan: testPlan(), date: '2023-10-09', orgId: BUREAU, items: [bulletin, ...items] });
    expect(digest.items.at(-1)).toEqual(bulletin);
    expect(digest.text).toMatch(/，通报1项。/);
    expect(ReminderDueDetail.safeParse(digest).success).toBe(true);
  });

  it('the contract: a task’s kind names its task and due date; the bulletin names its period', () => {
    const { taskId: _t, ...noTask } = items[0]!;
    expect(ReminderItem.safeParse(noTask).error?.issues.map((i) => i.path.join('.'))).toEqual(['taskId']);
    const { period: _p, ...noPeriod } = bulletin;
    expect(ReminderItem.safeParse(noPeriod).error?.issues.map((i) => i.path.join('.'))).toEqual(['period']);
    expect(ReminderItem.safeParse({ ...bulletin, link: 'https://elsewhere.example/x' }).success).toBe(false);
    expect(ReminderItem.safeParse(bulletin).success).toBe(true);
  });
});
