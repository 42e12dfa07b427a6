import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { createOfficeApiHandler } from '../../functions/office-api/app.js';
import type { OfficeCaller } from '../../shared/api/office-role.js';
import { ErrorResponse } from '../../shared/api/responses.js';
import { ReviewResponse } from '../../shared/api/office.js';
import { ReviewRecordedDetail } from '../../events/schemas.js';
import { fixedClock } from '../../shared/ports/clock.js';
import { progressReport } from '../helpers/reports.js';
import { FakeReviewStore, RecordingBus, ReportsReader } from './review.fakes.js';

const PLAN = 'jining-sports-2023';
const LEAD = 'jn-sports-economy';
const logger = { error: () => undefined, warn: () => undefined, info: () => undefined };

/** T22: the lead claims completion (with evidence); the lottery centre (support) is still in progress. */
const claim = progressReport({
  taskId: 'T22',
  orgId: LEAD,
  status: 'completed',
  percentComplete: 100,
  metrics: [],
  reportedAt: '2023-11-20T10:00:00+08:00',
  webhookId: 'msg_claim',
  sourceId: 'sports-economy',
  evidence: [{ title: '彩票销量统计表', url: 'https://example.gov.cn/lottery.pdf' }],
});
const support = progressReport({ taskId: 'T22', orgId: 'jn-lottery-center', status: 'in_progress', percentComplete: 60, metrics: [], webhookId: 'msg_lc', sourceId: 'lottery-center' });

let reader: ReportsReader;
let reviews: FakeReviewStore;
let bus: RecordingBus;
let caller: OfficeCaller;

function handler() {
  return createOfficeApiHandler({ reader, reviews, bus, clock: fixedClock('2023-11-21T02:00:00Z'), logger, authorize: () => caller });
}

function post(path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): APIGatewayProxyEventV2 {
  return {
    rawPath: path,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { http: { method: 'POST' } },
  } as unknown as APIGatewayProxyEventV2;
}

const REVIEWS = `/v1/plans/${PLAN}/tasks/T22/reviews`;
const json = (res: APIGatewayProxyStructuredResultV2) => JSON.parse(res.body ?? '') as Record<string, unknown>;
const errorOf = (res: APIGatewayProxyStructuredResultV2) => ErrorResponse.parse(json(res)).error;

beforeEach(() => {
  reader = new ReportsReader([claim, support]);
  reviews = new FakeReviewStore();
  bus = new RecordingBus();
  caller = { kind: 'office', actor: 'jwt:office-user-1' };
});

describe('office-api: who may act', () => {
  it('401 without a valid token, 403 for a reader — before reading anything', async () => {
    caller = { kind: 'anonymous' };
    const anon = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }));
    expect(anon.statusCode).toBe(401);
    expect(anon.headers?.['www-authenticate']).toBe('Bearer');
    caller = { kind: 'reader' };
    const reading = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }));
    expect(reading.statusCode).toBe(403);
    expect(errorOf(reading).code).toBe('forbidden');
    expect(reviews.calls.listDecisions).toBe(0);
    expect(reviews.rows.size).toBe(0);
  });
});

