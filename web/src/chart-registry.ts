/**
 * The charts on screen, so that a view change disposes them and a resize redraws them. Apart from
 * charts.ts so that the first view (总览, no charts) loads without ECharts: the chart views and
 * ECharts come in a chunk of their own when first opened.
 */
interface LiveChart {
  dispose(): void;
  resize(): void;
}

const live = new Set<LiveChart>();

export function registerChart(chart: LiveChart): void {
  live.add(chart);
}

/** Before a view is replaced. */
export function disposeCharts(): void {
  for (const c of live) c.dispose();
  live.clear();
}

let resizeQueued = false;
window.addEventListener('resize', () => {
  if (resizeQueued) return;
  resizeQueued = true;
  requestAnimationFrame(() => {
    resizeQueued = false;
    for (const c of live) c.resize();
  });
});
