import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import { createQueryApiHandler, type QueryApiDeps } from '../../functions/query-api/app.js';
import { cursorCodec } from '../../functions/query-api/cursor.js';
import { buildOpenApiDocument } from '../../shared/api/openapi.js';
import {
  ErrorResponse,
  ReviewsResponse,
  EventsResponse,
  KpisResponse,
  OverdueResponse,
  PlanResponse,
  RankingsResponse,
  SnapshotsResponse,
  TaskResponse,
} from '../../shared/api/responses.js';
import { chineseWorkdayCalendar } from '../../shared/calendar/workdays.js';
import { evaluatePlan } from '../../shared/kpi/evaluate-plan.js';
import { replayReports } from '../../shared/kpi/reconcile.js';
import { getPlan } from '../../shared/plan/catalog.js';
import { fixedClock } from '../../shared/time/clocks.js';
import type { PlanSnapshot, SnapshotStore } from '../../shared/ports/snapshots.js';
import { decodeTrend, encodeTrend, snapshotItem, type TrendItem } from '../../shared/api/trend.js';
import type { Page, PlanState, PlanStateReader, ReportReader, SportsEventRecord, StoredReport } from '../../shared/ports/state.js';
import { progressReport, sportsEvent } from '../helpers/reports.js';
import type { ReviewRecordedDetail } from '../../events/schemas.js';
import { FakeAmendmentStore, FakeReviewStore } from './review.fakes.js';
import { planAmender } from '../../shared/plan/amender.js';

const PLAN = 'jining-sports-2023';
const KEY = 'test-cursor-key-0123456789abcdef';
/** 2023-06-30T16:30Z is 2023-07-01 00:30 in Asia/Shanghai: the business date is 2023-07-01. */
const CLOCK = '2023-06-30T16:30:00Z';
const TODAY = '2023-07-01';

// ---------------------------------------------------------------- in-memory fakes of the ports

/** The current state is what the reports imply (the same rule the DynamoDB store applies on write). */
class FakeStore implements PlanStateReader, ReportReader {
  readonly calls = { loadPlanState: 0, listEvents: 0, listReports: [] as Array<{ taskId: string; limit: number; startKey?: Record<string, unknown> }> };
  constructor(
    private readonly reports: StoredReport[] = [],
    private readonly events: SportsEventRecord[] = [],
  ) {}

  async loadPlanState(planId: string): Promise<PlanState> {
    this.calls.loadPlanState++;
    return replayReports(this.reports.filter((r) => r.planId === planId));
  }

  async listEvents(planId: string): Promise<SportsEventRecord[]> {
    this.calls.listEvents++;
    return this.events.filter((e) => e.planId === planId);
  }

  async reportedUnits(): Promise<Array<{ taskId: string; orgId: string }>> {
    return [];
  }

  /** Like a DynamoDB Query with ScanIndexForward=false and Limit: a full page always carries a LastEvaluatedKey. */
  async listReports(planId: string, taskId: string, options: { limit: number; startKey?: Record<string, unknown> }): Promise<Page<StoredReport>> {
    this.calls.listReports.push({ taskId, ...options });
    const pk = `PLAN#${planId}#TASK#${taskId}`;
    const rows = this.reports
      .filter((r) => r.planId === planId && r.taskId === taskId)
      .map((r) => ({ sk: `REPORT#${new Date(r.reportedAt).toISOString()}#${r.webhookId}`, r }))
      .sort((a, b) => b.sk.localeCompare(a.sk));
    const after = options.startKey ? rows.filter((x) => x.sk < String(options.startKey?.sk)) : rows;
    const page = after.slice(0, options.limit);
    const last = page[page.length - 1];
    return { items: page.map((x) => x.r), ...(page.length === options.limit && last ? { lastKey: { pk, sk: last.sk } } : {}) };
  }
}

class FakeSnapshots implements SnapshotStore {
  readonly calls: Array<{ planId: string; from: string; to: string }> = [];
  constructor(private readonly items: PlanSnapshot[] = []) {}
  async putSnapshot(): Promise<void> {
    throw new Error('the read API never writes');
  }
  async listSnapshots(): Promise<PlanSnapshot[]> {
    throw new Error('the read API serves the trend items, not the full snapshots');
  }
  /** The adapter's trend: each day's item from its snapshot (shared/api/trend.ts), through the stored form. */
  async listTrend(planId: string, from: string, to: string): Promise<TrendItem[]> {
    this.calls.push({ planId, from, to });
    return this.items
      .filter((s) => s.planId === planId && s.date >= from && s.date <= to)
      .sort((a, b) => a.date.localeCompare(b.date))
      .map((s) => decodeTrend(s.date, encodeTrend(snapshotItem(s))));
  }
}

// ---------------------------------------------------------------- fixtures

/** T01 done; T02 on pace; T08: five county reports plus the lead's, milestone T08-M1 completed by the lead. */
function fixtureReports(): StoredReport[] {
  const base = { planId: PLAN, period: '2023-06', evidence: [], metrics: [], summary: '' };
  const t08 = [1, 2, 3, 4, 5].map((i) =>
    progressReport({
      taskId: 'T08',
      orgId: i % 2 === 0 ? '370812' : '370811',
      reportedAt: `2023-06-0${i}T10:00:00+08:00`,
      webhookId: `msg_t08_${i}`,
      metrics: [{ kpiId: 'sports-clubs', value: 10 * i }],
    }),
  );
  return [
    progressReport({ ...base, taskId: 'T01', orgId: 'jn-party-office', status: 'completed', percentComplete: 100, reportedAt: '2023-06-10T09:00:00+08:00', webhookId: 'msg_t01' }),
    progressReport({ ...base, taskId: 'T02', orgId: 'jn-party-office', status: 'in_progress', percentComplete: 60, reportedAt: '2023-06-11T09:00:00+08:00', webhookId: 'msg_t02' }),
    ...t08,
    progressReport({
      ...base,
      taskId: 'T08',
      orgId: 'jn-mass-sports',
      status: 'in_progress',
      percentComplete: 50,
      completedMilestoneIds: ['T08-M1'],
      reportedAt: '2023-06-06T10:00:00+08:00',
      webhookId: 'msg_t08_lead',
    }),
  ];
}

