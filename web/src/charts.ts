import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { BarChart, LineChart, type BarSeriesOption, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TooltipComponentOption,
} from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { registerChart } from './chart-registry.js';
import type { Light } from './types.js';

// Only what the page draws: bars and lines on a grid, with tooltips and a legend, as SVG
// (crisp when printed, and the bundle stays small).
use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption
>;

export const LIGHT_COLORS: Record<Light, string> = { green: '#2e9e44', yellow: '#e0a100', red: '#d93025', done: '#6b7785' };
export const GREY = '#c5ccd6';
export const BLUE = '#5b8def';

/** Draws a chart into `el` (which has its size from CSS) and keeps it for resizing and disposal. */
export function drawChart(el: HTMLElement, option: ChartOption): ECharts {
  const chart = init(el, undefined, { renderer: 'svg' });
  chart.setOption({ animation: false, textStyle: { fontFamily: 'inherit' }, ...option });
  registerChart(chart);
  return chart;
}
