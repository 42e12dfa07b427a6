import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import ExcelJS from 'exceljs';
import { describe, expect, it, vi } from 'vitest';
import { createBulletinApiHandler } from '../../functions/bulletin-api/app.js';
import {
  contentDisposition,
  excelFooter,
  KPI_FIXED_HEADERS,
  OVERDUE_HEADERS,
  RANKING_HEADERS,
} from '../../functions/bulletin-api/bulletin-render.js';
import { createQueryApiHandler } from '../../functions/query-api/app.js';
import { BULLETIN_ROUTE, matchTemplate } from '../../shared/api/routes.js';
import { buildOpenApiDocument } from '../../shared/api/openapi.js';
import { ErrorResponse, RankingsResponse } from '../../shared/api/responses.js';
import { parseBulletinPeriod } from '../../shared/bulletin/period.js';
import { chineseWorkdayCalendar } from '../../shared/calendar/workdays.js';
import { fixedClock } from '../../shared/time/clocks.js';
import type { SnapshotStore } from '../../shared/ports/snapshots.js';
import type { Page, ReportReader, StoredReport } from '../../shared/ports/state.js';
import { progressReport, sportsEvent } from '../helpers/reports.js';
import { planViewAsOf } from '../../functions/bulletin-api/bulletin.js';
import { getPlan } from '../../shared/plan/catalog.js';
import type { ReviewRecordedDetail } from '../../events/schemas.js';
import { FakeReviewStore, ReportsReader } from './review.fakes.js';

const PLAN = 'jining-sports-2023';
const P = `/v1/plans/${PLAN}`;

/** The plan state of its reports (ReportsReader), and their audit trail newest first in pages of the asked size, as the DynamoDB store does. */
class AuditTrailStore extends ReportsReader implements ReportReader {
  pagesRead = 0;
  async listReports(
    planId: string,
    taskId: string,
    options: { limit: number; startKey?: Record<string, unknown> },
  ): Promise<Page<StoredReport>> {
    this.pagesRead++;
    const rows = this.reports
      .filter((r) => r.planId === planId && r.taskId === taskId)
      .sort((a, b) => new Date(b.reportedAt).getTime() - new Date(a.reportedAt).getTime() || b.webhookId.localeCompare(a.webhookId));
    const from = Number(options.startKey?.i ?? 0);
    const items = rows.slice(from, from + options.limit);
    return { items, ...(from + options.limit < rows.length ? { lastKey: { i: from + options.limit } } : {}) };
  }
}

const noSnapshots: SnapshotStore = {
  putSnapshot: async () => {
    throw new Error('the read API never writes');
  },
  listSnapshots: async () => [],
  listTrend: async () => [],
};

/** T01 done in June; sports-clubs from two counties in June, and a larger figure from 任城区 in July. */
function reports(): StoredReport[] {
  const clubs = (orgId: string, reportedAt: string, value: number, webhookId: string) =>
    progressReport({
      planId: PLAN,
      taskId: 'T08',
      orgId,
      reportedAt,
      period: reportedAt.slice(0, 7),
      webhookId,
      metrics: [{ kpiId: 'sports-clubs', value }],
    });
  // 120 reports of one unit: more than one page of the audit trail.
  const many = Array.from({ length: 120 }, (_, i) =>
    clubs('370812', `2023-05-${String(1 + (i % 28)).padStart(2, '0')}T0${i % 10}:00:00+08:00`, i, `msg_many_${String(i).padStart(3, '0')}`),
  );
  return [
    progressReport({
      planId: PLAN,
      taskId: 'T01',
      orgId: 'jn-party-office',
      status: 'completed',
      percentComplete: 100,
      metrics: [],
      reportedAt: '2023-06-10T09:00:00+08:00',
      webhookId: 'msg_t01',
    }),
    progressReport({
      planId: PLAN,
      taskId: 'T02',
      orgId: 'jn-party-office',
      status: 'completed',
      percentComplete: 100,
      metrics: [],
      reportedAt: '2023-06-20T09:00:00+08:00',
      webhookId: 'msg_t02',
    }),
    ...many,
    clubs('370812', '2023-06-20T10:00:00+08:00', 30, 'msg_yanzhou_june'),
    clubs('370811', '2023-06-25T10:00:00+08:00', 48, 'msg_rencheng_june'),
    // After the end of June in Asia/Shanghai (2023-06-30T16:30Z is 07-01 00:30 local).
    clubs('370811', '2023-06-30T16:30:00Z', 60, 'msg_rencheng_july'),
  ];
}

