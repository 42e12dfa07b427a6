import { getJson } from '../api.js';
import type { ViewContext } from '../context.js';
import { h, mount } from '../dom.js';
import { addDays, cnDate, daysBetween } from '../format.js';
import type { Overdue, Plan, Rankings } from '../types.js';
import { card, empty, lightBadge, table, td } from '../widgets.js';

/**
 * How far ahead 临期 looks: the plan's `status.dueSoonDays` (an item due within it turns yellow).
 * The read API does not serve that setting, so the page keeps the plan default here.
 */
const DUE_SOON_DAYS = 7;

/**
 * 逾期 / 临期. The overdue list is the API's; the due-soon list is what would be overdue a week on
 * and is not overdue today — the same rule (due date before the day, not done), one request more.
 */
export async function overdue(ctx: ViewContext): Promise<void> {
  const plan = await getJson<Plan>(ctx.base);
  const asOf = plan.asOf;
  const [now, ahead, rankings] = await Promise.all([
    getJson<{ items: Overdue[] }>(`${ctx.base}/overdue?asOf=${asOf}`),
    getJson<{ items: Overdue[] }>(`${ctx.base}/overdue?asOf=${addDays(asOf, DUE_SOON_DAYS + 1)}`),
    getJson<Rankings>(`${ctx.base}/rankings`),
  ]);
  const names = new Map(rankings.orgs.map((o) => [o.orgId, o.name]));
  const lights = new Map(plan.tasks.map((t) => [t.taskId, t.status]));
  const key = (o: Overdue) => `${o.taskId}#${o.milestoneId ?? ''}`;
  const overdueKeys = new Set(now.items.map(key));
  const dueSoon = ahead.items
    .filter((o) => !overdueKeys.has(key(o)))
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.taskId.localeCompare(b.taskId));

  const row = (o: Overdue, last: HTMLTableCellElement[]) => {
    const light = lights.get(o.taskId);
    return h(
      'tr',
      { 'data-task-id': o.taskId, 'data-milestone-id': o.milestoneId, 'data-status': light, class: 'item-row' },
      td('事项', h('a', { href: `#/tasks/${o.taskId}` }, o.milestoneId ?? o.taskId)),
      td('名称', o.title),
      td('灯色', light ? lightBadge(light) : ''),
      td('责任单位', o.orgIds.map((id) => names.get(id) ?? id).join('、') || '—'),
      td('截止日期', o.dueDate),
      ...last,
    );
  };

  mount(
    ctx.main,
    h('h1', { class: 'view-title' }, `逾期 · 临期（截至${cnDate(asOf)}）`),
    card(
      `逾期（${now.items.length}）`,
      now.items.length > 0
        ? table(
            ['事项', '名称', '灯色', '责任单位', '截止日期', '逾期天数', '逾期工作日'],
            now.items.map((o) => row(o, [td('逾期天数', o.daysOverdue), td('逾期工作日', o.workdaysOverdue)])),
            'overdue',
          )
        : empty('没有逾期事项'),
    ),
    card(
      `临期：${DUE_SOON_DAYS}天内到期（${dueSoon.length}）`,
      dueSoon.length > 0
        ? table(
            ['事项', '名称', '灯色', '责任单位', '截止日期', '剩余天数'],
            dueSoon.map((o) => row(o, [td('剩余天数', daysBetween(asOf, o.dueDate))])),
            'due-soon',
          )
        : empty(`${DUE_SOON_DAYS}天内没有到期事项`),
    ),
  );
}
