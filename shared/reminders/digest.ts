import {
  isTaskReminderItem,
  type ReminderDueDetail,
  type ReminderItem,
  type ReminderKind,
  type TaskReminderItem,
} from '../../events/schemas.js';
import { findOrg, orgName } from '../org/directory.js';
import type { Plan } from '../plan/schema.js';
import { daysBetween, formatChineseDate as cnDate } from '../time/local-date.js';
import { digestIdOf } from './keys.js';
import { cnPeriod } from '../time/period.js';
import { cnPeriods, cnWeekday } from './wording.js';

/** Most urgent first. */
export const KIND_ORDER: readonly ReminderKind[] = [
  'escalation',
  'blocked',
  'returned',
  'overdue',
  'report_missing',
  'due_soon',
  'report_due_soon',
  'stagnant',
  'bulletin_ready',
];

export const KIND_LABELS: Record<ReminderKind, string> = {
  escalation: '督办升级',
  blocked: '协调',
  returned: '退回',
  overdue: '逾期',
  report_missing: '催报',
  due_soon: '临期',
  report_due_soon: '报送提醒',
  stagnant: '进度停滞',
  bulletin_ready: '通报',
};

const rank = (kind: ReminderKind) => KIND_ORDER.indexOf(kind);
const lateFirst = (kind: ReminderKind) => kind === 'overdue' || kind === 'escalation' || kind === 'report_missing';

/**
 * Urgency order: by kind (`KIND_ORDER`); overdue, escalation and 催报 most workdays overdue first;
 * due_soon fewest workdays left first; ties by due date, task, milestone, key.
 */