function fixtureEvents(): SportsEventRecord[] {
  return [
    sportsEvent({ eventId: 'marathon', orgId: 'jn-mass-sports', status: 'held', startDate: '2023-04-16', endDate: '2023-04-16', taskIds: ['T13'], category: 'marathon' }),
    sportsEvent({ eventId: 'e2', orgId: '370811', status: 'planned', startDate: '2023-05-01', endDate: '2023-05-02', taskIds: ['T14'], category: 'series' }),
    sportsEvent({ eventId: 'e3', orgId: '370811', status: 'held', startDate: '2023-03-01', endDate: '2023-03-01', taskIds: ['T14'], category: 'series' }),
    sportsEvent({ eventId: 'e4', orgId: '370812', status: 'held', startDate: '2023-06-01', endDate: '2023-06-01', taskIds: [], category: 'fitness_activity' }),
    sportsEvent({ eventId: 'e5', orgId: '370811', status: 'cancelled', startDate: '2023-02-01', endDate: '2023-02-01', taskIds: [], category: 'other' }),
  ];
}

function snapshot(date: string): PlanSnapshot {
  const plan = getPlan(PLAN)!;
  return { planId: PLAN, date, createdAt: `${date}T17:00:00.000Z`, view: evaluatePlan(plan, { figures: [], units: [] }, [], date) };
}

/** The office approved T01's claim (issue 15: a unit's `completed` is done only once approved). */
function fixtureDecisions(): ReviewRecordedDetail[] {
  return [
    {
      planId: PLAN,
      taskId: 'T01',
      orgId: 'jn-party-office',
      claim: { reportedAt: '2023-06-10T09:00:00+08:00', sourceId: 'rencheng', webhookId: 'msg_t01' },
      decision: 'approve',
      state: 'approved',
      comment: null,
      decidedAt: '2023-06-12T02:00:00.000Z',
      decidedBy: 'jwt:office',
    },
  ];
}

async function reviewStore(reports: StoredReport[], decisions: ReviewRecordedDetail[]): Promise<FakeReviewStore> {
  const store = new FakeReviewStore(reports);
  for (const d of decisions) await store.recordDecision(d);
  return store;
}

interface Setup {
  amendments?: FakeAmendmentStore;
  reviews?: FakeReviewStore;
  store?: FakeStore;
  snapshots?: FakeSnapshots;
  authorize?: QueryApiDeps['authorize'];
  clock?: string;
}

const fixtureReviews = new FakeReviewStore(fixtureReports());
await fixtureReviews.recordDecision(fixtureDecisions()[0]!);

function setup(opts: Setup = {}) {
  const store = opts.store ?? new FakeStore(fixtureReports(), fixtureEvents());
  const snapshots = opts.snapshots ?? new FakeSnapshots();
  const reviews = opts.reviews ?? fixtureReviews;
  const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn() };
  const handler = createQueryApiHandler({
    reader: store,
    reports: store,
    reviews,
    ...(opts.amendments ? { amender: planAmender(opts.amendments, { ttlMs: 0 }) } : {}),
    snapshots,
    clock: fixedClock(opts.clock ?? CLOCK),
    calendar: chineseWorkdayCalendar(),
    cursorKey: KEY,
    logger,
    ...(opts.authorize ? { authorize: opts.authorize } : {}),
  });
  return { handler, store, snapshots, reviews, logger };
}

function request(path: string, query: Record<string, string> = {}, method = 'GET', headers: Record<string, string> = { authorization: 'Bearer good' }): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: { http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, routeKey: '$default', stage: '$default' },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

function json(res: APIGatewayProxyStructuredResultV2): unknown {
  return JSON.parse(res.body ?? '');
}

function expectError(res: APIGatewayProxyStructuredResultV2, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = ErrorResponse.parse(json(res));
  expect(body.error.code).toBe(code);
  return body.error;
}

const P = `/v1/plans/${PLAN}`;

// ---------------------------------------------------------------- routes

