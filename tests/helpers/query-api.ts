import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { expect, vi } from 'vitest';
import { createQueryApiHandler, type QueryApiDeps } from '../../functions/query-api/app.js';
import { ErrorResponse } from '../../shared/api/responses.js';
import { chineseWorkdayCalendar } from '../../shared/calendar/workdays.js';
import { evaluatePlan } from '../../shared/kpi/evaluate-plan.js';
import { replayReports } from '../../shared/kpi/reconcile.js';
import { getPlan } from '../../shared/plan/catalog.js';
import { fixedClock } from '../../shared/time/clocks.js';
import type { PlanSnapshot, SnapshotStore } from '../../shared/ports/snapshots.js';
import { decodeTrend, encodeTrend, snapshotItem, type TrendItem } from '../../shared/api/trend.js';
import type { Page, PlanState, PlanStateReader, ReportReader, SportsEventRecord, StoredReport } from '../../shared/ports/state.js';
import { progressReport, sportsEvent } from './reports.js';
import type { ReviewRecordedDetail } from '../../events/schemas.js';
import { FakeReviewStore, type FakeAmendmentStore } from '../unit/review.fakes.js';
import { planAmender } from '../../shared/plan/amender.js';

/**
 * The query API over in-memory fakes of its ports, for the tests of tests/unit/query-api*.test.ts:
 * the fixtures (reports, events, decisions, snapshots), the handler built on them and requests to it.
 */

export const PLAN = 'jining-sports-2023';
export const KEY = 'test-cursor-key-0123456789abcdef';
/** 2023-06-30T16:30Z is 2023-07-01 00:30 in Asia/Shanghai: the business date is 2023-07-01. */
const CLOCK = '2023-06-30T16:30:00Z';
export const TODAY = '2023-07-01';

// ---------------------------------------------------------------- in-memory fakes of the ports

/** The current state is what the reports imply (the same rule the DynamoDB store applies on write). */
export class FakeStore implements PlanStateReader, ReportReader {
  readonly calls = {
    loadPlanState: 0,
    listEvents: 0,
    listReports: [] as Array<{ taskId: string; limit: number; startKey?: Record<string, unknown> }>,
  };
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
  async listReports(
    planId: string,
    taskId: string,
    options: { limit: number; startKey?: Record<string, unknown> },
  ): Promise<Page<StoredReport>> {
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

export class FakeSnapshots implements SnapshotStore {
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
export function fixtureReports(): StoredReport[] {
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
    progressReport({
      ...base,
      taskId: 'T01',
      orgId: 'jn-party-office',
      status: 'completed',
      percentComplete: 100,
      reportedAt: '2023-06-10T09:00:00+08:00',
      webhookId: 'msg_t01',
    }),
    progressReport({
      ...base,
      taskId: 'T02',
      orgId: 'jn-party-office',
      status: 'in_progress',
      percentComplete: 60,
      reportedAt: '2023-06-11T09:00:00+08:00',
      webhookId: 'msg_t02',
    }),
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

export function fixtureEvents(): SportsEventRecord[] {
  return [
    sportsEvent({
      eventId: 'marathon',
      orgId: 'jn-mass-sports',
      status: 'held',
      startDate: '2023-04-16',
      endDate: '2023-04-16',
      taskIds: ['T13'],
      category: 'marathon',
    }),
    sportsEvent({
      eventId: 'e2',
      orgId: '370811',
      status: 'planned',
      startDate: '2023-05-01',
      endDate: '2023-05-02',
      taskIds: ['T14'],
      category: 'series',
    }),
    sportsEvent({
      eventId: 'e3',
      orgId: '370811',
      status: 'held',
      startDate: '2023-03-01',
      endDate: '2023-03-01',
      taskIds: ['T14'],
      category: 'series',
    }),
    sportsEvent({
      eventId: 'e4',
      orgId: '370812',
      status: 'held',
      startDate: '2023-06-01',
      endDate: '2023-06-01',
      taskIds: [],
      category: 'fitness_activity',
    }),
    sportsEvent({
      eventId: 'e5',
      orgId: '370811',
      status: 'cancelled',
      startDate: '2023-02-01',
      endDate: '2023-02-01',
      taskIds: [],
      category: 'other',
    }),
  ];
}

export function snapshot(date: string): PlanSnapshot {
  const plan = getPlan(PLAN)!;
  return { planId: PLAN, date, createdAt: `${date}T17:00:00.000Z`, view: evaluatePlan(plan, { figures: [], units: [] }, [], date) };
}

/** The office approved T01's claim (issue 15: a unit's `completed` is done only once approved). */
export function fixtureDecisions(): ReviewRecordedDetail[] {
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

export async function reviewStore(reports: StoredReport[], decisions: ReviewRecordedDetail[]): Promise<FakeReviewStore> {
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

export function setup(opts: Setup = {}) {
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

export function request(
  path: string,
  query: Record<string, string> = {},
  method = 'GET',
  headers: Record<string, string> = { authorization: 'Bearer good' },
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: new URLSearchParams(query).toString(),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      routeKey: '$default',
      stage: '$default',
    },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

export function json(res: APIGatewayProxyStructuredResultV2): unknown {
  return JSON.parse(res.body ?? '');
}

export function expectError(res: APIGatewayProxyStructuredResultV2, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  const body = ErrorResponse.parse(json(res));
  expect(body.error.code).toBe(code);
  return body.error;
}

export const P = `/v1/plans/${PLAN}`;
