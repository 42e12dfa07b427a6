import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { createOfficeApiHandler, type OfficeApiDeps } from '../../functions/office-api/app.js';
import type { OfficeCaller } from '../../shared/api/office-role.js';
import { ErrorResponse } from '../../shared/api/responses.js';
import { ReviewResponse } from '../../shared/api/office.js';
import { fixedClock } from '../../shared/time/clocks.js';
import { progressReport } from '../helpers/reports.js';
import type { BusEvent } from '../../shared/ports/bus.js';
import { FakeAmendmentStore, FakeReviewStore, ReportsReader } from './review.fakes.js';
import { PlanAmendedDetail } from '../../shared/plan/amendment.js';
import { planAmender } from '../../shared/plan/amender.js';

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
const support = progressReport({
  taskId: 'T22',
  orgId: 'jn-lottery-center',
  status: 'in_progress',
  percentComplete: 60,
  metrics: [],
  webhookId: 'msg_lc',
  sourceId: 'lottery-center',
});

let reader: ReportsReader;
let reviews: FakeReviewStore;
let amendments: FakeAmendmentStore;
let caller: OfficeCaller;
/**
 * office-api publishes nothing: a decision's or an amendment's row is an outbox record, and the table's
 * stream puts it on the bus (tests/integration/review-store.test.ts, amendment-store.test.ts; the local
 * runtime in tests/e2e/office-outbox.test.ts). Its deps have no bus; one is handed over anyway so that
 * a return of the old dual write would show here.
 */
let published: BusEvent[];

function handler() {
  const deps: OfficeApiDeps & { bus: unknown } = {
    reader,
    reviews,
    amendments,
    amender: planAmender(amendments, { ttlMs: 0 }),
    bus: { publish: async (events: readonly BusEvent[]) => void published.push(...events) },
    clock: fixedClock('2023-11-21T02:00:00Z'),
    logger,
    authorize: () => caller,
  };
  return createOfficeApiHandler(deps);
}

