/**
 * The dashboard's budget (issue 16), measured here and not asserted in tests: the page's JS + CSS
 * gzipped (≤ 400 KiB) and the first render of 总览 against the local runtime (≤ 1 s), in Debian's
 * headless Chromium. Each render run uses a fresh browser context (empty cache): the time is from
 * navigation start to the overview's 27 rows in the DOM (the page's `rendered:overview` mark).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWebSync } from '../scripts/build-web.js';
import { launchChromium } from '../tests/browser/chromium.js';
import { sendWebhook } from '../tests/e2e/helpers.js';
import { startLocal } from '../tests/e2e/local-process.js';

export const BUDGET = { gzipBytes: 400 * 1024, firstRenderMs: 1000 } as const;

export interface DashboardBench {
  bundle: { jsAndCssBytes: number; gzipBytes: number; budgetGzipBytes: number; withinBudget: boolean };
  firstRender:
    { runs: number; coldMs: number; medianMs: number; maxMs: number; budgetMs: number; withinBudget: boolean } | { skipped: string };
  bulletinXlsx: { medianMs: number; bytes: number } | { skipped: string };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const round1 = (n: number) => Math.round(n * 10) / 10;

export async function benchDashboard(options: { runs: number; progress: (m: string) => void }): Promise<DashboardBench> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dashboard-'));
  const build = buildWebSync(join(dir, 'web'));
  const bundle = {
    jsAndCssBytes: build.bytes,
    gzipBytes: build.gzipBytes,
    budgetGzipBytes: BUDGET.gzipBytes,
    withinBudget: build.gzipBytes <= BUDGET.gzipBytes,
  };
  options.progress(`dashboard: JS + CSS ${(build.gzipBytes / 1024).toFixed(1)} KiB gzipped`);

  // The runtime serves dist/web: build it there too (as `npm start` does).
  buildWebSync();
  const token = 'bench-token';
  const p = await startLocal({
    dataDir: join(dir, 'data'),
    env: { API_TOKEN: token, CLOCK: '2023-06-30T10:00:00+08:00', SOURCE_RATE_PER_SECOND: '0' },
  });
  try {
    // A little state, so the views draw figures: one county's report.
    const sample = readFileSync('events/samples/valid/progress-t08-rencheng.json', 'utf8');
    await sendWebhook(p.url, { sourceId: 'rencheng', id: 'msg_bench_dashboard', body: sample });
    await fetch(`${p.url}/v1/admin/drain`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

    let browser;
    try {
      browser = await launchChromium();
    } catch (err) {
      const skipped = (err as Error).message;
      options.progress(`dashboard: first render skipped: ${skipped}`);
      return { bundle, firstRender: { skipped }, bulletinXlsx: await bulletin(p.url, token) };
    }
    const times: number[] = [];
    try {
      for (let i = 0; i < options.runs; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        await context.addInitScript({ content: `sessionStorage.setItem('supervision.token', ${JSON.stringify(token)});` });
        const page = await context.newPage();
        await page.goto(p.url);
        await page.waitForFunction(() => performance.getEntriesByName('rendered:overview').length > 0, undefined, { timeout: 30_000 });
        const rows = await page.$$eval('[data-task-id][data-status]', (els) => els.length);
        if (rows !== 27) throw new Error(`the overview rendered ${rows} rows, not 27`);
        times.push(await page.evaluate(() => performance.getEntriesByName('rendered:overview')[0]!.startTime));
        await context.close();
      }
    } finally {
      await browser.close();
    }
    const firstRender = {
      runs: times.length,
      coldMs: round1(times[0]!),
      medianMs: round1(median(times)),
      maxMs: round1(Math.max(...times)),
      budgetMs: BUDGET.firstRenderMs,
      withinBudget: Math.max(...times) <= BUDGET.firstRenderMs,
    };
    options.progress(
      `dashboard: first render of 总览 ${firstRender.coldMs} ms cold, median ${firstRender.medianMs} ms of ${firstRender.runs}`,
    );
    return { bundle, firstRender, bulletinXlsx: await bulletin(p.url, token) };
  } finally {
    await p.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The June bulletin as xlsx through the runtime (the audit trail replayed, the workbook written). */
async function bulletin(url: string, token: string): Promise<DashboardBench['bulletinXlsx']> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/v1/plans/jining-sports-2023/bulletins/2023-06?format=xlsx`, {
      headers: { authorization: `Bearer ${token}` },
    });
    bytes = (await res.arrayBuffer()).byteLength;
    if (res.status !== 200) return { skipped: `bulletin answered ${res.status}` };
    times.push(performance.now() - t0);
  }
  return { medianMs: round1(median(times)), bytes };
}

/** The dashboard's lines of bench/results/latest.md. */
export function renderDashboardMarkdown(d: DashboardBench): string {
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const fr = d.firstRender;
  const bx = d.bulletinXlsx;
  return [
    '| dashboard | value | budget |',
    '|---|---|---|',
    `| page JS + CSS, gzipped (raw) | ${kib(d.bundle.gzipBytes)} (${kib(d.bundle.jsAndCssBytes)}) | ≤ ${kib(d.bundle.budgetGzipBytes)} |`,
    'skipped' in fr
      ? `| first render of 总览 | skipped: ${fr.skipped} | ≤ ${BUDGET.firstRenderMs} ms |`
      : `| first render of 总览 (navigation start → 27 rows; cold / median / max of ${fr.runs}) | ${fr.coldMs} / ${fr.medianMs} / ${fr.maxMs} ms | ≤ ${fr.budgetMs} ms |`,
    'skipped' in bx
      ? `| bulletin xlsx | skipped: ${bx.skipped} | |`
      : `| bulletin 2023-06 as xlsx through the runtime (median of 5) | ${bx.medianMs} ms, ${kib(bx.bytes)} | |`,
    '',
  ].join('\n');
}