export function compareUrgency(a: ReminderItem, b: ReminderItem): number {
  return (
    rank(a.kind) - rank(b.kind) ||
    (lateFirst(a.kind) ? (b.workdaysOverdue ?? 0) - (a.workdaysOverdue ?? 0) : 0) ||
    (a.kind === 'due_soon' ? (a.workdaysLeft ?? 0) - (b.workdaysLeft ?? 0) : 0) ||
    (a.dueDate ?? '').localeCompare(b.dueDate ?? '') ||
    (a.taskId ?? '').localeCompare(b.taskId ?? '') ||
    (a.period ?? '').localeCompare(b.period ?? '') ||
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

function taskTitle(plan: Plan, taskId: string): string {
  return plan.tasks.find((t) => t.taskId === taskId)?.title ?? '';
}

function itemName(plan: Plan, item: TaskReminderItem): string {
  const taskPart = `${item.taskId} ${taskTitle(plan, item.taskId) || item.title}`;
  return item.milestoneId ? `${taskPart}／节点 ${item.milestoneId}“${item.title}”` : taskPart;
}

interface DigestInput {
  plan: Plan;
  date: string;
  orgId: string;
  items: readonly ReminderItem[];
  deferred?: number;
}

/** One line in the office's words: what, since when, how late in workdays, and what to do by when. */
function line(input: DigestInput, item: ReminderItem): string {
  const { plan, date, orgId } = input;
  if (!isTaskReminderItem(item)) return planLine(plan, item);
  const name = itemName(plan, item);
  const recipient = orgName(orgId);
  const subject = orgName(item.subjectOrgId ?? '');
  const late = item.workdaysOverdue ?? 0;
  const by = cnDate(item.actBy ?? item.dueDate);
  const periods = cnPeriods(item.periods ?? (item.period ? [item.period] : []));
  // Who the unit's overdue item goes to next, said where the unit reads it.
  const supervisorId = findOrg(orgId)?.supervisorOrgId;
  const firstEscalation = plan.reminders.escalateAfterWorkdays;
  const escalationNote = !supervisorId
    ? ''
    : late >= firstEscalation
      ? `，已提请${orgName(supervisorId)}督办`
      : `，逾期满${firstEscalation}个工作日将提请${orgName(supervisorId)}督办`;

  switch (item.kind) {
    case 'escalation':
      if (item.reportTasks) {
        const tasks = item.reportTasks.map((t) => `${t.taskId} ${taskTitle(plan, t.taskId)}（${cnPeriods(t.periods)}）`).join('；');
        return `${subject}进度逾期未报送：${tasks}。最早一期应于${cnDate(item.dueDate)}前报送，已逾期${late}个工作日。请${recipient}督促其于${by}前补报。`;
      }
      return `${name}：${subject}未按期办结，${cnDate(item.dueDate)}到期，已逾期${late}个工作日。请${recipient}督促其于${by}前办结并报送。`;
    case 'blocked':
      return `${name}：${subject}于${cnDate(item.lastReportDate ?? date)}报告工作受阻。请${recipient}于${by}前协调解决，并督促其报送进度。`;
    case 'overdue':
      return `${name}：${cnDate(item.dueDate)}到期，已逾期${late}个工作日。请于${by}前办结并报送${escalationNote}。`;
    case 'report_missing':
      return `${name}：${periods}进度未报送，最早一期应于${cnDate(item.dueDate)}前报送，已逾期${late}个工作日。请于${by}前补报${escalationNote}。`;
    case 'due_soon': {
      const offDay = item.actBy && item.actBy !== item.dueDate ? `（${cnWeekday(item.dueDate)}，非工作日）` : '';
      const assumed = item.dateAssumed ? '（节点日期为暂定，待督查室确认）' : '';
      if (item.dueDate === date) return `${name}：今天（${cnDate(item.dueDate)}）到期${assumed}。请于${by}前办结并报送。`;
      const left = item.workdaysLeft === 1 ? '今天是到期前最后一个工作日' : `剩余${item.workdaysLeft ?? 0}个工作日（含今日）`;
      return `${name}：将于${cnDate(item.dueDate)}${offDay}到期${assumed}，${left}。请于${by}前办结并报送。`;
    }
    case 'report_due_soon':
      return `${name}：请于${cnDate(item.dueDate)}前报送${item.period ? cnPeriod(item.period) : ''}进度。`;
    case 'returned': {
      const comment = item.comment ? `，退回意见：${item.comment}` : '';
      return `${name}：本单位的办结申请已于${cnDate(item.decidedOn ?? date)}被督查室退回${comment}。请按意见继续办理，于${by}前报送整改进展；办结后重新申请办结并附佐证材料。`;
    }
    case 'stagnant': {
      const since = item.lastReportDate ?? date;
      return `${name}：最近一次进度填报为${cnDate(since)}，已${daysBetween(since, date)}天无更新。请于${by}前报送最新进度。`;
    }
  }
}

/**
 * An item about the plan as a whole: the month's bulletin (通报) is ready for the office. The text
 * names no API path (what the office reads has no ISO periods); the item's `link` is for systems.
 */
function planLine(plan: Plan, item: ReminderItem): string {
  const label = item.period ? cnPeriod(item.period) : '';
  const by = item.actBy ? `于${cnDate(item.actBy)}前` : '';
  return `${label}《${plan.title}》落实情况通报已生成，可在督查督办看板“总览”页下载（Excel、CSV、网页版）。请${by}审核印发。`;
}

/** The digest text (Chinese, Markdown that WeCom and DingTalk robots render; readable as plain text). */
export function digestText(input: DigestInput): string {
  const { plan, date, orgId } = input;
  const items = [...input.items].sort(compareUrgency);
  const counts = kindsOf(items)
    .map((k) => `${KIND_LABELS[k]}${items.filter((i) => i.kind === k).length}项`)
    .join('，');
  const lines = [
    `### 督查督办提醒（${cnDate(date)}）`,
    `**${orgName(orgId)}**：《${plan.title}》共${items.length}项待办——${counts}。`,
    '',
    ...items.map((item, i) => `${i + 1}. 【${KIND_LABELS[item.kind]}】${line(input, item)}`),
  ];
  if (input.deferred && input.deferred > 0) lines.push('', `另有${input.deferred}项将在下一个工作日提醒。`);
  return lines.join('\n');
}

/** One recipient's digest for one run: items most urgent first, deterministic id. */
export function buildDigest(input: DigestInput): ReminderDueDetail {
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
