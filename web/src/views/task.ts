import { getJson } from '../api.js';
import type { ViewContext } from '../context.js';
import { h, mount } from '../dom.js';
import { UNIT_STATUS_TEXT, cnDateTime, pct, reasonText, sectionHeading } from '../format.js';
import type { Report, TaskDetail } from '../types.js';
import { card, empty, lightBadge, paceBar, table, td } from '../widgets.js';
import { kpiCard } from './kpis.js';

/** 事项详情: the notice's text, milestones, KPIs, and each unit's latest report with its evidence. */
export async function taskView(ctx: ViewContext, taskId = ''): Promise<void> {
  const t = await getJson<TaskDetail>(`${ctx.base}/tasks/${encodeURIComponent(taskId)}?limit=100`);
  // Reports come newest first: the first of each unit is its latest.
  const latest = new Map<string, Report>();
  for (const r of t.reports.items) if (!latest.has(r.orgId)) latest.set(r.orgId, r);
  const nameOf = new Map(t.byOrg.map((o) => [o.orgId, o.name]));
  const kpiCards = t.kpis.map(kpiCard);

  const milestones = t.milestones.map((m) =>
    h(
      'tr',
      { 'data-milestone-id': m.milestoneId },
      td('节点', m.title),
      td(
        '截止日期',
        m.dueDate,
        m.assumption ? h('span', { class: 'assumed', title: '通知未载明日期，为推定日期，请督查室确认' }, '（推定）') : null,
      ),
      td('完成', m.completed ? '已完成' : '未完成'),
    ),
  );

  const units = t.byOrg.map((o) => {
    const r = latest.get(o.orgId);
    return h(
      'tr',
      { 'data-org-id': o.orgId },
      td('单位', o.name, o.role === 'lead' ? h('span', { class: 'role' }, '牵头') : h('span', { class: 'role role-support' }, '配合')),
      td('状态', o.status ? (UNIT_STATUS_TEXT[o.status] ?? o.status) : '未填报'),
      td('完成比例', o.percentComplete === null ? '—' : `${o.percentComplete}%`),
      td('填报时间', cnDateTime(o.reportedAt), o.period ? h('span', { class: 'muted' }, `（${o.period}）`) : null),
      td(
        '最新填报',
        r
          ? h('div', { class: 'report' }, r.summary || '（无说明）', evidence(r))
          : o.reportedAt
            ? h('span', { class: 'muted' }, '更早的填报未在此列出')
            : '—',
      ),
    );
  });

  mount(
    ctx.main,
    h(
      'section',
      { class: 'card task-head', 'data-task-id': t.taskId, 'data-status': t.status },
      h('p', { class: 'crumb' }, h('a', { href: '#/overview' }, '总览'), ' / ', sectionHeading(t.section.number, t.section.title)),
      h('h1', {}, `${t.taskId} ${t.title} `, lightBadge(t.status)),
      h(
        'p',
        { class: 'meta' },
        `截止 ${t.dueDate} · 牵头 ${t.leadOrgIds.map((id) => nameOf.get(id) ?? id).join('、')}`,
        t.supportOrgIds.length > 0 ? ` · 配合 ${t.supportOrgIds.map((id) => nameOf.get(id) ?? id).join('、')}` : '',
        ` · ${t.reporting.cycle === 'monthly' ? '每月' : '每季度'}${t.reporting.dueDay}日前填报`,
      ),
      paceBar(t.progress, t.expected, t.status),
      t.reasons.length > 0
        ? h(
            'ul',
            { class: 'reasons' },
            t.reasons.map((r) => h('li', {}, reasonText(r))),
          )
        : null,
      t.orgAssignmentAssumed ? h('p', { class: 'flag' }, '注：通知未明确责任单位，牵头、配合单位为系统默认，请督查室确认。') : null,
    ),
    card('通知原文', h('p', { class: 'notice-text' }, t.text)),
    card('节点', milestones.length > 0 ? table(['节点', '截止日期', '完成'], milestones, 'milestones') : empty('本事项未设节点')),
    t.kpis.length > 0
      ? h(
          'div',
          { class: 'kpi-grid' },
          kpiCards.map((c) => c.el),
        )
      : null,
    card(
      `各单位最新填报（进度 ${pct(t.progress)}）`,
      units.length > 0 ? table(['单位', '状态', '完成比例', '填报时间', '最新填报'], units, 'units') : empty('尚无单位'),
    ),
  );
  for (const c of kpiCards) c.draw();
}

/** 佐证材料: links out, opened without a referrer and without access to this page. */
function evidence(r: Report): HTMLElement | null {
  if (r.evidence.length === 0) return null;
  return h(
    'ul',
    { class: 'evidence' },
    r.evidence.map((e) => h('li', {}, h('a', { href: e.url, target: '_blank', rel: 'noopener noreferrer' }, e.title))),
  );
}
