import type { ReminderDueDetail, ReminderItem, ReminderKind } from '../../events/schemas.js';
import { orgName } from '../org/directory.js';
import type { Plan } from '../plan/schema.js';
import { daysBetween } from '../time/local-date.js';
import { digestIdOf } from './keys.js';
import { stagnantSince } from './policy.js';

/** Most urgent first. */
export const KIND_ORDER: readonly ReminderKind[] = ['escalation', 'overdue', 'report_missing', 'due_soon', 'stagnant'];

export const KIND_LABELS: Record<ReminderKind, string> = {
  escalation: '督办升级',
  overdue: '逾期',
  report_missing: '催报',
  due_soon: '临期',
  stagnant: '进度停滞',
};

const rank = (kind: ReminderKind) => KIND_ORDER.indexOf(kind);

/**
 * Urgency order: escalation, overdue (most days overdue first), report_missing, due_soon (fewest
 * days left first), stagnant; ties by due date, task, milestone, key.
 */
export function compareUrgency(a: ReminderItem, b: ReminderItem): number {
  return (
    rank(a.kind) - rank(b.kind) ||
    (a.kind === 'overdue' || a.kind === 'escalation' ? (b.daysOverdue ?? 0) - (a.daysOverdue ?? 0) : 0) ||
    (a.kind === 'due_soon' ? (a.daysLeft ?? 0) - (b.daysLeft ?? 0) : 0) ||
    a.dueDate.localeCompare(b.dueDate) ||
    a.taskId.localeCompare(b.taskId) ||
    (a.milestoneId ?? '').localeCompare(b.milestoneId ?? '') ||
    a.key.localeCompare(b.key)
  );
}

/** The kinds present, most urgent first. */
export function kindsOf(items: readonly Pick<ReminderItem, 'kind'>[]): ReminderKind[] {
  const present = new Set(items.map((i) => i.kind));
  return KIND_ORDER.filter((k) => present.has(k));
}

export function mostUrgentKind(items: readonly Pick<ReminderItem, 'kind'>[]): ReminderKind | undefined {
  return kindsOf(items)[0];
}

function itemName(plan: Plan, item: ReminderItem): string {
  const task = plan.tasks.find((t) => t.taskId === item.taskId);
  const taskPart = `${item.taskId} ${task?.title ?? item.title}`;
  return item.milestoneId ? `${taskPart}／节点 ${item.milestoneId}“${item.title}”` : taskPart;
}

function line(plan: Plan, date: string, item: ReminderItem): string {
  const name = itemName(plan, item);
  switch (item.kind) {
    case 'escalation':
      return `${name}：${orgName(item.subjectOrgId ?? '')}已逾期 ${item.workdaysOverdue ?? 0} 个工作日（截止 ${item.dueDate}），请督促办理`;
    case 'overdue':
      return `${name}：已逾期 ${item.daysOverdue ?? 0} 天（截止 ${item.dueDate}），请尽快办结并报送进度`;
    case 'report_missing':
      return `${name}：${item.period ?? ''} 进度未报送（应于 ${item.dueDate} 前报送），请及时填报`;
    case 'due_soon':
      return `${name}：距截止还有 ${item.daysLeft ?? 0} 天（${item.dueDate}）`;
    case 'stagnant': {
      const since = stagnantSince(item);
      return `${name}：自 ${since} 起 ${daysBetween(since, date)} 天无进度填报，请更新进度`;
    }
  }
}

/** The digest text (Chinese, Markdown that WeCom and DingTalk robots render; readable as plain text). */
export function digestText(input: { plan: Plan; date: string; orgId: string; items: readonly ReminderItem[]; deferred?: number }): string {
  const { plan, date, orgId } = input;
  const items = [...input.items].sort(compareUrgency);
  const counts = kindsOf(items)
    .map((k) => `${KIND_LABELS[k]} ${items.filter((i) => i.kind === k).length} 项`)
    .join('，');
  const lines = [
    `### 督查督办提醒（${date}）`,
    `**${orgName(orgId)}**：《${plan.title}》共 ${items.length} 项待办——${counts}。`,
    '',
    ...items.map((item, i) => `${i + 1}. 【${KIND_LABELS[item.kind]}】${line(plan, date, item)}`),
  ];
  if (input.deferred && input.deferred > 0) lines.push('', `另有 ${input.deferred} 项将在下一个工作日提醒。`);
  return lines.join('\n');
}

/** One recipient's digest for one run: items most urgent first, deterministic id. */
export function buildDigest(input: { plan: Plan; date: string; orgId: string; items: readonly ReminderItem[]; deferred?: number }): ReminderDueDetail {
  const items = [...input.items].sort(compareUrgency);
  return {
    digestId: digestIdOf(input.plan.planId, input.date, input.orgId),
    planId: input.plan.planId,
    orgId: input.orgId,
    date: input.date,
    items,
    text: digestText({ ...input, items }),
  };
}
