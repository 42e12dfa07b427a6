import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebSync } from '../../scripts/build-web.js';
import type {
  KpisResponse,
  OverdueResponse,
  PlanResponse,
  RankingsResponse,
  ReviewsResponse,
  TaskResponse,
} from '../../shared/api/responses.js';
import { sampleBody } from '../helpers/webhooks.js';
import { Api, EVIDENCE, OFFICE_TOKEN, PLAN_ID, TOKEN, progressBody, sendWebhook, stopLocal, tempDataDir } from '../e2e/helpers.js';
import { startLocal, type LocalProcess } from '../e2e/local-process.js';
import { ARTIFACTS, collectErrors, launchChromium } from './chromium.js';

/**
 * The dashboard in a real browser (Debian's headless Chromium) against `npm start`'s runtime: sign
 * in with the token, every view, the same lights as the API, charts drawn, the detail of an item,
 * the month's bulletin downloaded through the page and read back, and no console error anywhere.
 * A screenshot of each view is kept in test-artifacts/browser/ (git-ignored).
 */

// The callbacks given to page.evaluate / waitForFunction run in the page, not in Node: the few DOM
// globals they use, declared for this file only (the project's tsconfig has no DOM library).
declare const document: {
  body: { dataset: Record<string, string | undefined> };
  querySelector(selector: string): unknown;
  querySelectorAll(selector: string): Iterable<{ getAttribute(name: string): string | null }>;
  documentElement: { scrollWidth: number };
  cookie: string;
};
declare const location: { hash: string };
declare const sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
declare const localStorage: { length: number };
declare const window: { innerWidth: number };
declare function getComputedStyle(element: unknown): { display: string };

const BASE = `/v1/plans/${PLAN_ID}`;
let dataDir: string;
let running: LocalProcess | undefined;
let api: Api;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let errors: string[];

