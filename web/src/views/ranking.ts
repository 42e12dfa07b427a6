import { getJson } from '../api.js';
import { BLUE, LIGHT_COLORS, drawChart } from '../charts.js';
import type { ViewContext } from '../context.js';
import { h, mount } from '../dom.js';
import { cnDate, pct } from '../format.js';
import type { Rankings, Snapshots } from '../types.js';
import { card, empty, table, td } from '../widgets.js';

/** 排名: units ranked by the share of their items green or done, and the trend of the daily snapshots. */
export async function ranking(ctx: ViewContext): Promise<void> {
  const [rankings, snapshots] = await Promise.all([getJson<Rankings>(`${ctx.base}/rankings`), getJson<Snapshots>(`${ctx.base}/snapshots`)]);
  const rows = rankings.orgs.map((o) =>
    h(
      'tr',
      { 'data-org-id': o.orgId },
      td('名次', o.rank),
      td('单位', o.name),
      td('得分', pct(o.score)),
      td('事项', o.items),
      td('绿灯', o.green),
      td('黄灯', o.yellow),
      td('红灯', o.red),
      td('已办结', o.done),
      td('其中逾期办结', o.lateDone),
      td('逾期', o.overdue),
    ),
  );
  const scoreChart = h('div', { class: 'chart chart-score', role: 'img', 'aria-label': '各单位得分' });
  scoreChart.style.height = `${Math.max(200, 22 * rankings.orgs.length + 40)}px`;
  const trendChart =
    snapshots.items.length > 0 ? h('div', { class: 'chart chart-trend', role: 'img', 'aria-label': '每日灯色趋势' }) : null;

  mount(
    ctx.main,
    h('h1', { class: 'view-title' }, `排名（截至${cnDate(rankings.asOf)}）`),
    h(
      'div',
      { class: 'two-col' },
      card('单位排名', table(['名次', '单位', '得分', '事项', '绿灯', '黄灯', '红灯', '已办结', '其中逾期办结', '逾期'], rows, 'ranking')),
      card('得分', scoreChart),
    ),
    card(`每日趋势（${cnDate(snapshots.from)}—${cnDate(snapshots.to)}）`, trendChart ?? empty('这段时间还没有每日快照（每天01:00生成）')),
  );

  drawChart(scoreChart, {
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => pct(Number(v)) },
    xAxis: { type: 'value', max: 1, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
    yAxis: {
      type: 'category',
      data: rankings.orgs.map((o) => `${o.rank}. ${o.name}`),
      inverse: true,
      axisTick: { show: false },
      axisLabel: { interval: 0, width: 170, overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        data: rankings.orgs.map((o) => o.score),
        itemStyle: { color: BLUE },
        label: { show: true, position: 'right', formatter: (p: { value: unknown }) => pct(Number(p.value), 0) },
      },
    ],
  });
  if (trendChart) {
    const dates = snapshots.items.map((s) => s.date.slice(5));
    const line = (name: string, light: 'green' | 'yellow' | 'red' | 'done') => ({
      name,
      type: 'line' as const,
      data: snapshots.items.map((s) => s.summary[light]),
      itemStyle: { color: LIGHT_COLORS[light] },
      lineStyle: { color: LIGHT_COLORS[light] },
      symbolSize: 5,
    });
    drawChart(trendChart, {
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: dates, boundaryGap: false },
      yAxis: { type: 'value', minInterval: 1, name: '事项数' },
      series: [line('绿灯', 'green'), line('黄灯', 'yellow'), line('红灯', 'red'), line('已办结', 'done')],
    });
  }
}