describe('GET /v1/plans/{planId}', () => {
  it('answers the plan with every task and its light as of the business clock', async () => {
    const { handler } = setup();
    const res = await handler(request(P));
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    const body = PlanResponse.parse(json(res));
    expect(body).toMatchObject({ planId: PLAN, year: 2023, asOf: TODAY });
    expect(body.documentNumber).toMatch(/\S/);
    expect(Array.isArray(body.flags)).toBe(true);
    expect(body.tasks).toHaveLength(27);
    const byId = new Map(body.tasks.map((t) => [t.taskId, t]));
    expect(byId.get('T01')?.status).toBe('done'); // the lead unit reported completed
    expect(byId.get('T02')?.status).toBe('green'); // 60% against ~50% elapsed
    expect(byId.get('T03')?.status).toBe('yellow'); // nothing reported, half the year gone
    // Issue 14 (1): T05-M1 (2023-06-30) and T24-M1 (2023-05-31) are past, but their dates are ours
    // and unconfirmed: yellow at worst (节点日期待确认), never red.
    expect(byId.get('T05')).toMatchObject({ status: 'yellow', reasons: expect.arrayContaining([expect.stringContaining('节点日期待确认')]) });
    expect(byId.get('T24')?.status).toBe('yellow');
    expect(byId.get('T10')?.status).toBe('red'); // T10-M1 (5.19) is printed in the notice
    expect(byId.get('T02')?.section).toEqual({ sectionId: 'S1', number: 1, title: expect.any(String) });
    expect(byId.get('T02')).toMatchObject({ dueDate: '2023-12-31', leadOrgIds: ['jn-party-office'], supportOrgIds: ['jn-general-office', 'jn-policy-law'] });
    expect(body.summary.done + body.summary.green + body.summary.yellow + body.summary.red).toBe(27);
  });

  it('judges the lights as of the clock: the same state is green earlier in the year', async () => {
    const { handler } = setup({ clock: '2023-01-05T02:00:00Z' });
    const body = PlanResponse.parse(json(await handler(request(P))));
    expect(body.asOf).toBe('2023-01-05');
    expect(body.tasks.find((t) => t.taskId === 'T05')?.status).toBe('green');
  });

  it('answers 404 plan_not_found for an unknown plan', async () => {
    const { handler } = setup();
    expectError(await handler(request('/v1/plans/nope-2023')), 404, 'plan_not_found');
    expectError(await handler(request('/v1/plans/nope-2023/kpis')), 404, 'plan_not_found');
  });
});

describe('GET /v1/plans/{planId}/kpis', () => {
  it('answers every KPI with the city figure and the per-unit breakdown', async () => {
    const { handler } = setup();
    const body = KpisResponse.parse(json(await handler(request(`${P}/kpis`))));
    expect(body.asOf).toBe(TODAY);
    const clubs = body.kpis.find((k) => k.kpiId === 'sports-clubs');
    // Latest figure per unit: 370811 last reported 50 (msg 5), 370812 last reported 40 (msg 4).
    expect(clubs).toMatchObject({ taskId: 'T08', value: 90, target: { op: '>=', value: 500 }, progress: 0.18, status: 'yellow' });
    expect(clubs?.byOrg.map((o) => [o.orgId, o.value])).toEqual([
      ['370811', 50],
      ['370812', 40],
    ]);
    expect(clubs?.byOrg[0]?.reportedAt).toBe('2023-06-05T10:00:00+08:00');
    const marathon = body.kpis.find((k) => k.kpiId === 'marathon-held');
    expect(marathon).toMatchObject({ value: 1, status: 'done', aggregation: 'count_held_events' });
    expect(body.kpis.find((k) => k.kpiId === 'sports-associations')?.value).toBeNull();
  });
});