beforeAll(async () => {
  buildWebSync();
  dataDir = await tempDataDir('browser');
  // The business day is the last of June: the June bulletin is as of today, like the rankings route.
  running = await startLocal({ dataDir, env: { API_TOKEN: TOKEN, OFFICE_TOKEN, CLOCK: '2023-06-30T10:00:00+08:00' } });
  api = new Api(running.url);

  // Reports from two counties and an office; the daily snapshots of the week before, for the trend.
  const send = async (sourceId: string, id: string, body: string) =>
    expect((await sendWebhook(api.url, { sourceId, id, body })).status).toBe(202);
  await send('rencheng', 'msg_b_t08', sampleBody('valid/progress-t08-rencheng.json'));
  // T10 reported, but its 5.19 milestone (a date printed in the notice) still open: red.
  await send(
    'mass-sports',
    'msg_b_t10',
    progressBody({ taskId: 'T10', orgId: 'jn-mass-sports', reportedAt: '2023-06-25T10:00:00+08:00', status: 'in_progress' }),
  );
  const quota = (orgId: string, v: number) => [
    { kpiId: '8421-primary-schools', value: v },
    { kpiId: '8421-junior-schools', value: Math.min(v, 4) },
  ];
  await send(
    'rencheng',
    'msg_b_t17_rc',
    progressBody({ taskId: 'T17', orgId: '370811', reportedAt: '2023-06-20T10:00:00+08:00', metrics: quota('370811', 6) }),
  );
  await send(
    'qufu',
    'msg_b_t17_qf',
    progressBody({
      taskId: 'T17',
      orgId: '370881',
      reportedAt: '2023-06-21T10:00:00+08:00',
      status: 'completed',
      metrics: quota('370881', 8),
      evidence: EVIDENCE,
    }),
  );
  // 群众体育科 claims T06 done (the office approves it below) and reports T07 ahead of the pace: every light occurs.
  await send(
    'mass-sports',
    'msg_b_t06',
    progressBody({
      taskId: 'T06',
      orgId: 'jn-mass-sports',
      reportedAt: '2023-06-28T10:00:00+08:00',
      status: 'completed',
      evidence: EVIDENCE,
    }),
  );
  await send(
    'mass-sports',
    'msg_b_t07',
    progressBody({ taskId: 'T07', orgId: 'jn-mass-sports', reportedAt: '2023-06-28T11:00:00+08:00', status: 'in_progress' }).replace(
      '"status":"in_progress"',
      '"status":"in_progress","percentComplete":70',
    ),
  );
  await api.drain();
  // Issue 15: a claim is done once the office approves it (销号).
  expect((await api.review('T06', { orgId: 'jn-mass-sports', decision: 'approve' })).status).toBe(200);
  for (const day of ['26', '27', '28', '29']) await api.job('aggregate-kpis', { now: `2023-06-${day}T01:00:00+08:00` });

  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  page = await context.newPage();
  errors = collectErrors(page);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stopLocal(running);
  await rm(dataDir, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

/** Navigates by hash and waits until the view has rendered (the view sets data-view on the body). */
async function open(hash: string, view: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForFunction((v) => document.body.dataset.view === v && !document.querySelector('main[aria-busy]'), view);
}

describe('the dashboard in headless Chromium', () => {
  it('refuses a wrong token with a message, in a page of its own', async () => {
    const other = await context.newPage();
    const otherErrors = collectErrors(other);
    await other.goto(api.url);
    await other.fill('input[name="token"]', 'not-the-token');
    await other.click('form button[type="submit"]');
    await other.waitForSelector('.sign-in-form .error:not(:empty)');
    expect(await other.textContent('.sign-in-form .error')).toContain('令牌无效');
    expect(await other.evaluate(() => sessionStorage.getItem('supervision.token'))).toBeNull();
    // The only error is the browser's own note of the 401 answer.
    expect(otherErrors.every((e) => e.includes('401'))).toBe(true);
    await other.close();
  });

  it('serves the page with its CSP and security headers', async () => {
    const res = await fetch(`${api.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*script-src 'self'.*style-src 'self'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).not.toMatch(/<script>|<style>|style="/);
    expect(html).not.toMatch(/https?:\/\//); // nothing from a CDN
  });

  it("signs in with the token (kept in sessionStorage, not in the URL) and shows 27 items with the API's lights", async () => {
    await page.goto(api.url);
    await page.fill('input[name="token"]', TOKEN);
    await page.click('form button[type="submit"]');
    await page.waitForFunction(() => document.body.dataset.view === 'overview');
    expect(page.url()).not.toContain(TOKEN);
    expect(await page.evaluate(() => sessionStorage.getItem('supervision.token'))).toBe(TOKEN);
    expect(await page.evaluate(() => localStorage.length + document.cookie.length)).toBe(0);

    const plan = await api.get<PlanResponse>(BASE);
    const rows = await page.$$eval('[data-task-id][data-status]', (els) =>
      els.map((e) => [e.getAttribute('data-task-id'), e.getAttribute('data-status')] as [string, string]),
    );
    expect(rows).toHaveLength(27);
    expect(new Map(rows)).toEqual(new Map(plan.tasks.map((t) => [t.taskId, t.status])));
    // Every light occurs in this data set, so the comparison is not trivially all one colour.
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['green', 'yellow', 'red', 'done']));
    for (const l of ['green', 'yellow', 'red', 'done'] as const) {
      expect(await page.textContent(`.count-${l} .count-n`)).toBe(String(plan.summary[l]));
    }
    await shot('overview');
    // The README's picture (docs/images/dashboard-overview.jpg is a copy of this one).
    await page.screenshot({ path: join(ARTIFACTS, 'overview-top.jpg'), type: 'jpeg', quality: 70 });

    // Filter by light: only the red items remain.
    await page.click('.count-red');
    // The hash changes at once; the rows only when the view has re-rendered: wait for the rows themselves.
    const redCount = plan.tasks.filter((t) => t.status === 'red').length;
    await page.waitForFunction((n) => {
      const rows = [...document.querySelectorAll('[data-task-id][data-status]')];
      return (
        location.hash.includes('light=red') &&
        !document.querySelector('main[aria-busy]') &&
        rows.length === n &&
        rows.every((r) => r.getAttribute('data-status') === 'red')
      );
    }, redCount);
    const red = await page.$$eval('[data-task-id][data-status]', (els) => els.map((e) => e.getAttribute('data-status')));
    expect(red).toEqual(plan.tasks.filter((t) => t.status === 'red').map(() => 'red'));
  });

  it('draws every KPI with a chart, the quota KPIs county by county against their own quota', async () => {
    await open('#/kpis', 'kpis');
    const kpis = await api.get<KpisResponse>(`${BASE}/kpis`);
    const ids = await page.$$eval('[data-kpi-id]', (els) => els.map((e) => e.getAttribute('data-kpi-id')));
    expect(ids).toEqual(kpis.kpis.map((k) => k.kpiId));
    // ECharts drew SVG bars into the chart of the clubs KPI (target, pace, figure).
    const bars = await page.$$eval('[data-kpi-id="sports-clubs"] .chart-kpi svg path', (els) => els.length);
    expect(bars).toBeGreaterThanOrEqual(3);
    expect(await page.textContent('[data-kpi-id="sports-clubs"] .chart-kpi svg')).toContain('48');
    const quota = await page.textContent('[data-kpi-id="8421-primary-schools"] .chart-org svg');
    expect(quota).toContain('任城区');
    expect(quota).toContain('曲阜市');
    expect(quota).toContain('目标');
    await shot('kpis');
  });

  it('lists the overdue and due-soon items with workdays overdue', async () => {
    await open('#/overdue', 'overdue');
    const overdue = await api.get<OverdueResponse>(`${BASE}/overdue`);
    expect(overdue.items.length).toBeGreaterThan(0);
    const rows = await page.$$eval('table.overdue tbody tr', (els) =>
      els.map((e) => [e.getAttribute('data-task-id'), e.getAttribute('data-milestone-id'), e.querySelector('td:last-child')?.textContent]),
    );
    expect(rows).toEqual(overdue.items.map((o) => [o.taskId, o.milestoneId ?? null, String(o.workdaysOverdue)]));
    // Due soon: what a week from now would be overdue and today is not (T18-M1 is due today, 2023-06-30).
    const soon = await page.$$eval('table.due-soon tbody tr', (els) =>
      els.map((e) => e.getAttribute('data-milestone-id') ?? e.getAttribute('data-task-id')),
    );
    expect(soon).toContain('T18-M1');
    await shot('overdue');
  });

  it('ranks the units and draws the trend of the daily snapshots', async () => {
    await open('#/ranking', 'ranking');
    const rankings = await api.get<RankingsResponse>(`${BASE}/rankings`);
    const rows = await page.$$eval('table.ranking tbody tr', (els) =>
      els.map((e) => [e.getAttribute('data-org-id'), e.querySelector('td')?.textContent]),
    );
    expect(rows).toEqual(rankings.orgs.map((o) => [o.orgId, String(o.rank)]));
    // Every count the API answers, late completions (其中逾期办结) included, in its own column.
    const headers = await page.$$eval('table.ranking thead th', (els) => els.map((e) => e.textContent));
    const cells = await page.$$eval('table.ranking tbody tr', (els) =>
      els.map((e) => [...e.querySelectorAll('td')].map((c) => c.textContent)),
    );
    const column = (name: string) => cells.map((r) => r[headers.indexOf(name)]);
    expect(column('其中逾期办结')).toEqual(rankings.orgs.map((o) => String(o.lateDone)));
    expect(column('已办结')).toEqual(rankings.orgs.map((o) => String(o.done)));
    expect(await page.$$eval('.chart-trend svg path', (els) => els.length)).toBeGreaterThan(4);
    expect(await page.textContent('.chart-trend svg')).toContain('06-29');
    await shot('ranking');
  });

  it("shows one item: the notice text, milestones, KPIs, and each unit's latest report with its evidence", async () => {
    await page.click('nav a[data-view="overview"]');
    await page.waitForFunction(() => document.body.dataset.view === 'overview' && !document.querySelector('main[aria-busy]'));
    await page.click('[data-task-id="T08"] a');
    await page.waitForFunction(() => document.body.dataset.view === 'tasks' && !document.querySelector('main[aria-busy]'));
    const task = await api.get<TaskResponse>(`${BASE}/tasks/T08`);
    expect(await page.textContent('.notice-text')).toBe(task.text);
    expect(await page.getAttribute('.task-head', 'data-status')).toBe(task.status);
    expect(await page.$$eval('table.milestones tbody tr', (els) => els.length)).toBe(task.milestones.length);
    expect(await page.$$eval('.kpi-grid [data-kpi-id]', (els) => els.map((e) => e.getAttribute('data-kpi-id')))).toEqual(
      task.kpis.map((k) => k.kpiId),
    );
    const rencheng = page.locator('table.units tr[data-org-id="370811"]');
    expect(await rencheng.textContent()).toContain('任城区体育总会完成换届筹备');
    const link = rencheng.locator('.evidence a');
    expect(await link.getAttribute('href')).toBe('https://example.gov.cn/rencheng/sports-orgs-2023-06.pdf');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    await shot('task-T08');
  });

  it("downloads the month's bulletin through the page; the xlsx reads back with the ranking the API answers", async () => {
    await open('#/overview', 'overview');
    expect(await page.inputValue('select[name="period"]')).toBe('2023-06');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-format="xlsx"]')]);
    expect(download.suggestedFilename()).toBe('通报-2023-06.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await readFile(await download.path())) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['排名', '逾期事项', '指标']);
    const sheet: unknown[][] = [];
    wb.getWorksheet('排名')!.eachRow((row) => sheet.push((row.values as unknown[]).slice(1)));
    const rankings = await api.get<RankingsResponse>(`${BASE}/rankings`);
    expect(sheet.slice(1)).toEqual(
      rankings.orgs.map((o) => [o.rank, o.name, o.score, o.items, o.green, o.yellow, o.red, o.done, o.lateDone, o.overdue]),
    );
    const overdue = await api.get<OverdueResponse>(`${BASE}/overdue`);
    // The printed bulletin leaves out milestones whose date is assumed (flagged dateAssumed by the API).
    expect(wb.getWorksheet('逾期事项')!.actualRowCount - 1).toBe(overdue.items.filter((o) => !o.dateAssumed).length);
  });

  it('待销号: lists the pending claims; the read token may not decide, the office token approves (销号)', async () => {
    const pending = await api.get<ReviewsResponse>(`${BASE}/reviews?state=pending`);
    expect(pending.items.map((i) => `${i.taskId}:${i.orgId}`)).toContain('T17:370881');
    await open('#/reviews', 'reviews');
    const rows = await page.$$eval('table.reviews tbody tr', (els) =>
      els.map((e) => `${e.getAttribute('data-task-id')}:${e.getAttribute('data-org-id')}`),
    );
    expect(rows).toEqual(pending.items.map((i) => `${i.taskId}:${i.orgId}`));
    const claim = page.locator('tr[data-task-id="T17"][data-org-id="370881"]');
    expect(await claim.locator('a.evidence').count()).toBeGreaterThan(0);
    await shot('reviews');

    // Signed in with the read token: the API answers 403 and the view says why; nothing is decided.
    const before = errors.length;
    await claim.locator('button.approve').click();
    await page.waitForSelector('.review-status:not(:empty)');
    // The browser notes the deliberate 403 as a console error: exactly that one, taken out of the tally.
    for (let i = 0; i < 50 && errors.length === before; i++) await new Promise((r) => setTimeout(r, 20));
    const noted = errors.splice(before);
    expect(noted).toEqual([expect.stringMatching(/403/)]);
    expect(await page.textContent('.review-status')).toContain('没有督查室权限');
    expect(
      (await api.get<ReviewsResponse>(`${BASE}/reviews?state=pending`)).items.some((i) => i.taskId === 'T17' && i.orgId === '370881'),
    ).toBe(true);

    // Returning without a comment is refused on the page, before any request.
    await claim.locator('button.return').click();
    await page.waitForFunction(() =>
      (document.querySelector('.review-status') as { textContent: string } | null)?.textContent?.includes('退回须填写意见'),
    );

    // Signed in as the office: 销号 removes the row, and the claim is approved in the API.
    await page.evaluate((t) => sessionStorage.setItem('supervision.token', t), OFFICE_TOKEN);
    await open('#/overview', 'overview');
    await open('#/reviews', 'reviews');
    await page.locator('tr[data-task-id="T17"][data-org-id="370881"] button.approve').click();
    await page.waitForSelector('tr[data-task-id="T17"][data-org-id="370881"]', { state: 'detached' });
    expect(await page.textContent('.review-status')).toContain('已销号');
    const approved = await api.get<ReviewsResponse>(`${BASE}/reviews?state=approved`);
    expect(approved.items.find((i) => i.taskId === 'T17' && i.orgId === '370881')?.decision).toMatchObject({ decision: 'approve' });
    await page.evaluate((t) => sessionStorage.setItem('supervision.token', t), TOKEN);
  });

  it('计划调整: the overview lists the plan’s amendments, newest first, once there is one', async () => {
    await open('#/', 'overview');
    expect(await page.$('details.amendments')).toBeNull();
    const res = await fetch(`${api.url}/v1/plans/${PLAN_ID}/amendments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OFFICE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        reason: '局务会确认换届日期',
        changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1', dueDate: '2023-08-31' }],
      }),
    });
    expect(res.status).toBe(201);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.view === 'overview' && !document.querySelector('main[aria-busy]'));
    expect(await page.textContent('details.amendments summary')).toBe('计划调整：现为第2版（共1次调整）');
    expect(await page.$$eval('details.amendments li', (els) => els.map((e) => [e.getAttribute('data-version'), e.textContent]))).toEqual([
      ['2', '第2版，2023年6月30日起：局务会确认换届日期（节点T08-M1日期确认为2023年8月31日）'],
    ]);
  });

  it('reads on a phone: the overview as cards, no horizontal scrolling', async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    // Signed in before the page's first script runs, as after the sign-in form.
    await phone.addInitScript((t) => sessionStorage.setItem('supervision.token', t), TOKEN);
    const p = await phone.newPage();
    const phoneErrors = collectErrors(p);
    await p.goto(api.url);
    await p.waitForFunction(() => document.body.dataset.view === 'overview' && !document.querySelector('main[aria-busy]'));
    expect(await p.$$eval('[data-task-id][data-status]', (els) => els.length)).toBe(27);
    expect(await p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    expect(await p.$eval('table.tasks thead', (e) => getComputedStyle(e).display)).toBe('none');
    await p.screenshot({ path: join(ARTIFACTS, 'overview-phone.png'), fullPage: false });
    expect(phoneErrors).toEqual([]);
    await phone.close();
  });

  it('logged no console error, page error or failed request in any view', () => {
    expect(errors).toEqual([]);
  });
});
