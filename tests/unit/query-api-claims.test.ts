import { describe, expect, it } from 'vitest';
import { ReviewsResponse, PlanResponse, TaskResponse } from '../../shared/api/responses.js';
import type { StoredReport } from '../../shared/ports/state.js';
import { progressReport } from '../helpers/reports.js';
import type { ReviewRecordedDetail } from '../../events/schemas.js';
import { FakeAmendmentStore } from './review.fakes.js';
import {
  PLAN,
  TODAY,
  FakeStore,
  fixtureReports,
  fixtureEvents,
  fixtureDecisions,
  reviewStore,
  setup,
  request,
  json,
  expectError,
  P,
} from '../helpers/query-api.js';

describe('completion claims (issue 15)', () => {
  /** T22 claimed by its lead with evidence while lottery sales stand at 6亿 of 9亿; T14 claimed by its lead, returned once. */
  const claims = (): StoredReport[] => [
    progressReport({
      planId: PLAN,
      taskId: 'T22',
      orgId: 'jn-lottery-center',
      status: 'in_progress',
      percentComplete: 70,
      period: '2023-06',
      metrics: [{ kpiId: 'lottery-sales', value: 60000 }],
      reportedAt: '2023-06-20T10:00:00+08:00',
      webhookId: 'msg_lc',
      sourceId: 'lottery-center',
    }),
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
    progressReport({
      planId: PLAN,
      taskId: 'T14',
      orgId: 'jn-mass-sports',
      status: 'completed',
      period: '2023-06',
      metrics: [],
      summary: '系列赛已办完',
      evidence: [{ title: '赛事清单', url: 'https://example.gov.cn/series.pdf' }],
      reportedAt: '2023-06-21T10:00:00+08:00',
      webhookId: 'msg_t14_claim',
      sourceId: 'mass-sports',
    }),
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
    return setup({
      store: new FakeStore(reports, fixtureEvents()),
      reviews: await reviewStore(reports, [...fixtureDecisions(), ...decisions]),
    });
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
    expect(t22.kpis.find((k) => k.kpiId === 'lottery-sales')).toMatchObject({
      value: 60000,
      orgValue: null,
      target: { op: '>=', value: 90000 },
    });
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
    expectError(
      await handler(request(`${P}/reviews`, { limit: '1', state: 'approved', cursor: first.nextCursor! })),
      400,
      'invalid_cursor',
    );
    expect(expectError(await handler(request(`${P}/reviews`, { state: 'closed' })), 400, 'invalid_query').issues?.[0]?.path).toBe('state');
  });

  it('the task lists its decisions newest first; a pending or returned claim does not make it done', async () => {
    const { handler } = await claimsSetup([returnT14]);
    const t14 = TaskResponse.parse(json(await handler(request(`${P}/tasks/T14`))));
    expect(t14.status).not.toBe('done');
    expect(t14.reviews).toEqual([returnT14]);
    expect(t14.byOrg.find((o) => o.orgId === 'jn-mass-sports')).toMatchObject({
      status: 'completed',
      review: { state: 'returned', comment: '品牌赛事仅办5项，请补充' },
      completedAt: null,
      late: false,
    });
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
    expect(body.amendments).toMatchObject([
      { version: 2, effectiveFrom: '2023-07-01', changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }] },
    ]);
  });

  it('a confirmed date is a real date from its effective day: T05-M1 (06-30) open on 07-01 makes T05 red, not yellow', async () => {
    const { handler: plain } = setup();
    const before = TaskResponse.parse(json(await plain(request(`${P}/tasks/T05`))));
    expect(before.status).toBe('yellow');
    expect(before.reasons).toContain(
      '节点日期待确认：T05-M1（“转作风、强执行，推动全市体育高质量发展”培训班）暂定2023年6月30日前完成，尚未报送完成',
    );
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
    expect(
      TaskResponse.parse(json(await earlier(request(`${P}/tasks/T05`)))).milestones.find((m) => m.milestoneId === 'T05-M1'),
    ).toMatchObject({ assumption: true });
  });
});