describe('GET /v1/plans/{planId}/tasks/{taskId}', () => {
  it('answers the task with milestones, KPIs, unit statuses and its newest reports', async () => {
    const { handler } = setup();
    const res = await handler(request(`${P}/tasks/T08`));
    expect(res.statusCode).toBe(200);
    const body = TaskResponse.parse(json(res));
    expect(body).toMatchObject({ taskId: 'T08', section: { sectionId: 'S2' }, asOf: TODAY });
    expect(body.text).toMatch(/\S/);
    expect(body.milestones).toEqual([expect.objectContaining({ milestoneId: 'T08-M1', dueDate: '2023-06-30', completed: true })]);
    expect(body.kpis.map((k) => k.kpiId).sort()).toEqual(['sports-associations', 'sports-clubs']);
    const lead = body.byOrg.find((o) => o.orgId === 'jn-mass-sports');
    expect(lead).toMatchObject({ role: 'lead', status: 'in_progress', percentComplete: 50, reportedAt: '2023-06-06T10:00:00+08:00' });
    expect(body.byOrg.find((o) => o.orgId === '370826')).toMatchObject({ role: 'support', status: null, percentComplete: null, reportedAt: null });
    expect(body.reports.items.map((r) => r.webhookId)).toEqual(['msg_t08_lead', 'msg_t08_5', 'msg_t08_4', 'msg_t08_3', 'msg_t08_2', 'msg_t08_1']);
    expect(body.reports.nextCursor).toBeNull();
  });

  it('pages through the reports, newest first, with opaque cursors', async () => {
    const { handler, store } = setup();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await handler(request(`${P}/tasks/T08`, { limit: '4', ...(cursor ? { cursor } : {}) }));
      expect(res.statusCode).toBe(200);
      const body = TaskResponse.parse(json(res));
      expect(body.reports.items.length).toBeLessThanOrEqual(4);
      seen.push(...body.reports.items.map((r) => r.webhookId));
      cursor = body.reports.nextCursor;
      if (cursor) expect(cursor).not.toContain('REPORT#'); // opaque: base64url, not the raw key
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(2);
    expect(seen).toEqual(['msg_t08_lead', 'msg_t08_5', 'msg_t08_4', 'msg_t08_3', 'msg_t08_2', 'msg_t08_1']);
    expect(store.calls.listReports.map((c) => c.limit)).toEqual([4, 4]);
    expect(store.calls.listReports[1]?.startKey).toEqual({ pk: `PLAN#${PLAN}#TASK#T08`, sk: expect.stringContaining('msg_t08_3') });
  });

  it('ends cleanly when the last page is exactly full (DynamoDB still returns a key)', async () => {
    const { handler } = setup();
    const first = TaskResponse.parse(json(await handler(request(`${P}/tasks/T08`, { limit: '3' }))));
    const second = TaskResponse.parse(json(await handler(request(`${P}/tasks/T08`, { limit: '3', cursor: first.reports.nextCursor! }))));
    expect(second.reports.items.map((r) => r.webhookId)).toEqual(['msg_t08_3', 'msg_t08_2', 'msg_t08_1']);
    const third = TaskResponse.parse(json(await handler(request(`${P}/tasks/T08`, { limit: '3', cursor: second.reports.nextCursor! }))));
    expect(third.reports).toEqual({ items: [], nextCursor: null });
  });

  it('rejects a tampered cursor, a cursor of another task, and a cursor signed with another key', async () => {
    const { handler } = setup();
    const first = TaskResponse.parse(json(await handler(request(`${P}/tasks/T08`, { limit: '2' }))));
    const cursor = first.reports.nextCursor!;
    const [body, mac] = cursor.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { k: { sk: string } };
    payload.k.sk = 'REPORT#9999';
    const forgedBody = Buffer.from(JSON.stringify(payload)).toString('base64url');
    expectError(await handler(request(`${P}/tasks/T08`, { cursor: `${forgedBody}.${mac}` })), 400, 'invalid_cursor');
    const flipped = `${body.slice(0, -1)}${body.endsWith('A') ? 'B' : 'A'}.${mac}`;
    expectError(await handler(request(`${P}/tasks/T08`, { cursor: flipped })), 400, 'invalid_cursor');
    expectError(await handler(request(`${P}/tasks/T08`, { cursor: 'not-a-cursor' })), 400, 'invalid_cursor');
    expectError(await handler(request(`${P}/tasks/T02`, { cursor })), 400, 'invalid_cursor');
    const foreign = cursorCodec('another-key-0123456789abcdef').encode({ v: 1, r: 'reports', p: PLAN, t: 'T08', k: { pk: 'x', sk: 'y' } });
    expectError(await handler(request(`${P}/tasks/T08`, { cursor: foreign })), 400, 'invalid_cursor');
    // Well signed, but an events cursor.
    const wrongKind = cursorCodec(KEY).encode({ v: 1, r: 'events', p: PLAN, f: 'x', o: 2 });
    expectError(await handler(request(`${P}/tasks/T08`, { cursor: wrongKind })), 400, 'invalid_cursor');
  });

  it('answers 404 task_not_found for an unknown task', async () => {
    const { handler, store } = setup();
    expectError(await handler(request(`${P}/tasks/T99`)), 404, 'task_not_found');
    expectError(await handler(request(`${P}/tasks/whatever`)), 404, 'task_not_found');
    expect(store.calls.listReports).toHaveLength(0);
  });

  it('reads the events only for a task with an event-counted KPI', async () => {
    const { handler, store } = setup();
    await handler(request(`${P}/tasks/T08`));
    expect(store.calls.listEvents).toBe(0);
    const body = TaskResponse.parse(json(await handler(request(`${P}/tasks/T13`))));
    expect(store.calls.listEvents).toBe(1);
    expect(body.kpis[0]).toMatchObject({ kpiId: 'marathon-held', value: 1, status: 'done' });
  });

  it('validates limit', async () => {
    const { handler } = setup();
    for (const limit of ['0', '101', 'abc', '-1', '1.5', '2,3']) {
      const err = expectError(await handler(request(`${P}/tasks/T08`, { limit })), 400, 'invalid_query');
      expect(err.issues?.[0]?.path).toBe('limit');
    }
  });
});

describe('GET /v1/plans/{planId}/overdue', () => {
  it('lists tasks and milestones past due and not done, with calendar and working days', async () => {
    const { handler } = setup();
    const body = OverdueResponse.parse(json(await handler(request(`${P}/overdue`, { asOf: '2023-06-26' }))));
    expect(body.asOf).toBe('2023-06-26');
    const t24 = body.items.find((i) => i.milestoneId === 'T24-M1');
    // 2023-05-31 → 2023-06-26: 26 days; 18 weekdays, minus the Dragon Boat holiday (22–23 June),
    // plus the make-up workday Sunday 25 June (调休) = 17 workdays.
    // Its date is ours: listed with dateAssumed, not an alarm.
    expect(t24).toEqual({ taskId: 'T24', milestoneId: 'T24-M1', dateAssumed: true, title: expect.any(String), dueDate: '2023-05-31', daysOverdue: 26, workdaysOverdue: 17, orgIds: ['jn-sports-economy'] });
    expect(body.items.find((i) => i.milestoneId === 'T10-M1')?.dateAssumed).toBeUndefined(); // 5.19 is printed
    expect(body.items.some((i) => i.milestoneId === 'T10-M1')).toBe(true);
    // Not yet due on 2023-06-26.
    expect(body.items.some((i) => i.milestoneId === 'T05-M1')).toBe(false);
    // Sorted most overdue first.
    const days = body.items.map((i) => i.daysOverdue);
    expect([...days].sort((a, b) => b - a)).toEqual(days);
  });

  it('defaults to the business date and leaves out done tasks and completed milestones', async () => {
    const { handler, store } = setup();
    const body = OverdueResponse.parse(json(await handler(request(`${P}/overdue`))));
    expect(body.asOf).toBe(TODAY);
    expect(body.items.find((i) => i.milestoneId === 'T05-M1')).toMatchObject({ taskId: 'T05', dueDate: '2023-06-30', daysOverdue: 1, workdaysOverdue: 0, orgIds: ['jn-party-office'] });
    expect(body.items.some((i) => i.milestoneId === 'T08-M1')).toBe(false); // the lead reported it complete
    expect(body.items.every((i) => i.milestoneId !== undefined)).toBe(true); // no task is due before 12-31
    // Issue 14 (6): a held event completes T12-M1 and T13-M1, so the overdue list reads the events (once).
    expect(store.calls.listEvents).toBe(1);
  });

  it('lists a task past its due date, without the lead units that completed it', async () => {
    const { handler } = setup();
    const body = OverdueResponse.parse(json(await handler(request(`${P}/overdue`, { asOf: '2024-01-03' }))));
    expect(body.items.some((i) => i.taskId === 'T01')).toBe(false); // done
    expect(body.items.find((i) => i.taskId === 'T02' && i.milestoneId === undefined)).toMatchObject({ dueDate: '2023-12-31', daysOverdue: 3, orgIds: ['jn-party-office'] });
  });

  it('rejects a bad asOf', async () => {
    const { handler } = setup();
    for (const asOf of ['2023-02-30', '20230601', 'today']) {
      const err = expectError(await handler(request(`${P}/overdue`, { asOf })), 400, 'invalid_query');
      expect(err.issues).toEqual([{ path: 'asOf', message: expect.any(String) }]);
    }
  });

  it('refuses an asOf beyond the plan’s year ± 1 at once (9999-12-31 used to walk the calendar for 15 s and answer 500)', async () => {
    const { handler, store } = setup();
    for (const asOf of ['9999-12-31', '2025-01-01', '2021-12-31']) {
      const err = expectError(await handler(request(`${P}/overdue`, { asOf })), 400, 'invalid_query');
      expect(err.issues).toEqual([{ path: 'asOf', message: 'a date from 2022-01-01 to 2024-12-31 (the plan\'s year ± 1)' }]);
    }
    expect(store.calls.loadPlanState).toBe(0);
    for (const asOf of ['2022-01-01', '2024-12-31']) expect((await handler(request(`${P}/overdue`, { asOf }))).statusCode).toBe(200);
  });

  it('holds every date parameter to the plan’s span: events and snapshots from/to', async () => {
    const { handler } = setup();
    const err = expectError(await handler(request(`${P}/events`, { from: '0001-01-01', to: '9999-12-31' })), 400, 'invalid_query');
    expect(err.issues?.map((i) => i.path)).toEqual(['from', 'to']);
    expectError(await handler(request(`${P}/snapshots`, { to: '2030-01-01' })), 400, 'invalid_query');
  });
});

