import { ApiFailure, getJson, postJson } from '../api.js';
import type { ViewContext } from '../context.js';
import { h, mount } from '../dom.js';
import { cnDate, cnDateTime, num, targetText } from '../format.js';
import type { Reviews } from '../types.js';
import { card, empty, lightBadge, table, td } from '../widgets.js';

/**
 * 待销号: the completion claims waiting for the office's review, oldest first, each with its summary,
 * its evidence and the task's KPIs as they stand. 销号 (approve) and 退回 (return, with the office's
 * comment) need the office role: signed in with the read token, the API answers 403 and the view says so.
 */
export async function reviews(ctx: ViewContext): Promise<void> {
  const pending = await getJson<Reviews>(`${ctx.base}/reviews?state=pending`);
  const status = h('p', { class: 'review-status', role: 'status' });

  const decide = async (item: Reviews['items'][number], decision: 'approve' | 'return', comment: string, row: HTMLElement) => {
    if (decision === 'return' && comment.trim() === '') {
      status.textContent = '退回须填写意见。';
      return;
    }
    try {
      await postJson(`${ctx.base}/tasks/${encodeURIComponent(item.taskId)}/reviews`, {
        orgId: item.orgId,
        decision,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      row.remove();
      status.textContent = `${item.taskId} ${item.name}：已${decision === 'approve' ? '销号' : '退回'}。`;
    } catch (err) {
      status.textContent =
        err instanceof ApiFailure && err.status === 403
          ? '当前令牌没有督查室权限：请以督查室令牌登录后再销号或退回。'
          : `未能提交：${err instanceof Error ? err.message : String(err)}`;
    }
  };

  const rows = pending.items.map((item) => {
    const comment = h('input', {
      type: 'text',
      name: 'comment',
      placeholder: '退回意见（退回时必填）',
      'aria-label': `${item.taskId} ${item.name} 的审核意见`,
    });
    const row = h(
      'tr',
      { 'data-task-id': item.taskId, 'data-org-id': item.orgId, class: 'review-row' },
      td('事项', h('a', { href: `#/tasks/${item.taskId}` }, item.taskId), ' ', item.title),
      td('申请单位', item.name),
      td('申请时间', cnDateTime(item.claimedAt ?? item.reportedAt), item.late ? h('span', { class: 'late' }, '（逾期办结）') : null),
      td('办结时限', cnDate(item.dueDate)),
      td('情况说明', item.summary || '—'),
      td(
        '佐证材料',
        ...(item.evidence.length > 0
          ? item.evidence.map((e) => h('a', { href: e.url, target: '_blank', rel: 'noopener noreferrer', class: 'evidence' }, e.title))
          : ['—']),
      ),
      td(
        '指标',
        ...item.kpis.map((k) =>
          h(
            'div',
            { 'data-kpi-id': k.kpiId },
            lightBadge(k.status),
            ` ${k.name}：${num(k.value)}${k.unit}（目标${targetText(k.target)}${k.unit}）`,
          ),
        ),
      ),
      td(
        '审核',
        comment,
        h('button', { type: 'button', class: 'approve', onclick: () => void decide(item, 'approve', comment.value, row) }, '销号'),
        h('button', { type: 'button', class: 'return', onclick: () => void decide(item, 'return', comment.value, row) }, '退回'),
      ),
    );
    return row;
  });

  mount(
    ctx.main,
    h('h1', { class: 'view-title' }, `待销号（截至${cnDate(pending.asOf)}）`),
    card(
      `申请办结待审核（${pending.items.length}）`,
      rows.length > 0
        ? table(['事项', '申请单位', '申请时间', '办结时限', '情况说明', '佐证材料', '指标', '审核'], rows, 'reviews')
        : empty('没有待销号的申请'),
      status,
    ),
  );
}
