import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboxEntry } from '../../shared/adapters/notify/outbox.js';
import type { Api } from './helpers.js';
import { EVIDENCE, OFFICE_TOKEN, PLAN_ID, TOKEN, launch, progressBody, sendWebhook, stopLocal, tempDataDir } from './helpers.js';
import type { LocalProcess } from './local-process.js';

/**
 * Issue 15 through `npm start`'s runtime, as of Monday 2024-01-08 (the business clock), a week after
 * the plan's year ended: 群众体育科 claims T06 done on 2024-01-05, after its due date (2023-12-31), and
 * T09 done in December. A claim without evidence is refused; with evidence it waits for the office;
 * the read token cannot decide it; the office approves T06 (late: 逾期办结) and returns T09, whose
 * next digest carries the office's comment. Then the office confirms T08-M1's date (计划调整): version 2,
 * `assumption: false`, and the rules treat it as a real date from then on (red, overdue, escalated).
 */

interface ErrorBody {
  error: { code: string; issues?: Array<{ code?: string; path: string }> };
}
interface ReviewsBody {
  state: string;
  items: Array<{
    taskId: string;
    orgId: string;
    state: string;
    claimedAt: string | null;
    reportedAt: string;
    late: boolean;
    summary: string;
    evidence: unknown[];
    kpis: unknown[];
  }>;
  nextCursor: string | null;
}
interface TaskBody {
  status: string;
  completedAt: string | null;
  late: boolean;
  reasons: string[];
  pendingReview: string[];
  byOrg: Array<{
    orgId: string;
    status: string | null;
    light: string;
    review: { state: string; comment?: string | null } | null;
    late: boolean;
  }>;
  reviews: Array<{ orgId: string; state: string; decision: string; comment: string | null; decidedBy: string }>;
}

const MASS = 'jn-mass-sports';
let dataDir: string;
let running: LocalProcess | undefined;
let api: Api;

beforeAll(async () => {
  dataDir = await tempDataDir('reviews');
  ({ p: running, api } = await launch(dataDir, { CLOCK: '2024-01-08T09:00:00+08:00' }));
}, 120_000);

afterAll(async () => {
  await stopLocal(running);
  await rm(dataDir, { recursive: true, force: true });
});

const claim = (taskId: string, reportedAt: string, period: string, evidence = EVIDENCE as ReadonlyArray<{ title: string; url: string }>) =>
  progressBody({ taskId, orgId: MASS, reportedAt, period, status: 'completed', summary: `${taskId}已全部完成`, evidence });