describe('office-api: POST …/tasks/{taskId}/reviews', () => {
  it('approve (销号): 200 with the decision, an immutable row, and review.recorded on the bus', async () => {
    const res = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }));
    expect(res.statusCode, res.body).toBe(200);
    const body = ReviewResponse.parse(json(res));
    expect(body).toEqual({
      planId: PLAN,
      taskId: 'T22',
      orgId: LEAD,
      claim: { reportedAt: claim.reportedAt, sourceId: 'sports-economy', webhookId: 'msg_claim' },
      decision: 'approve',
      state: 'approved',
      comment: null,
      decidedAt: '2023-11-21T02:00:00.000Z',
      decidedBy: 'jwt:office-user-1',
    });
    expect([...reviews.rows.values()]).toEqual([body]);
    expect(bus.events).toEqual([{ detailType: 'review.recorded', detail: body }]);
    expect(ReviewRecordedDetail.parse(bus.events[0]!.detail)).toEqual(body);
  });

  it('return (退回) needs a comment (400 naming it); with one, the state is returned and the comment kept', async () => {
    const bare = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'return' }));
    expect(bare.statusCode).toBe(400);
    expect(errorOf(bare)).toMatchObject({ code: 'invalid_body', issues: [{ path: 'comment' }] });
    const blank = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'return', comment: '   ' }));
    expect(blank.statusCode).toBe(400);
    const res = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'return', comment: '彩票销量6亿元，未达9亿元目标，请补充说明' }));
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ state: 'returned', decision: 'return', comment: '彩票销量6亿元，未达9亿元目标，请补充说明' });
  });

  it('409 when the unit has no pending claim: in progress, never reported, or already decided', async () => {
    const inProgress = await handler()(post(REVIEWS, { orgId: 'jn-lottery-center', decision: 'approve' }));
    expect(inProgress.statusCode).toBe(409);
    expect(errorOf(inProgress).code).toBe('no_pending_claim');
    reader = new ReportsReader([support]);
    expect((await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }))).statusCode).toBe(409);
    reader = new ReportsReader([claim, support]);
    expect((await handler()(post(REVIEWS, { orgId: LEAD, decision: 'return', comment: '材料不全' }))).statusCode).toBe(200);
    const again = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }));
    expect(again.statusCode).toBe(409);
    expect(errorOf(again).message).toMatch(/already returned/);
    expect(reviews.rows.size).toBe(1);
  });

  it('a new claim after a return is pending again and can be approved', async () => {
    await handler()(post(REVIEWS, { orgId: LEAD, decision: 'return', comment: '材料不全' }));
    reader.reports.push({ ...claim, reportedAt: '2023-11-25T10:00:00+08:00', webhookId: 'msg_claim_2' });
    const res = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }));
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ state: 'approved', claim: { webhookId: 'msg_claim_2' } });
    expect(reviews.rows.size).toBe(2);
  });

  it('a decision recorded while the bus is down answers 503; the same request again publishes it (200), one row', async () => {
    bus.down = true;
    const first = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }));
    expect(first.statusCode).toBe(503);
    expect(errorOf(first).code).toBe('bus_unavailable');
    expect(reviews.rows.size).toBe(1);
    bus.down = false;
    const retry = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }));
    expect(retry.statusCode).toBe(200);
    expect(json(retry)).toEqual(JSON.parse(JSON.stringify([...reviews.rows.values()][0])));
    expect(bus.events).toHaveLength(1);
    // Another user repeating it is not the same decision.
    caller = { kind: 'office', actor: 'jwt:office-user-2' };
    expect((await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }))).statusCode).toBe(409);
  });

  it('two users deciding at once: the second gets 409 from the conditional write, not a second row', async () => {
    const store = reviews;
    const racing = { ...store, listDecisions: async () => [], recordDecision: store.recordDecision.bind(store), claimReport: store.claimReport.bind(store) } as unknown as FakeReviewStore;
    await store.recordDecision({ planId: PLAN, taskId: 'T22', orgId: LEAD, claim: { reportedAt: claim.reportedAt, sourceId: 'sports-economy', webhookId: 'msg_claim' }, decision: 'return', state: 'returned', comment: 'x', decidedAt: '2023-11-21T01:59:59.000Z', decidedBy: 'jwt:other' });
    const res = await createOfficeApiHandler({ reader, reviews: racing, bus, clock: fixedClock('2023-11-21T02:00:00Z'), logger, authorize: () => caller })(post(REVIEWS, { orgId: LEAD, decision: 'approve' }));
    expect(res.statusCode).toBe(409);
    expect(store.rows.size).toBe(1);
    expect(bus.events).toEqual([]);
  });

  it.each([
    ['/v1/plans/nope/tasks/T22/reviews', { orgId: LEAD, decision: 'approve' }, 'plan_not_found'],
    [`/v1/plans/${PLAN}/tasks/T99/reviews`, { orgId: LEAD, decision: 'approve' }, 'task_not_found'],
    [REVIEWS, { orgId: '370811', decision: 'approve' }, 'unit_not_found'],
    [`/v1/plans/${PLAN}/reviews`, { orgId: LEAD, decision: 'approve' }, 'not_found'],
  ])('404 %s %o → %s', async (path, body, code) => {
    const res = await handler()(post(path, body));
    expect(res.statusCode).toBe(404);
    expect(errorOf(res).code).toBe(code);
  });

  it('400 for malformed JSON, an unknown field or decision; 415 for another content type; 405 for GET', async () => {
    expect(errorOf(await handler()(post(REVIEWS, '{"orgId":'))).code).toBe('malformed_json');
    const extra = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve', by: 'me' }));
    expect(extra.statusCode).toBe(400);
    expect(errorOf(extra).code).toBe('invalid_body');
    expect(errorOf(await handler()(post(REVIEWS, { orgId: LEAD, decision: 'close' }))).issues?.[0]?.path).toBe('decision');
    expect((await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }, { 'content-type': 'text/plain' }))).statusCode).toBe(415);
    const get = { ...post(REVIEWS, ''), requestContext: { http: { method: 'GET' } } } as unknown as APIGatewayProxyEventV2;
    expect((await handler()(get)).statusCode).toBe(405);
  });
});