describe('GET /v1/plans/{planId}/rankings', () => {
  it('ranks units by the share of their items green or done', async () => {
    const { handler } = setup();
    const body = RankingsResponse.parse(json(await handler(request(`${P}/rankings`))));
    expect(body.asOf).toBe(TODAY);
    expect(body.orgs.length).toBeGreaterThan(10);
    const ranks = body.orgs.map((o) => o.rank);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(body.orgs[0]?.rank).toBe(1);
    const party = body.orgs.find((o) => o.orgId === 'jn-party-office');
    // T01 done, T02 green, T03/T04 yellow, T05 yellow: its milestone's date is assumed (issue 14 (1)).
    expect(party).toMatchObject({ name: expect.any(String), items: 5, done: 1, green: 1, yellow: 3, red: 0, overdue: 0, score: 0.4 });
    for (const o of body.orgs) expect(o.green + o.yellow + o.red + o.done).toBe(o.items);
  });
});

describe('completion claims (issue 15)', () => {
  /** T22 claimed by its lead with evidence while lottery sales stand at 6亿 of 9亿; T14 claimed by its lead, returned once. */
  const claims = (): StoredReport[] => [
    progressReport({ planId: PLAN, taskId: 'T22', orgId: 'jn-lottery-center', status: 'in_progress', percentComplete: 70, period: '2023-06', metrics: [{ kpiId: 'lottery-sales', value: 60000 }], reportedAt: '2023-06-20T10:00:00+08:00', webhookId: 'msg_lc', sourceId: 'lottery-center' }),
    progressReport({
      planId: PLAN,
      taskId: 'T22',
      orgId: 'jn-sports-economy',
      status: 'completed',
      percentComplete: 100,
      period: '2023-06',
      metrics: [],
      summary: '体育彩票销售工作已完成',
      evidence: [{ title: '彩票销量统计表', url: 'https://example.gov.cn/lottery.pdf' }],
      reportedAt: '2023-06-25T10:00:00+08:00',
      receivedAt: '2023-06-25T02:00:03.000Z',
      webhookId: 'msg_t22_claim',
      sourceId: 'sports-economy',
    }),
    progressReport({ planId: PLAN, taskId: 'T14', orgId: 'jn-mass-sports', status: 'completed', period: '2023-06', metrics: [], summary: '系列赛已办完', evidence: [{ title: '赛事清单', url: 'https://example.gov.cn/series.pdf' }], reportedAt: '2023-06-21T10:00:00+08:00', webhookId: 'msg_t14_claim', sourceId: 'mass-sports' }),
  ];
  const returnT14: ReviewRecordedDetail = {
    planId: PLAN,
    taskId: 'T14',
    orgId: 'jn-mass-sports',
    claim: { reportedAt: '2023-06-21T10:00:00+08:00', sourceId: 'mass-sports', webhookId: 'msg_t14_claim' },
    decision: 'return',
    state: 'returned',
    comment: '品牌赛事仅办5项，请补充',
    decidedAt: '2023-06-28T02:00:00.000Z',
    decidedBy: 'jwt:office',
  };
  async function claimsSetup(decisions: ReviewRecordedDetail[] = []) {
    const reports = [...fixtureReports(), ...claims()];
    return setup({ store: new FakeStore(reports, fixtureEvents()), reviews: await reviewStore(reports, [...fixtureDecisions(), ...decisions]) });
  }

  it('GET …/reviews lists the pending claims oldest first, with summary, evidence and the task’s KPIs against target', async () => {
    const { handler } = await claimsSetup();
    const res = await handler(request(`${P}/reviews`, { state: 'pending' }));
    expect(res.statusCode).toBe(200);
    const body = ReviewsResponse.parse(json(res));
    expect(body).toMatchObject({ planId: PLAN, asOf: TODAY, state: 'pending', nextCursor: null });
    expect(body.items.map((i) => [i.taskId, i.orgId])).toEqual([
      ['T14', 'jn-mass-sports'],
      ['T22', 'jn-sports-economy'],
    ]);
    const t22 = body.items[1]!;
    expect(t22).toMatchObject({
      title: '积极开展“三争”工作',
      dueDate: '2023-12-31',
      role: 'lead',
      state: 'pending',
      claim: { reportedAt: '2023-06-25T10:00:00+08:00', sourceId: 'sports-economy', webhookId: 'msg_t22_claim' },
      claimedAt: '2023-06-25T02:00:03.000Z',
      reportedAt: '2023-06-25T10:00:00+08:00',
      late: false,
      percentComplete: 100,
      summary: '体育彩票销售工作已完成',
      evidence: [{ title: '彩票销量统计表', url: 'https://example.gov.cn/lottery.pdf' }],
      decision: null,
    });
    // What the office checks the claim against: 6亿 of 9亿 (in 万元).
    expect(t22.kpis.find((k) => k.kpiId === 'lottery-sales')).toMatchObject({ value: 60000, orgValue: null, target: { op: '>=', value: 90000 } });
    // The default state is pending; T01 (approved) is not listed.
    const byDefault = ReviewsResponse.parse(json(await handler(request(`${P}/reviews`))));
    expect(byDefault.items.map((i) => i.taskId)).toEqual(['T14', 'T22']);
  });

  it('approved and returned claims are listed by state, each with its decision', async () => {
    const { handler } = await claimsSetup([returnT14]);
    const returned = ReviewsResponse.parse(json(await handler(request(`${P}/reviews`, { state: 'returned' }))));
    expect(returned.items.map((i) => [i.taskId, i.decision?.comment])).toEqual([['T14', '品牌赛事仅办5项，请补充']]);
    const approved = ReviewsResponse.parse(json(await handler(request(`${P}/reviews`, { state: 'approved' }))));
    expect(approved.items.map((i) => [i.taskId, i.decision?.decidedBy])).toEqual([['T01', 'jwt:office']]);
    const pending = ReviewsResponse.parse(json(await handler(request(`${P}/reviews`))));
    expect(pending.items.map((i) => i.taskId)).toEqual(['T22']);
  });

  it('pages with a signed cursor bound to the state; reads the audit rows of the page only', async () => {
    const { handler, reviews } = await claimsSetup();
    const before = reviews.calls.claimReport;
    const first = ReviewsResponse.parse(json(await handler(request(`${P}/reviews`, { limit: '1' }))));
    expect(first.items.map((i) => i.taskId)).toEqual(['T14']);
    expect(reviews.calls.claimReport - before).toBe(1);
    const second = ReviewsResponse.parse(json(await handler(request(`${P}/reviews`, { limit: '1', cursor: first.nextCursor! }))));
    expect(second.items.map((i) => i.taskId)).toEqual(['T22']);
    expect(second.nextCursor).toBeNull();
    expectError(await handler(request(`${P}/reviews`, { limit: '1', state: 'approved', cursor: first.nextCursor! })), 400, 'invalid_cursor');
    expect(expectError(await handler(request(`${P}/reviews`, { state: 'closed' })), 400, 'invalid_query').issues?.[0]?.path).toBe('state');
  });

  it('the task lists its decisions newest first; a pending or returned claim does not make it done', async () => {
    const { handler } = await claimsSetup([returnT14]);
    const t14 = TaskResponse.parse(json(await handler(request(`${P}/tasks/T14`))));
    expect(t14.status).not.toBe('done');
    expect(t14.reviews).toEqual([returnT14]);
    expect(t14.byOrg.find((o) => o.orgId === 'jn-mass-sports')).toMatchObject({ status: 'completed', review: { state: 'returned', comment: '品牌赛事仅办5项，请补充' }, completedAt: null, late: false });
    const t22 = TaskResponse.parse(json(await handler(request(`${P}/tasks/T22`))));
    expect(t22).toMatchObject({ pendingReview: ['jn-sports-economy'], completedAt: null, reviews: [] });
    const t01 = TaskResponse.parse(json(await handler(request(`${P}/tasks/T01`))));
    expect(t01).toMatchObject({ status: 'done', completedAt: '2023-06-10T09:00:00+08:00', late: false, reviews: fixtureDecisions() });
    const plan = PlanResponse.parse(json(await handler(request(P))));
    expect(plan.lateDone).toBe(0);
    expect(plan.tasks.find((t) => t.taskId === 'T22')).toMatchObject({ pendingReview: ['jn-sports-economy'] });
  });
});

