import { monthPeriodOf } from '../../../shared/bulletin/period.js';
import { download, getJson } from '../api.js';
import type { ViewContext } from '../context.js';
import { h, mount } from '../dom.js';
import { LIGHT_ORDER, LIGHT_TEXT, cnDate, pct, sectionHeading } from '../format.js';
import type { Light, Plan, Rankings, Task } from '../types.js';
import { empty, lightBadge, paceBar, table, td } from '../widgets.js';

/** 总览: the plan header, light counts, the six sections with their items; filter by unit and light. */
export async function overview(ctx: ViewContext): Promise<void> {
  const [plan, rankings] = await Promise.all([getJson<Plan>(ctx.base), getJson<Rankings>(`${ctx.base}/rankings`)]);
  const names = new Map(rankings.orgs.map((o) => [o.orgId, o.name]));
  const nameOf = (id: string) => names.get(id) ?? id;
  const org = ctx.params.get('org') ?? '';
  const light = (ctx.params.get('light') ?? '') as Light | '';

  const setFilter = (key: 'org' | 'light', value: string) => {
    const p = new URLSearchParams(ctx.params);
    if (value) p.set(key, value);
    else p.delete(key);
    const q = p.toString();
    location.hash = `#/overview${q ? `?${q}` : ''}`;
  };

  const counts = h(
    'div',
    { class: 'counts' },
    (['green', 'yellow', 'red', 'done'] as const).map((l) =>
      h(
        'button',
        {
          type: 'button',
          class: `count count-${l}${light === l ? ' active' : ''}`,
          'data-light': l,
          'aria-pressed': light === l ? 'true' : 'false',
          onclick: () => setFilter('light', light === l ? '' : l),
        },
        h('span', { class: 'count-n' }, plan.summary[l]),
        h('span', { class: 'count-label' }, LIGHT_TEXT[l]),
      ),
    ),
  );

  const units = [...new Set(plan.tasks.flatMap((t) => [...t.leadOrgIds, ...t.supportOrgIds]))].sort((a, b) =>
    nameOf(a).localeCompare(nameOf(b), 'zh-CN'),
  );
  const filters = h(
    'div',
    { class: 'filters' },
    h(
      'label',
      {},
      '单位 ',
      h(
        'select',
        { name: 'org', onchange: (e: Event) => setFilter('org', (e.target as HTMLSelectElement).value) },
        h('option', { value: '' }, '全部单位'),
        units.map((id) => h('option', { value: id, selected: id === org }, nameOf(id))),
      ),
    ),
    h(
      'label',
      {},
      '灯色 ',
      h(
        'select',
        { name: 'light', onchange: (e: Event) => setFilter('light', (e.target as HTMLSelectElement).value) },
        h('option', { value: '' }, '全部'),
        LIGHT_ORDER.map((l) => h('option', { value: l, selected: l === light }, LIGHT_TEXT[l])),
      ),
    ),
  );

  const shown = (t: Task) => (!light || t.status === light) && (!org || t.leadOrgIds.includes(org) || t.supportOrgIds.includes(org));
  const sections = plan.sections.map((s) => {
    const tasks = plan.tasks.filter((t) => t.section.sectionId === s.sectionId && shown(t));
    const rows = tasks.map((t) =>
      h(
        'tr',
        { 'data-task-id': t.taskId, 'data-status': t.status, class: 'task-row' },
        td('编号', t.taskId),
        td('事项', h('a', { href: `#/tasks/${t.taskId}` }, t.title)),
        td('灯色', lightBadge(t.status)),
        td('进度', paceBar(t.progress, t.expected, t.status)),
        td('牵头单位', t.leadOrgIds.map(nameOf).join('、')),
        td('截止日期', t.dueDate),
      ),
    );
    return h(
      'section',
      { class: 'card section', 'data-section-id': s.sectionId },
      h('h2', {}, sectionHeading(s.number, s.title)),
      h('p', { class: 'section-counts' }, `共${s.tasks}项：绿灯${s.green}、黄灯${s.yellow}、红灯${s.red}、已办结${s.done}`),
      rows.length > 0
        ? table(['编号', '事项', '灯色', '进度 / 序时', '牵头单位', '截止日期'], rows, 'tasks')
        : empty('没有符合筛选条件的事项'),
    );
  });

  mount(
    ctx.main,
    h(
      'section',
      { class: 'card plan-head' },
      h('h1', {}, plan.title),
      h(
        'p',
        { class: 'meta' },
        `${plan.issuer} · ${plan.documentNumber} · 数据日期 ${cnDate(plan.asOf)} · 全年序时进度 ${pct(plan.expected)}`,
      ),
      plan.flags.map((f) => h('p', { class: 'flag' }, `注：${f.message}`)),
      counts,
      bulletinLinks(ctx, plan),
      amendmentHistory(plan),
    ),
    filters,
    sections,
  );
}

