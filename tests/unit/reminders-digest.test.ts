import { describe, expect, it } from 'vitest';
import type { ReminderItem } from '../../events/schemas.js';
import { buildDigest, compareUrgency, kindsOf, mostUrgentKind } from '../../shared/reminders/digest.js';
import { MAX_TRANSACTION_ACTIONS, packDigest } from '../../shared/reminders/pack.js';
import type { SelectedReminder } from '../../shared/reminders/select.js';
import { channelsFromDirectory } from '../../shared/reminders/channels.js';
import { LEAD, testPlan } from './reminders.fakes.js';

const items: ReminderItem[] = [
  { key: 'stagnant#T02#o#2023-09-01', kind: 'stagnant', taskId: 'T02', dueDate: '2024-01-03', title: '跨年事项' },
  { key: 'due_soon#T01#o#d7', kind: 'due_soon', taskId: 'T01', dueDate: '2023-10-12', title: '国庆节前后事项', daysLeft: 7 },
  { key: 'due_soon#T02-M1#o#d1', kind: 'due_soon', taskId: 'T02', milestoneId: 'T02-M1', dueDate: '2023-12-29', title: '年末节点', daysLeft: 1 },
  { key: 'overdue#T01-M1#o#2023-10-09', kind: 'overdue', taskId: 'T01', milestoneId: 'T01-M1', dueDate: '2023-09-28', title: '节前节点', daysOverdue: 11, workdaysOverdue: 3 },
  { key: 'overdue#T01#o#2023-10-09', kind: 'overdue', taskId: 'T01', dueDate: '2023-10-08', title: '国庆节前后事项', daysOverdue: 1, workdaysOverdue: 1 },
  { key: 'report_missing#T01#o#2023-09', kind: 'report_missing', taskId: 'T01', dueDate: '2023-09-25', title: '国庆节前后事项', period: '2023-09' },
  { key: 'escalation#T01-M1#370811#2023-10-09', kind: 'escalation', taskId: 'T01', milestoneId: 'T01-M1', subjectOrgId: '370811', dueDate: '2023-09-28', title: '节前节点', daysOverdue: 11, workdaysOverdue: 3 },
];

describe('digest', () => {
  it('orders escalation, overdue (most overdue first), report_missing, due_soon (fewest days left first), stagnant', () => {
    expect([...items].sort(compareUrgency).map((i) => i.key)).toEqual([
      'escalation#T01-M1#370811#2023-10-09',
      'overdue#T01-M1#o#2023-10-09',
      'overdue#T01#o#2023-10-09',
      'report_missing#T01#o#2023-09',
      'due_soon#T02-M1#o#d1',
      'due_soon#T01#o#d7',
      'stagnant#T02#o#2023-09-01',
    ]);
    expect(kindsOf(items)).toEqual(['escalation', 'overdue', 'report_missing', 'due_soon', 'stagnant']);
    expect(mostUrgentKind(items.filter((i) => i.kind !== 'escalation'))).toBe('overdue');
  });

  it('is one Chinese text with counts per kind at the top, unit and task names, one numbered line per item', () => {
    const d = buildDigest({ plan: testPlan(), date: '2023-10-09', orgId: LEAD, items });
    expect(d.digestId).toBe(`test-plan#2023-10-09#${LEAD}`);
    expect(d.items[0]?.kind).toBe('escalation');
    const lines = d.text.split('\n');
    expect(lines[0]).toBe('### 督查督办提醒（2023-10-09）');
    expect(lines[1]).toBe('**群众体育科**：《测试工作要点》共 7 项待办——督办升级 1 项，逾期 2 项，催报 1 项，临期 2 项，进度停滞 1 项。');
    expect(lines.slice(3)).toEqual([
      '1. 【督办升级】T01 国庆节前后事项／节点 T01-M1“节前节点”：任城区已逾期 3 个工作日（截止 2023-09-28），请督促办理',
      '2. 【逾期】T01 国庆节前后事项／节点 T01-M1“节前节点”：已逾期 11 天（截止 2023-09-28），请尽快办结并报送进度',
      '3. 【逾期】T01 国庆节前后事项：已逾期 1 天（截止 2023-10-08），请尽快办结并报送进度',
      '4. 【催报】T01 国庆节前后事项：2023-09 进度未报送（应于 2023-09-25 前报送），请及时填报',
      '5. 【临期】T02 跨年事项／节点 T02-M1“年末节点”：距截止还有 1 天（2023-12-29）',
      '6. 【临期】T01 国庆节前后事项：距截止还有 7 天（2023-10-12）',
      '7. 【进度停滞】T02 跨年事项：自 2023-09-01 起 38 天无进度填报，请更新进度',
    ]);
  });

  it('says when items were deferred to the next workday', () => {
    const d = buildDigest({ plan: testPlan(), date: '2023-10-09', orgId: LEAD, items: items.slice(0, 1), deferred: 4 });
    expect(d.text).toContain('另有 4 项将在下一个工作日提醒。');
  });
});

describe('packDigest', () => {
  const reminder = (i: number, kind: 'escalation' | 'due_soon'): SelectedReminder => ({
    recipientOrgId: 'x',
    item: { key: `${kind}#T${i}`, kind, taskId: `T${String(i).padStart(2, '0')}`, dueDate: '2023-10-01', title: 't', daysOverdue: i, daysLeft: i },
    claimKeys: kind === 'due_soon' ? [`${kind}#T${i}#d1`, `${kind}#T${i}#d3`] : [`${kind}#T${i}`],
    ...(kind === 'escalation' ? { escalationUpdate: { item: `T${i}`, orgId: 'o' } } : {}),
  });

  it('keeps one transaction (≤ 100 actions with the digest), most urgent first, and defers the rest', () => {
    const all = [...Array.from({ length: 30 }, (_, i) => reminder(i, 'due_soon')), ...Array.from({ length: 30 }, (_, i) => reminder(i, 'escalation'))];
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
    const lookup = () => ({ orgId: 'x', name: 'x', kind: 'office' as const, supervisorOrgId: null, channels: [{ kind: 'wecom' as const, secretKey: 'x-wecom' }] });
    expect(channelsFromDirectory('x', lookup)).toEqual([{ kind: 'wecom', secretKey: 'x-wecom' }]);
  });

  it('falls back to the notifications topic when a unit has none (no reminder goes nowhere)', () => {
    expect(channelsFromDirectory(LEAD)).toEqual([{ kind: 'sns' }]);
    expect(channelsFromDirectory('unknown-org')).toEqual([{ kind: 'sns' }]);
  });
});