function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): APIGatewayProxyEventV2 {
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
  amendments = new FakeAmendmentStore();
  published = [];
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
  it('approve (销号): 200 with the decision and one immutable row (the outbox record); office-api publishes nothing', async () => {
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
    expect(published).toEqual([]);
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

  // Issue 18 changed this rule on purpose: no more 503 bus_unavailable and no re-publish on a repeat.
  // The stored row is the event (the stream publishes it once), so a repeat only gets its answer back.
  it('the very same decision again (a retry after a lost answer): 200 with the stored one, nothing written or published', async () => {
    const first = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }));
    expect(first.statusCode).toBe(200);
    const retry = await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }));
    expect(retry.statusCode).toBe(200);
    expect(json(retry)).toEqual(json(first));
    expect(json(retry)).toEqual(JSON.parse(JSON.stringify([...reviews.rows.values()][0])));
    expect(reviews.calls.recordDecision).toBe(1);
    expect(reviews.rows.size).toBe(1);
    expect(published).toEqual([]);
    // Another user repeating it is not the same decision.
    caller = { kind: 'office', actor: 'jwt:office-user-2' };
    expect((await handler()(post(REVIEWS, { orgId: LEAD, decision: 'approve' }))).statusCode).toBe(409);
  });

  it('two users deciding at once: the second gets 409 from the conditional write, not a second row', async () => {
    const store = reviews;
    const racing = {
      ...store,
      listDecisions: async () => [],
      recordDecision: store.recordDecision.bind(store),
      claimReport: store.claimReport.bind(store),
    } as unknown as FakeReviewStore;
    await store.recordDecision({
      planId: PLAN,
      taskId: 'T22',
      orgId: LEAD,
      claim: { reportedAt: claim.reportedAt, sourceId: 'sports-economy', webhookId: 'msg_claim' },
      decision: 'return',
      state: 'returned',
      comment: 'x',
      decidedAt: '2023-11-21T01:59:59.000Z',
      decidedBy: 'jwt:other',
    });
    const res = await createOfficeApiHandler({
      reader,
      reviews: racing,
      amendments,
      clock: fixedClock('2023-11-21T02:00:00Z'),
      logger,
      authorize: () => caller,
    })(post(REVIEWS, { orgId: LEAD, decision: 'approve' }));
    expect(res.statusCode).toBe(409);
    expect(store.rows.size).toBe(1);
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

describe('office-api: POST …/amendments (计划调整)', () => {
  const AMEND = `/v1/plans/${PLAN}/amendments`;
  const confirmT08 = { reason: '督查室2023年11月20日会议确认', changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }] };

  it('201: version 2, effective from today (Asia/Shanghai), stored once (the outbox record); office-api publishes nothing', async () => {
    const res = await handler()(post(AMEND, confirmT08));
    expect(res.statusCode, res.body).toBe(201);
    const body = PlanAmendedDetail.parse(json(res));
    expect(body).toEqual({
      planId: PLAN,
      version: 2,
      effectiveFrom: '2023-11-21',
      reason: '督查室2023年11月20日会议确认',
      changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }],
      amendedAt: '2023-11-21T02:00:00.000Z',
      amendedBy: 'jwt:office-user-1',
    });
    expect(amendments.rows).toEqual([body]);
    expect(published).toEqual([]);
    const next = await handler()(
      post(AMEND, { reason: '目标调整', changes: [{ op: 'set_target', kpiId: 'lottery-sales', target: { op: '>=', value: 85000 } }] }),
    );
    expect(json(next)).toMatchObject({ version: 3 });
  });

  it('422 with every issue and nothing applied: unknown ids, a milestone after its task, a unit not in the directory', async () => {
    const res = await handler()(
      post(AMEND, {
        reason: '调整',
        changes: [
          { op: 'confirm_milestone', milestoneId: 'T08-M1', dueDate: '2023-06-30' },
          { op: 'confirm_milestone', milestoneId: 'T08-M9' },
          { op: 'confirm_milestone', milestoneId: 'T05-M1', dueDate: '2024-01-31' },
          { op: 'set_target', kpiId: 'nope', target: { op: '>=', value: 1 } },
          { op: 'assign_units', taskId: 'T06', leadOrgIds: ['jn-nowhere'] },
          { op: 'assign_units', taskId: 'T99', supportOrgIds: [] },
        ],
      }),
    );
    expect(res.statusCode).toBe(422);
    const error = errorOf(res);
    expect(error.code).toBe('invalid_amendment');
    expect(error.issues?.map((i) => i.path)).toEqual([
      'changes.1.milestoneId',
      'changes.2.dueDate',
      'changes.3.kpiId',
      'changes.4.leadOrgIds.0',
      'changes.5.taskId',
    ]);
    expect(error.issues?.[1]?.message).toMatch(/after its task T05/);
    expect(amendments.rows).toEqual([]);
  });

  it('checks against the plan as amended so far: reassigning 8421 away from a county that reports it is refused', async () => {
    const res = await handler()(
      post(AMEND, { reason: '调整', changes: [{ op: 'assign_units', taskId: 'T17', supportOrgIds: ['370811'] }] }),
    );
    expect(res.statusCode).toBe(422);
    expect(errorOf(res).issues?.[0]?.message).toMatch(/reports 8421-.* and would no longer be a unit of T17/);
  });

  it('a version taken by a racing amendment: checked again on top of it and written as the next version', async () => {
    amendments.racing.push({
      planId: PLAN,
      version: 2,
      effectiveFrom: '2023-11-21',
      reason: '另一调整',
      changes: [{ op: 'confirm_milestone', milestoneId: 'T05-M1' }],
      amendedAt: '2023-11-21T01:59:59.000Z',
      amendedBy: 'jwt:other',
    });
    const res = await handler()(post(AMEND, confirmT08));
    expect(res.statusCode).toBe(201);
    expect(json(res)).toMatchObject({ version: 3 });
    expect(amendments.rows.map((r) => r.version)).toEqual([2, 3]);
  });

  // Issue 18 changed this rule on purpose: a repeat no longer re-publishes (there is no failed publish
  // to repair); it answers the stored version and writes nothing.
  it('the same amendment again by the same user: 201 with the stored version, no new version, nothing published', async () => {
    const first = await handler()(post(AMEND, confirmT08));
    expect(first.statusCode).toBe(201);
    const again = await handler()(post(AMEND, confirmT08));
    expect(again.statusCode).toBe(201);
    expect(json(again)).toEqual(json(first));
    expect(json(again)).toMatchObject({ version: 2 });
    expect(amendments.appends).toBe(1);
    expect(amendments.rows).toHaveLength(1);
    expect(published).toEqual([]);
  });

  it('a review uses the units as amended: a unit assigned to a task by amendment can have its claim decided', async () => {
    amendments.rows.push({
      planId: PLAN,
      version: 2,
      effectiveFrom: '2023-11-01',
      reason: '调整',
      changes: [{ op: 'assign_units', taskId: 'T22', supportOrgIds: ['jn-lottery-center', '370811'] }],
      amendedAt: '2023-11-01T01:00:00.000Z',
      amendedBy: 'jwt:office-user-1',
    });
    reader.reports.push(
      progressReport({
        taskId: 'T22',
        orgId: '370811',
        status: 'completed',
        metrics: [],
        reportedAt: '2023-11-20T09:00:00+08:00',
        webhookId: 'msg_rc',
        evidence: [{ title: 'x', url: 'https://example.gov.cn/x.pdf' }],
      }),
    );
    expect((await handler()(post(REVIEWS, { orgId: '370811', decision: 'approve' }))).statusCode).toBe(200);
  });

  it('403 for a reader, 404 for an unknown plan, 400 for an unknown op or no change', async () => {
    caller = { kind: 'reader' };
    expect((await handler()(post(AMEND, confirmT08))).statusCode).toBe(403);
    caller = { kind: 'office', actor: 'jwt:office-user-1' };
    expect(errorOf(await handler()(post('/v1/plans/nope/amendments', confirmT08))).code).toBe('plan_not_found');
    expect(errorOf(await handler()(post(AMEND, { reason: 'x', changes: [{ op: 'delete_task', taskId: 'T01' }] }))).code).toBe(
      'invalid_body',
    );
    expect(errorOf(await handler()(post(AMEND, { reason: 'x', changes: [] }))).code).toBe('invalid_body');
    expect(errorOf(await handler()(post(AMEND, { reason: 'x', changes: [{ op: 'assign_units', taskId: 'T01' }] }))).code).toBe(
      'invalid_body',
    );
  });
});