/** The month's bulletin (通报) in its three formats, downloaded with the token. */
function bulletinLinks(ctx: ViewContext, plan: Plan): HTMLElement {
  const months: string[] = [];
  for (let m = 1; m <= 12; m++) {
    const id = `${plan.year}-${String(m).padStart(2, '0')}`;
    if (`${id}-01` <= plan.asOf) months.push(id);
  }
  const select = h(
    'select',
    { name: 'period', 'aria-label': '通报月份' },
    months.reverse().map((id) => h('option', { value: id, selected: id === monthPeriodOf(plan.asOf) }, `${Number(id.slice(5))}月`)),
  );
  const status = h('span', { class: 'bulletin-status', role: 'status' });
  // The click handler returns nothing; the download's own errors are shown in `status`.
  const get = (format: 'xlsx' | 'csv' | 'html') => () => void fetchBulletin(format);
  const fetchBulletin = async (format: 'xlsx' | 'csv' | 'html') => {
    status.textContent = '正在生成…';
    try {
      await download(`${ctx.base}/bulletins/${select.value}?format=${format}`, `通报-${select.value}.${format}`);
      status.textContent = '';
    } catch (err) {
      status.textContent = `生成失败：${err instanceof Error ? err.message : String(err)}`;
    }
  };
  return h(
    'div',
    { class: 'bulletin' },
    h('span', {}, '月度通报 '),
    select,
    h('button', { type: 'button', 'data-format': 'xlsx', onclick: get('xlsx') }, '下载Excel'),
    h('button', { type: 'button', 'data-format': 'csv', onclick: get('csv') }, '排名CSV'),
    h('button', { type: 'button', 'data-format': 'html', onclick: get('html') }, '打印版'),
    status,
  );
}

type Amendment = Plan['amendments'][number];

/** One change of an amendment, as the office would list it. */
function changeText(c: Amendment['changes'][number]): string {
  switch (c.op) {
    case 'confirm_milestone':
      return c.dueDate ? `节点${c.milestoneId}日期确认为${cnDate(c.dueDate)}` : `节点${c.milestoneId}日期确认`;
    case 'set_target':
      return `指标${c.kpiId}目标调整`;
    case 'assign_units':
      return `事项${c.taskId}责任单位调整`;
  }
}

/** 计划调整: the plan's versions since the notice, newest first (nothing while it is as issued). */
function amendmentHistory(plan: Plan): HTMLElement | null {
  if (plan.amendments.length === 0) return null;
  const rows = [...plan.amendments]
    .reverse()
    .map((a) =>
      h(
        'li',
        { 'data-version': String(a.version) },
        `第${a.version}版，${cnDate(a.effectiveFrom)}起：${a.reason}（${a.changes.map(changeText).join('；')}）`,
      ),
    );
  return h(
    'details',
    { class: 'amendments' },
    h('summary', {}, `计划调整：现为第${plan.version}版（共${plan.amendments.length}次调整）`),
    h('ol', {}, rows),
  );
}