/** The office's decisions: T01's claim approved in June (销号), T02's June claim approved only in July. */
function decisions(): ReviewRecordedDetail[] {
  const approve = (taskId: string, reportedAt: string, webhookId: string, decidedAt: string): ReviewRecordedDetail => ({
    planId: PLAN,
    taskId,
    orgId: 'jn-party-office',
    claim: { reportedAt, sourceId: 'rencheng', webhookId },
    decision: 'approve',
    state: 'approved',
    comment: null,
    decidedAt,
    decidedBy: 'jwt:office',
  });
  return [
    approve('T01', '2023-06-10T09:00:00+08:00', 'msg_t01', '2023-06-12T02:00:00.000Z'),
    approve('T02', '2023-06-20T09:00:00+08:00', 'msg_t02', '2023-07-05T02:00:00.000Z'),
  ];
}

async function reviewsOf(list: ReviewRecordedDetail[]): Promise<FakeReviewStore> {
  const store = new FakeReviewStore();
  for (const d of list) await store.recordDecision(d);
  return store;
}
const approvals = await reviewsOf(decisions());
/** What the office had decided by the end of June (the handler's clock is in June or early July). */
const juneApprovals = await reviewsOf(decisions().slice(0, 1));

function setup(clock: string, opts: { authorize?: boolean; store?: AuditTrailStore } = {}) {
  const store =
    opts.store ??
    new AuditTrailStore(reports(), [
      sportsEvent({
        eventId: 'm',
        orgId: 'jn-mass-sports',
        status: 'held',
        startDate: '2023-04-16',
        endDate: '2023-04-16',
        taskIds: ['T13'],
        category: 'marathon',
        timestamp: '2023-04-17T09:00:00+08:00',
      }),
    ]);
  const common = {
    reader: store,
    reports: store,
    reviews: juneApprovals,
    clock: fixedClock(clock),
    calendar: chineseWorkdayCalendar(),
    logger: { error: vi.fn(), warn: vi.fn(), info: vi.fn() },
    ...(opts.authorize === undefined ? {} : { authorize: () => opts.authorize! }),
  };
  const query = createQueryApiHandler({ ...common, snapshots: noSnapshots, cursorKey: 'test-cursor-key-0123456789abcdef' });
  const bulletins = createBulletinApiHandler(common);
  // As the HTTP API routes: the bulletins to bulletin-api, the other reads to query-api.
  const handler = (event: APIGatewayProxyEventV2) => (matchTemplate(BULLETIN_ROUTE.path, event.rawPath) ? bulletins(event) : query(event));
  return { handler, store };
}

function request(path: string, query: Record<string, string> = {}, method = 'GET'): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers: { authorization: 'Bearer good' },
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      routeKey: '$default',
      stage: '$default',
    },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

function expectError(res: APIGatewayProxyStructuredResultV2, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = ErrorResponse.parse(JSON.parse(res.body ?? ''));
  expect(body.error.code).toBe(code);
  return body.error;
}

async function workbookOf(res: APIGatewayProxyStructuredResultV2): Promise<ExcelJS.Workbook> {
  expect(res.isBase64Encoded).toBe(true);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(res.body ?? '', 'base64') as unknown as ArrayBuffer);
  return wb;
}