describe('the plan as amended (计划调整, issue 15)', () => {
  async function amended() {
    const amendments = new FakeAmendmentStore();
    await amendments.append({
      planId: PLAN,
      version: 2,
      effectiveFrom: '2023-07-01',
      reason: '督查室确认T08-M1日期',
      changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }],
      amendedAt: '2023-06-30T16:40:00.000Z',
      amendedBy: 'jwt:office',
    });
    return setup({ amendments });
  }

  it('GET /v1/plans/{planId} shows version 1 as encoded, then the version and the amendments', async () => {
    const { handler: plain } = setup();
    expect(PlanResponse.parse(json(await plain(request(P))))).toMatchObject({ version: 1, amendments: [] });
    const { handler } = await amended();
    const body = PlanResponse.parse(json(await handler(request(P))));
    expect(body.version).toBe(2);
    expect(body.amendments).toMatchObject([{ version: 2, effectiveFrom: '2023-07-01', changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }] }]);
  });

  it('a confirmed date is a real date from its effective day: T05-M1 (06-30) open on 07-01 makes T05 red, not yellow', async () => {
    const { handler: plain } = setup();
    const before = TaskResponse.parse(json(await plain(request(`${P}/tasks/T05`))));
    expect(before.status).toBe('yellow');
    expect(before.reasons).toContain('节点日期待确认：T05-M1（“转作风、强执行，推动全市体育高质量发展”培训班）暂定2023年6月30日前完成，尚未报送完成');
    const amendments = new FakeAmendmentStore();
    await amendments.append({
      planId: PLAN,
      version: 2,
      effectiveFrom: '2023-07-01',
      reason: '督查室确认',
      changes: [{ op: 'confirm_milestone', milestoneId: 'T05-M1' }],
      amendedAt: '2023-06-30T16:40:00.000Z',
      amendedBy: 'jwt:office',
    });
    const { handler } = setup({ amendments });
    const after = TaskResponse.parse(json(await handler(request(`${P}/tasks/T05`))));
    expect(after.status).toBe('red');
    expect(after.milestones.find((m) => m.milestoneId === 'T05-M1')).toMatchObject({ assumption: false });
    expect(after.reasons).toContain('节点T05-M1（“转作风、强执行，推动全市体育高质量发展”培训班）已逾期（应于2023年6月30日前完成）');
    // As of the day before it took effect, the plan read as it was: the rankings and lights of that day do not move.
    const { handler: earlier } = setup({ amendments, clock: '2023-06-29T16:30:00Z' });
    expect(TaskResponse.parse(json(await earlier(request(`${P}/tasks/T05`)))).milestones.find((m) => m.milestoneId === 'T05-M1')).toMatchObject({ assumption: true });
  });
});

