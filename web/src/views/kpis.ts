import { getJson } from '../api.js';
import { BLUE, GREY, LIGHT_COLORS, drawChart } from '../charts.js';
import type { ViewContext } from '../context.js';
import { h, mount } from '../dom.js';
import { num, pct, targetFigure, targetText } from '../format.js';
import type { Kpi } from '../types.js';
import { lightBadge } from '../widgets.js';

/** 指标: every KPI as a bar against its target and the expected figure, with the per-unit breakdown. */
export async function kpis(ctx: ViewContext): Promise<void> {
  const body = await getJson<{ asOf: string; kpis: Kpi[] }>(`${ctx.base}/kpis`);
  const cards = body.kpis.map(kpiCard);
  mount(
    ctx.main,
    h('h1', { class: 'view-title' }, `指标完成情况（${body.kpis.length}项）`),
    h(
      'div',
      { class: 'kpi-grid' },
      cards.map((c) => c.el),
    ),
  );
  // Charts are drawn once their containers are in the document and have a size.
  for (const c of cards) c.draw();
}

/** One KPI: its figures, a bar chart against target and pace, and each unit's figure. */
export function kpiCard(k: Kpi): { el: HTMLElement; draw: () => void } {
  const main = h('div', {
    class: 'chart chart-kpi',
    role: 'img',
    'aria-label': `${k.name}：完成${num(k.value)}，目标${targetText(k.target)}`,
  });
  const byOrg = k.byOrg.length > 0 ? h('div', { class: 'chart chart-org', role: 'img', 'aria-label': `${k.name}：各单位完成情况` }) : null;
  if (byOrg) byOrg.style.height = `${Math.max(120, 26 * k.byOrg.length + 50)}px`;
  const quota = k.byOrg.some((f) => f.perOrgTarget !== undefined);
  const el = h(
    'section',
    { class: 'card kpi', 'data-kpi-id': k.kpiId, 'data-status': k.status },
    h('h2', {}, k.name, ' ', lightBadge(k.status)),
    h(
      'p',
      { class: 'kpi-figures' },
      h('a', { href: `#/tasks/${k.taskId}` }, k.taskId),
      ` · 目标 ${targetText(k.target)}${k.unit} · 完成 ${num(k.value)}${k.value === null ? '' : k.unit} · 序时 ${num(k.expected === null ? null : Math.round(k.expected * 100) / 100)} · 完成率 ${pct(k.progress)}`,
    ),
    main,
    byOrg ? h('h3', {}, quota ? '各县（市、区）完成情况（对照各自目标）' : '各单位完成情况') : h('p', { class: 'empty' }, '尚无单位填报'),
    byOrg,
  );
  const draw = () => {
    const target = targetFigure(k.target);
    drawChart(main, {
      grid: { left: 64, right: 56, top: 8, bottom: 8, containLabel: false },
      xAxis: { type: 'value', show: false, max: (v: { max: number }) => Math.max(v.max, target) * 1.05 },
      yAxis: { type: 'category', data: ['目标', '序时', '完成'], axisTick: { show: false } },
      tooltip: { trigger: 'item' },
      series: [
        {
          type: 'bar',
          barWidth: '60%',
          label: { show: true, position: 'right' },
          data: [
            { value: target, itemStyle: { color: GREY } },
            {
              value: k.expected === null ? 0 : Math.round(k.expected * 100) / 100,
              itemStyle: { color: BLUE },
              ...(k.expected === null ? { label: { formatter: '到期考核' } } : {}),
            },
            {
              value: k.value ?? 0,
              itemStyle: { color: LIGHT_COLORS[k.status] },
              ...(k.value === null ? { label: { formatter: '未报' } } : {}),
            },
          ],
        },
      ],
    });
    if (!byOrg) return;
    const names = k.byOrg.map((f) => f.name);
    drawChart(byOrg, {
      grid: { left: 8, right: 40, top: quota ? 28 : 8, bottom: 8, containLabel: true },
      legend: quota ? { top: 0, data: ['完成', '目标'] } : { show: false },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', splitLine: { show: false } },
      yAxis: { type: 'category', data: names, inverse: true, axisTick: { show: false } },
      series: [
        {
          name: '完成',
          type: 'bar',
          data: k.byOrg.map((f) => f.value),
          itemStyle: { color: BLUE },
          label: { show: true, position: 'right' },
        },
        ...(quota
          ? [{ name: '目标', type: 'bar' as const, data: k.byOrg.map((f) => f.perOrgTarget ?? null), itemStyle: { color: GREY } }]
          : []),
      ],
    });
  };
  return { el, draw };
}