describe('completion claims reviewed by the office (办结/销号)', () => {
  it('refuses a claim without evidence (422 evidence_required at data.evidence)', async () => {
    const res = await sendWebhook(api.url, {
      sourceId: 'mass-sports',
      id: 'msg_t06_bare',
      body: claim('T06', '2024-01-05T10:00:00+08:00', '2023-12', []),
    });
    expect(res.status).toBe(422);
    expect((res.body as ErrorBody).error).toMatchObject({
      code: 'evidence_required',
      issues: [{ code: 'evidence_required', path: 'data.evidence' }],
    });
  });

  it('a claim with evidence waits for review (待销号): listed for the office, the task not done', async () => {
    expect(
      (
        await sendWebhook(api.url, {
          sourceId: 'mass-sports',
          id: 'msg_t06_claim',
          body: claim('T06', '2024-01-05T10:00:00+08:00', '2023-12'),
        })
      ).status,
    ).toBe(202);
    expect(
      (
        await sendWebhook(api.url, {
          sourceId: 'mass-sports',
          id: 'msg_t09_claim',
          body: claim('T09', '2023-12-20T10:00:00+08:00', '2023-Q4'),
        })
      ).status,
    ).toBe(202);
    await api.drain();
    const pending = await api.get<ReviewsBody>(`/v1/plans/${PLAN_ID}/reviews?state=pending`);
    expect(pending.items.map((i) => [i.taskId, i.orgId])).toEqual([
      ['T09', MASS],
      ['T06', MASS],
    ]);
    expect(pending.items[1]).toMatchObject({
      state: 'pending',
      reportedAt: '2024-01-05T10:00:00+08:00',
      late: true,
      summary: 'T06已全部完成',
      evidence: [...EVIDENCE],
    });
    expect(pending.items[1]!.claimedAt).toEqual(expect.any(String));
    const t06 = await api.get<TaskBody>(`/v1/plans/${PLAN_ID}/tasks/T06`);
    expect(t06.status).toBe('red');
    expect(t06.pendingReview).toEqual([MASS]);
    expect(t06.byOrg.find((o) => o.orgId === MASS)).toMatchObject({ status: 'completed', review: { state: 'pending' } });
  }, 60_000);

  it('the read token gets 403 and nothing is decided; no token gets 401', async () => {
    const asReader = await api.review<ErrorBody>('T06', { orgId: MASS, decision: 'approve' }, TOKEN);
    expect(asReader.status).toBe(403);
    expect(asReader.body.error.code).toBe('forbidden');
    expect((await api.review('T06', { orgId: MASS, decision: 'approve' }, 'not-a-token')).status).toBe(401);
    expect((await api.get<TaskBody>(`/v1/plans/${PLAN_ID}/tasks/T06`)).reviews).toEqual([]);
  });

  it('the office approves T06 (销号): done, and late (逾期办结) in the task, the plan and the rankings', async () => {
    const res = await api.review<{ state: string; comment: string | null; decidedBy: string }>(
      'T06',
      { orgId: MASS, decision: 'approve' },
      OFFICE_TOKEN,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'approved', comment: null, decidedBy: 'local:office-token' });
    const t06 = await api.get<TaskBody>(`/v1/plans/${PLAN_ID}/tasks/T06`);
    expect(t06).toMatchObject({ status: 'done', completedAt: '2024-01-05T10:00:00+08:00', late: true, pendingReview: [] });
    expect(t06.reasons).toContain('逾期办结：办结时限2023年12月31日，2024年1月5日办结，逾期5天');
    expect(t06.reviews).toMatchObject([{ orgId: MASS, state: 'approved', decision: 'approve' }]);
    const plan = await api.get<{ lateDone: number; tasks: Array<{ taskId: string; status: string; late: boolean }> }>(
      `/v1/plans/${PLAN_ID}`,
    );
    expect(plan.lateDone).toBe(1);
    expect(plan.tasks.find((t) => t.taskId === 'T06')).toMatchObject({ status: 'done', late: true });
    const rankings = await api.get<{ orgs: Array<{ orgId: string; done: number; lateDone: number }> }>(`/v1/plans/${PLAN_ID}/rankings`);
    expect(rankings.orgs.find((o) => o.orgId === MASS)).toMatchObject({ done: 1, lateDone: 1 });
    // Decided: a second decision on the same claim is a conflict.
    expect((await api.review('T06', { orgId: MASS, decision: 'return', comment: '再议' })).status).toBe(409);
  }, 60_000);

  it('the office returns T09 (退回): the unit’s next digest carries the comment, and its reminders resume', async () => {
    const comment = '仅报送了部分县（市、区）的材料，请补充全市汇总情况';
    // Pending, T09 is not chased on 01-08.
    await api.job('send-reminders', { now: '2024-01-08T09:00:00+08:00' });
    await api.drain();
    const before = await api.outbox();
    expect(
      before
        .filter((d) => d.orgId === MASS)
        .flatMap((d) => d.items)
        .filter((i) => i.taskId === 'T09'),
    ).toEqual([]);

    const res = await api.review<{ state: string; comment: string }>('T09', { orgId: MASS, decision: 'return', comment }, OFFICE_TOKEN);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ state: 'returned', comment });
    const t09 = await api.get<TaskBody>(`/v1/plans/${PLAN_ID}/tasks/T09`);
    expect(t09.status).not.toBe('done');
    expect(t09.byOrg.find((o) => o.orgId === MASS)?.review).toMatchObject({ state: 'returned', comment });

    await api.job('send-reminders', { now: '2024-01-09T09:00:00+08:00' });
    await api.drain();
    const after = (await api.outbox()).slice(before.length);
    const digest = after.find((d) => d.orgId === MASS);
    expect(digest, 'a digest for 群众体育科 on 01-09').toBeDefined();
    expect(digest!.items.filter((i) => i.taskId === 'T09').map((i) => i.kind)).toEqual(expect.arrayContaining(['returned', 'overdue']));
    expect(digest!.text).toContain(`【退回】T09`);
    expect(digest!.text).toContain(`本单位的办结申请已于2024年1月8日被督查室退回，退回意见：${comment}。`);
    // T06 is done: nothing about it.
    expect(digest!.items.filter((i) => i.taskId === 'T06')).toEqual([]);
  }, 90_000);

  it('an amendment confirms T08-M1’s date: version 2, assumption false, a real date for the lights and the reminders from then on', async () => {
    const before = await api.get<TaskBody & { milestones: Array<{ milestoneId: string; assumption: boolean }> }>(
      `/v1/plans/${PLAN_ID}/tasks/T08`,
    );
    expect(before.milestones.find((m) => m.milestoneId === 'T08-M1')).toMatchObject({ assumption: true });
    expect(before.reasons).not.toContain('节点T08-M1（市体育总会换届）已逾期（应于2023年6月30日前完成）');
    const amend = (body: unknown, token = OFFICE_TOKEN) =>
      fetch(`${api.url}/v1/plans/${PLAN_ID}/amendments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    expect((await amend({ reason: '确认', changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }] }, TOKEN)).status).toBe(403);
    const invalid = await amend({
      reason: '调整',
      changes: [
        { op: 'confirm_milestone', milestoneId: 'T08-M1', dueDate: '2024-02-01' },
        { op: 'assign_units', taskId: 'T08', leadOrgIds: ['jn-nowhere'] },
      ],
    });
    expect(invalid.status).toBe(422);
    expect(((await invalid.json()) as ErrorBody).error.issues?.map((i) => i.path)).toEqual(['changes.0.dueDate', 'changes.1.leadOrgIds.0']);

    const res = await amend({
      reason: '督查室确认：市体育总会换届于2023年6月30日前完成',
      changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }],
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      planId: PLAN_ID,
      version: 2,
      effectiveFrom: '2024-01-08',
      changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }],
      amendedBy: 'local:office-token',
    });

    const plan = await api.get<{ version: number; amendments: Array<{ version: number; effectiveFrom: string }> }>(`/v1/plans/${PLAN_ID}`);
    expect(plan).toMatchObject({ version: 2, amendments: [{ version: 2, effectiveFrom: '2024-01-08' }] });
    const after = await api.get<TaskBody & { milestones: Array<{ milestoneId: string; assumption: boolean }> }>(
      `/v1/plans/${PLAN_ID}/tasks/T08`,
    );
    expect(after.milestones.find((m) => m.milestoneId === 'T08-M1')).toMatchObject({ assumption: false, dueDate: '2023-06-30' });
    expect(after.status).toBe('red');
    expect(after.reasons).toContain('节点T08-M1（市体育总会换届）已逾期（应于2023年6月30日前完成）');

    // The reminders: an assumed date was never an alarm (none on 01-09); now it is overdue and escalated.
    const t08m1 = (items: OutboxEntry[]) =>
      items.flatMap((d) => d.items.filter((i) => i.milestoneId === 'T08-M1').map((i) => `${d.orgId} ${i.kind}`));
    const sentBefore = await api.outbox();
    expect(t08m1(sentBefore)).toEqual([]);
    await api.job('send-reminders', { now: '2024-01-10T09:00:00+08:00' });
    await api.drain();
    const sent = (await api.outbox()).slice(sentBefore.length);
    expect(t08m1(sent).sort()).toEqual([`${MASS} overdue`, 'jn-sports-bureau escalation']);
  }, 90_000);
});