describe('GET /v1/plans/{planId}/events', () => {
  it('lists every event, latest start first', async () => {
    const { handler } = setup();
    const body = EventsResponse.parse(json(await handler(request(`${P}/events`))));
    expect(body.items.map((e) => e.eventId)).toEqual(['e4', 'e2', 'marathon', 'e3', 'e5']);
    expect(body.nextCursor).toBeNull();
  });

  it('filters by unit, status, category, task and start-date range', async () => {
    const { handler } = setup();
    const ids = async (q: Record<string, string>) => EventsResponse.parse(json(await handler(request(`${P}/events`, q)))).items.map((e) => e.eventId);
    expect(await ids({ orgId: '370811' })).toEqual(['e2', 'e3', 'e5']);
    expect(await ids({ status: 'held' })).toEqual(['e4', 'marathon', 'e3']);
    expect(await ids({ orgId: '370811', status: 'held' })).toEqual(['e3']);
    expect(await ids({ category: 'series' })).toEqual(['e2', 'e3']);
    expect(await ids({ taskId: 'T14' })).toEqual(['e2', 'e3']);
    expect(await ids({ from: '2023-03-01', to: '2023-05-01' })).toEqual(['e2', 'marathon', 'e3']);
    expect(await ids({ from: '2023-07-01' })).toEqual([]);
  });

  it('pages over more than one page with a signed offset cursor bound to the filters', async () => {
    const { handler } = setup();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body = EventsResponse.parse(json(await handler(request(`${P}/events`, { limit: '2', ...(cursor ? { cursor } : {}) }))));
      seen.push(...body.items.map((e) => e.eventId));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['e4', 'e2', 'marathon', 'e3', 'e5']);

    const first = EventsResponse.parse(json(await handler(request(`${P}/events`, { limit: '2' }))));
    // The same cursor with other filters is refused rather than silently skipping items.
    expectError(await handler(request(`${P}/events`, { limit: '2', status: 'held', cursor: first.nextCursor! })), 400, 'invalid_cursor');
    const [body, mac] = first.nextCursor!.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { o: number };
    payload.o = 0;
    expectError(await handler(request(`${P}/events`, { cursor: `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${mac}` })), 400, 'invalid_cursor');
  });

  it('rejects bad filters and unknown parameters', async () => {
    const { handler } = setup();
    const bad = async (q: Record<string, string>, path: string) => {
      const err = expectError(await handler(request(`${P}/events`, q)), 400, 'invalid_query');
      expect(err.issues?.map((i) => i.path)).toContain(path);
    };
    await bad({ status: 'done' }, 'status');
    await bad({ orgId: 'A B' }, 'orgId');
    await bad({ from: '2023-13-01' }, 'from');
    await bad({ from: '2023-06-01', to: '2023-05-01' }, 'from');
    await bad({ limit: '201' }, 'limit');
    await bad({ page: '2' }, 'page');
    await bad({ status: 'held,planned' }, 'status'); // a repeated parameter, joined by API Gateway
  });
});