/** A sheet as rows of cell values (row 1 = headings). */
function rowsOf(ws: ExcelJS.Worksheet | undefined): unknown[][] {
  if (!ws) throw new Error('missing sheet');
  const rows: unknown[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('bulletin periods', () => {
  it('parses months and quarters with their first and last days and the label a title uses', () => {
    expect(parseBulletinPeriod('2023-06')).toEqual({
      id: '2023-06',
      kind: 'month',
      year: 2023,
      first: '2023-06-01',
      last: '2023-06-30',
      label: '2023年6月',
    });
    expect(parseBulletinPeriod('2024-02')?.last).toBe('2024-02-29');
    expect(parseBulletinPeriod('2023-02')?.last).toBe('2023-02-28');
    expect(parseBulletinPeriod('2023-12')?.last).toBe('2023-12-31');
    expect(parseBulletinPeriod('2023-Q2')).toEqual({
      id: '2023-Q2',
      kind: 'quarter',
      year: 2023,
      first: '2023-04-01',
      last: '2023-06-30',
      label: '2023年第二季度',
    });
    expect(parseBulletinPeriod('2023-Q4')).toMatchObject({ first: '2023-10-01', last: '2023-12-31', label: '2023年第四季度' });
    for (const bad of ['2023-13', '2023-00', '2023-6', '2023-Q5', '2023-Q0', '23-06', '2023-06-01', ''])
      expect(parseBulletinPeriod(bad), bad).toBeUndefined();
  });
});

describe('content-disposition (RFC 6266 / RFC 5987)', () => {
  it('gives an ASCII fallback and the UTF-8 name percent-encoded, including the characters encodeURIComponent leaves alone', () => {
    expect(contentDisposition('attachment', '通报-2023-06.xlsx', 'bulletin-2023-06.xlsx')).toBe(
      `attachment; filename="bulletin-2023-06.xlsx"; filename*=UTF-8''%E9%80%9A%E6%8A%A5-2023-06.xlsx`,
    );
    expect(contentDisposition('inline', "a'(b)*!.html", 'x.html')).toBe(
      `inline; filename="x.html"; filename*=UTF-8''a%27%28b%29%2A%21.html`,
    );
  });
});

describe('GET /v1/plans/{planId}/bulletins/{period}', () => {
  it('answers the xlsx with sheets 排名, 逾期事项 and 指标, the same ranking as the rankings route on that day', async () => {
    const { handler, store } = setup('2023-06-30T12:00:00+08:00');
    const res = await handler(request(`${P}/bulletins/2023-06`, { format: 'xlsx' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'content-disposition': `attachment; filename="bulletin-2023-06.xlsx"; filename*=UTF-8''%E9%80%9A%E6%8A%A5-2023-06.xlsx`,
    });
    // The whole audit trail was read, page by page (T08 has 123 reports: two pages of 100).
    expect(store.pagesRead).toBe(27 + 1);
    const wb = await workbookOf(res);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['排名', '逾期事项', '指标']);

    const rankings = RankingsResponse.parse(JSON.parse((await handler(request(`${P}/rankings`))).body ?? ''));
    const [head, ...rows] = rowsOf(wb.getWorksheet('排名'));
    expect(head).toEqual([...RANKING_HEADERS]);
    expect(rows).toEqual(
      rankings.orgs.map((o) => [o.rank, o.name, o.score, o.items, o.green, o.yellow, o.red, o.done, o.lateDone, o.overdue]),
    );
    expect(rows.length).toBeGreaterThan(10);

    const [overdueHead, ...overdue] = rowsOf(wb.getWorksheet('逾期事项'));
    expect(overdueHead).toEqual([...OVERDUE_HEADERS]);
    // T24-M1 (2023-05-31) is a date we assumed: no overdue in a printed bulletin (issue 14 (1)).
    expect(overdue.find((r) => r[1] === 'T24-M1')).toBeUndefined();
    // T10-M1 (5.19, printed in the notice) is: its workdays counted on the PRC calendar.
    const t10 = overdue.find((r) => r[1] === 'T10-M1');
    expect(t10).toBeDefined();
    expect(t10?.[4]).toBe('2023-05-19');
    expect(t10?.[5]).toBe(42);
    expect(t10?.[6]).toBe(29); // 8 weekdays of late May + June's 22 weekdays − 端午 (Thu 22, Fri 23) + the make-up Sunday 25
    const [kpiHead, ...kpis] = rowsOf(wb.getWorksheet('指标'));
    expect(kpiHead?.slice(0, KPI_FIXED_HEADERS.length)).toEqual([...KPI_FIXED_HEADERS]);
    expect(kpiHead).toContain('任城区');
    expect(kpiHead).toContain('兖州区');
    const clubs = kpis.find((r) => r[1] === 'T08' && String(r[0]).includes('俱乐部'));
    const col = (name: string) => (kpiHead as string[]).indexOf(name);
    expect(clubs?.[col('完成值')]).toBe(78); // 48 + 30: the June figures
    expect(clubs?.[col('任城区')]).toBe(48);
    expect(clubs?.[col('兖州区')]).toBe(30);
    expect(clubs?.[col('微山县')]).toBeUndefined(); // no report: an empty cell, not 0
  });

  it('prints as the office prints it: bold frozen headings, the score as 0.0%, A4 one page wide, the footer, author and title', async () => {
    const { handler } = setup('2023-06-30T12:00:00+08:00');
    const wb = await workbookOf(await handler(request(`${P}/bulletins/2023-06`, { format: 'xlsx' })));
    const title = '济宁市体育局2023年工作要点落实情况通报（2023年6月）';
    expect(wb.creator).toBe('济宁市体育局');
    expect(wb.title).toBe(title);
    expect(wb.created?.toISOString()).toBe('2023-06-30T04:00:00.000Z'); // when it was generated (12:00 in Asia/Shanghai)

    const sheet = (name: string) => {
      const ws = wb.getWorksheet(name);
      if (!ws) throw new Error(`missing sheet ${name}`);
      return ws;
    };
    const layout = {
      排名: { orientation: 'portrait', xSplit: 0 },
      逾期事项: { orientation: 'landscape', xSplit: 0 },
      指标: { orientation: 'landscape', xSplit: 1 },
    } as const;
    for (const [name, { orientation, xSplit }] of Object.entries(layout)) {
      const ws = sheet(name);
      // Every heading bold, the figures not.
      const headings = rowsOf(ws)[0]!;
      headings.forEach((_, i) => expect(ws.getRow(1).getCell(i + 1).font?.bold, `${name} heading ${i + 1}`).toBe(true));
      expect(ws.getRow(2).getCell(1).font?.bold ?? false, `${name} A2`).toBe(false);
      // The headings stay on screen (and 指标's names of the indicators) while scrolling.
      expect(ws.views[0], name).toMatchObject({ state: 'frozen', ySplit: 1, xSplit });
      // A4, as wide as one page, as many pages tall as it takes.
      expect(ws.pageSetup, name).toMatchObject({ paperSize: 9, orientation, fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
      expect(ws.headerFooter?.oddFooter, name).toBe(`&L${title}&R统计截至2023-06-30  第&P页/共&N页`);
    }

    const ranking = sheet('排名');
    const rows = rowsOf(ranking).length;
    for (let r = 2; r <= rows; r++) {
      expect(ranking.getCell(r, 3).numFmt, `C${r}`).toBe('0.0%');
      expect(typeof ranking.getCell(r, 3).value, `C${r}`).toBe('number');
    }
    expect(ranking.getCell(2, 4).numFmt ?? 'General').not.toContain('%'); // 事项数 is a count
    expect([ranking.getColumn(2).width, ranking.getColumn(9).width]).toEqual([24, 13]); // 单位, 其中逾期办结
    expect(sheet('逾期事项').columns.map((c) => c.width)).toEqual([8, 10, 40, 30, 12, 10, 10]);
    const kpis = sheet('指标');
    expect(kpis.getColumn(1).width).toBe(32);
    expect(new Set(kpis.columns.slice(1).map((c) => c.width))).toEqual(new Set([11]));
  });

  it('writes a title’s own & as && in the footer, where & starts a control code (&P, &N)', () => {
    expect(excelFooter('体育&健康工作要点', '2023-06-30')).toBe('&L体育&&健康工作要点&R统计截至2023-06-30  第&P页/共&N页');
  });

  it('is as of the period end: a report sent after June changes the July bulletin, not the June one', async () => {
    const { handler } = setup('2023-07-05T12:00:00+08:00');
    const clubsOf = async (period: string) => {
      const rows = rowsOf((await workbookOf(await handler(request(`${P}/bulletins/${period}`)))).getWorksheet('指标'));
      const head = rows[0] as string[];
      const r = rows.find((x) => x[1] === 'T08' && String(x[0]).includes('俱乐部'))!;
      return { city: r[head.indexOf('完成值')], rencheng: r[head.indexOf('任城区')] };
    };
    expect(await clubsOf('2023-06')).toEqual({ city: 78, rencheng: 48 });
    expect(await clubsOf('2023-07')).toEqual({ city: 90, rencheng: 60 });
    expect(await clubsOf('2023-Q2')).toEqual({ city: 78, rencheng: 48 });
  });

  it('answers the ranking as csv: UTF-8 with a BOM, CRLF lines, one row per unit', async () => {
    const { handler } = setup('2023-06-30T12:00:00+08:00');
    const res = await handler(request(`${P}/bulletins/2023-06`, { format: 'csv' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': expect.stringContaining(`filename*=UTF-8''%E9%80%9A%E6%8A%A5-2023-06.csv`),
    });
    const body = res.body ?? '';
    expect(body.charCodeAt(0)).toBe(0xfeff);
    const lines = body.slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(RANKING_HEADERS.join(','));
    const rankings = RankingsResponse.parse(JSON.parse((await handler(request(`${P}/rankings`))).body ?? ''));
    expect(lines.slice(1)).toEqual(
      rankings.orgs.map((o) =>
        [o.rank, o.name, `${(o.score * 100).toFixed(1)}%`, o.items, o.green, o.yellow, o.red, o.done, o.lateDone, o.overdue].join(','),
      ),
    );
  });

  it('answers a printable A4 html bulletin titled with the plan and the period, under a CSP of its own', async () => {
    const { handler } = setup('2023-06-30T12:00:00+08:00');
    const res = await handler(request(`${P}/bulletins/2023-06`, { format: 'html' }));
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-disposition': `inline; filename="bulletin-2023-06.html"; filename*=UTF-8''%E9%80%9A%E6%8A%A5-2023-06.html`,
      'content-security-policy': expect.stringContaining("default-src 'none'"),
    });
    const html = res.body ?? '';
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('<title>济宁市体育局2023年工作要点落实情况通报（2023年6月）</title>');
    expect(html).toContain('<h1>济宁市体育局2023年工作要点落实情况通报（2023年6月）</h1>');
    expect(html).toMatch(/@page \{ size: A4;/);
    expect(html).toContain('济体字〔2023〕1号');
    for (const h of ['一、各单位排名', '二、逾期事项', '三、指标完成情况']) expect(html).toContain(h);
    expect(html).toContain('任城区48');
    expect(html).not.toMatch(/<script/i);

    const q2 = await handler(request(`${P}/bulletins/2023-Q2`, { format: 'html' }));
    expect(q2.body).toContain('<title>济宁市体育局2023年工作要点落实情况通报（2023年第二季度）</title>');
  });

  it('answers 400 for a period outside the plan year, malformed, or not begun, and for an unknown format', async () => {
    const { handler } = setup('2023-06-30T12:00:00+08:00');
    expect(expectError(await handler(request(`${P}/bulletins/2024-01`)), 400, 'period_outside_plan').issues).toEqual([
      { path: 'period', message: expect.stringContaining('2023') },
    ]);
    expectError(await handler(request(`${P}/bulletins/2022-Q4`)), 400, 'period_outside_plan');
    expectError(await handler(request(`${P}/bulletins/2023-13`)), 400, 'invalid_period');
    expectError(await handler(request(`${P}/bulletins/2023-Q5`)), 400, 'invalid_period');
    expectError(await handler(request(`${P}/bulletins/2023-07`)), 400, 'period_not_started');
    expect(expectError(await handler(request(`${P}/bulletins/2023-06`, { format: 'pdf' })), 400, 'invalid_query').issues?.[0]?.path).toBe(
      'format',
    );
    expect(expectError(await handler(request(`${P}/bulletins/2023-06`, { page: '1' })), 400, 'invalid_query').issues).toEqual([
      { path: 'page', message: 'unknown query parameter' },
    ]);
    // A quarter that has begun is served as of today.
    expect((await handler(request(`${P}/bulletins/2023-Q2`, { format: 'csv' }))).statusCode).toBe(200);
  });

  it('answers 404 for an unknown plan, 405 for another method, 401 without a valid token', async () => {
    const { handler } = setup('2023-06-30T12:00:00+08:00');
    expectError(await handler(request('/v1/plans/nope-2023/bulletins/2023-06')), 404, 'plan_not_found');
    expectError(await handler(request(`${P}/bulletins/2023-06`, {}, 'POST')), 405, 'method_not_allowed');
    const guarded = setup('2023-06-30T12:00:00+08:00', { authorize: false }).handler;
    expectError(await guarded(request(`${P}/bulletins/2023-06`)), 401, 'unauthorized');
  });

  it('is documented in the OpenAPI document with its three media types and the period parameter', () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walking a JSON document
    const op = (buildOpenApiDocument() as any).paths['/v1/plans/{planId}/bulletins/{period}'].get;
    expect(op.operationId).toBe('getBulletin');
    expect(op.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(op.responses['200'].content).sort()).toEqual([
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv',
      'text/html',
    ]);
    expect(op.parameters.map((p: { in: string; name: string }) => `${p.in}:${p.name}`).sort()).toEqual([
      'path:period',
      'path:planId',
      'query:format',
    ]);
    expect(op.responses['400'].content['application/json'].examples.period_outside_plan).toBeDefined();
  });
});

describe('the office’s decisions in a bulletin (issue 15)', () => {
  it('counts only the decisions taken by the end of the period: a June claim approved in July is done in July, not in June', async () => {
    const store = new AuditTrailStore(reports());
    const deps = { reader: store, reports: store, reviews: approvals, calendar: chineseWorkdayCalendar() };
    const plan = getPlan(PLAN)!;
    const june = await planViewAsOf(deps, plan, '2023-06-30');
    const july = await planViewAsOf(deps, plan, '2023-07-31');
    const status = (view: typeof june, taskId: string) => view.tasks.find((t) => t.taskId === taskId)!;
    expect(status(june, 'T01')).toMatchObject({ status: 'done', completedAt: '2023-06-10T09:00:00+08:00' });
    expect(status(june, 'T02').status).not.toBe('done');
    expect(status(june, 'T02').pendingReview).toEqual(['jn-party-office']);
    expect(status(july, 'T02')).toMatchObject({ status: 'done', completedAt: '2023-06-20T09:00:00+08:00' });
  });
});