describe('GET /v1/plans/{planId}/snapshots', () => {
  const snaps = new FakeSnapshots(['2023-05-01', '2023-06-01', '2023-06-15', '2023-06-30', '2023-07-01'].map(snapshot));

  it('answers the last 31 days up to today by default, oldest first', async () => {
    const { handler, snapshots } = setup({ snapshots: snaps });
    const body = SnapshotsResponse.parse(json(await handler(request(`${P}/snapshots`))));
    expect(snapshots.calls.at(-1)).toEqual({ planId: PLAN, from: '2023-06-01', to: TODAY });
    expect(body).toMatchObject({ from: '2023-06-01', to: TODAY });
    expect(body.items.map((s) => s.date)).toEqual(['2023-06-01', '2023-06-15', '2023-06-30', '2023-07-01']);
    const first = body.items[0]!;
    expect(first.kpis).toContainEqual({ kpiId: 'sports-clubs', value: null, progress: null, status: expect.any(String) });
    expect(first.tasks).toHaveLength(27);
    expect(first.summary.green + first.summary.yellow + first.summary.red + first.summary.done).toBe(27);
  });

  it('answers an explicit range', async () => {
    const { handler, snapshots } = setup({ snapshots: snaps });
    const body = SnapshotsResponse.parse(json(await handler(request(`${P}/snapshots`, { from: '2023-05-01', to: '2023-06-01' }))));
    expect(snapshots.calls.at(-1)).toEqual({ planId: PLAN, from: '2023-05-01', to: '2023-06-01' });
    expect(body.items.map((s) => s.date)).toEqual(['2023-05-01', '2023-06-01']);
  });

  it('caps the range at 366 days and rejects from after to', async () => {
    const { handler, snapshots } = setup({ snapshots: snaps });
    const ok = await handler(request(`${P}/snapshots`, { from: '2023-01-01', to: '2024-01-01' })); // 366 days
    expect(ok.statusCode).toBe(200);
    const err = expectError(await handler(request(`${P}/snapshots`, { from: '2023-01-01', to: '2024-01-02' })), 400, 'invalid_query');
    expect(err.issues?.[0]?.path).toBe('to');
    expectError(await handler(request(`${P}/snapshots`, { from: '2023-06-02', to: '2023-06-01' })), 400, 'invalid_query');
    expect(snapshots.calls.at(-1)).toEqual({ planId: PLAN, from: '2023-01-01', to: '2024-01-01' });
  });

  it('with only from, reads up to today', async () => {
    const { handler, snapshots } = setup({ snapshots: snaps });
    await handler(request(`${P}/snapshots`, { from: '2023-06-20' }));
    expect(snapshots.calls.at(-1)).toEqual({ planId: PLAN, from: '2023-06-20', to: TODAY });
  });
});

// ---------------------------------------------------------------- cross-cutting

describe('authorization', () => {
  const authorize = (event: APIGatewayProxyEventV2) => event.headers.authorization === 'Bearer good';

  it('answers the same 401 for a missing, malformed or wrong token, on every path', async () => {
    const { handler, store } = setup({ authorize });
    const answers = await Promise.all([
      handler(request(P, {}, 'GET', {})),
      handler(request(P, {}, 'GET', { authorization: 'Basic Zm9vOmJhcg==' })),
      handler(request(P, {}, 'GET', { authorization: 'Bearer wrong' })),
      handler(request(`${P}/tasks/T99`, {}, 'GET', {})),
      handler(request('/v1/nowhere', {}, 'GET', {})),
      handler(request(P, {}, 'DELETE', {})),
    ]);
    for (const res of answers) {
      expectError(res, 401, 'unauthorized');
      expect(res.headers?.['www-authenticate']).toBe('Bearer');
      expect(res.body).toBe(answers[0]?.body);
    }
    expect(store.calls.loadPlanState).toBe(0);
  });

  it('serves a request with a good token', async () => {
    const { handler } = setup({ authorize });
    expect((await handler(request(P))).statusCode).toBe(200);
  });

  it('serves the OpenAPI document without a token', async () => {
    const { handler } = setup({ authorize: () => false });
    const res = await handler(request('/v1/openapi.json', {}, 'GET', {}));
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(json(res)).toEqual(buildOpenApiDocument());
  });
});

describe('routing and errors', () => {
  it('answers 404 not_found for an unknown route', async () => {
    const { handler } = setup();
    for (const path of ['/v1/nowhere', '/v1/plans', `${P}/tasks`, `${P}/tasks/T08/reports`, '/']) {
      expectError(await handler(request(path)), 404, 'not_found');
    }
  });

  it('answers 405 with Allow: GET for another method', async () => {
    const { handler } = setup();
    for (const [method, path] of [
      ['POST', P],
      ['DELETE', `${P}/tasks/T08`],
      ['PUT', '/v1/openapi.json'],
    ] as const) {
      const res = await handler(request(path, {}, method));
      expectError(res, 405, 'method_not_allowed');
      expect(res.headers?.allow).toBe('GET');
    }
  });

  it('rejects an unknown query parameter on every route, naming it', async () => {
    const { handler } = setup();
    for (const path of [P, `${P}/kpis`, `${P}/tasks/T08`, `${P}/overdue`, `${P}/rankings`, `${P}/events`, `${P}/snapshots`]) {
      const err = expectError(await handler(request(path, { foo: '1' })), 400, 'invalid_query');
      expect(err.issues).toEqual([{ path: 'foo', message: 'unknown query parameter' }]);
    }
  });

  it('routes on the raw path, whatever the route key, and decodes path segments', async () => {
    const { handler } = setup();
    const body = TaskResponse.parse(json(await handler(request(`/v1/plans/${PLAN}/tasks/%54%30%38`))));
    expect(body.taskId).toBe('T08');
    expectError(await handler(request('/v1/plans/%E0%A4%A')), 404, 'not_found');
  });

  it('answers 500 internal_error when a store fails, and logs it', async () => {
    const store = new FakeStore();
    store.loadPlanState = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const { handler, logger } = setup({ store });
    const res = await handler(request(P));
    expectError(res, 500, 'internal_error');
    expect(res.body).not.toContain('Provisioned');
    expect(logger.error).toHaveBeenCalledWith('query failed', expect.objectContaining({ error: expect.stringContaining('ProvisionedThroughputExceededException') }));
  });
});
