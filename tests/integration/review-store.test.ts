import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ReviewRecordedDetail } from '../../events/schemas.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoIntake } from '../../shared/adapters/dynamodb/intake.js';
import { reviewSk, reviewsPk } from '../../shared/adapters/dynamodb/keys.js';
import { busEventOf, messageOf } from '../../shared/adapters/dynamodb/outbox.js';
import { claimKey } from '../../shared/review/state.js';
import { createTestTable } from '../helpers/dynamodb.js';
import { relayedEvents } from '../helpers/stream.js';
import { progressReport, reviewDecision } from '../helpers/reports.js';

const PLAN = 'jining-sports-2023';
let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());

const decision = (overrides: Partial<ReviewRecordedDetail> = {}) => reviewDecision({ planId: PLAN, ...overrides });

describe('DynamoReviewStore (DynamoDB Local)', () => {
  it('writes a claim’s decision once: of several racing writers one wins, the others get its decision back', async () => {
    const store = new DynamoReviewStore(table.doc, table.tableName);
    const racers = [
      decision({ decidedBy: 'jwt:a' }),
      decision({ decidedBy: 'jwt:b', decision: 'return', state: 'returned', comment: '材料不全' }),
      decision({ decidedBy: 'jwt:c' }),
    ];
    const outcomes = await Promise.all(racers.map((d) => store.recordDecision(d)));
    const winners = outcomes.filter((o) => o.recorded);
    expect(winners).toHaveLength(1);
    const stored = await store.listDecisions(PLAN, 'T22');
    expect(stored).toHaveLength(1);
    for (const o of outcomes) if (!o.recorded) expect(o.existing).toEqual(stored[0]);
  });

  it('lists a plan’s or one task’s decisions oldest first; a newer claim of the same unit is a row of its own', async () => {
    const store = new DynamoReviewStore(table.doc, table.tableName);
    const plan = 'review-list-plan';
    await store.recordDecision(decision({ planId: plan, decidedAt: '2023-11-22T02:00:00.000Z' }));
    await store.recordDecision(
      decision({
        planId: plan,
        claim: { reportedAt: '2023-11-25T10:00:00+08:00', sourceId: 'sports-economy', webhookId: 'msg_claim_2' },
        decidedAt: '2023-11-26T02:00:00.000Z',
      }),
    );
    await store.recordDecision(decision({ planId: plan, taskId: 'T02', orgId: 'jn-party-office', decidedAt: '2023-11-21T02:00:00.000Z' }));
    // T2 must not match T22's prefix, nor T22 T02's.
    expect((await store.listDecisions(plan)).map((d) => [d.taskId, d.claim.webhookId])).toEqual([
      ['T02', 'msg_claim'],
      ['T22', 'msg_claim'],
      ['T22', 'msg_claim_2'],
    ]);
    expect((await store.listDecisions(plan, 'T22')).map((d) => d.claim.webhookId)).toEqual(['msg_claim', 'msg_claim_2']);
    expect(await store.listDecisions(plan, 'T2')).toEqual([]);
  });

  it('a decision’s row is an outbox record: its message is exactly the review.recorded detail, relayed once per decision', async () => {
    const store = new DynamoReviewStore(table.doc, table.tableName);
    const plan = 'review-outbox-plan';
    const approved = decision({ planId: plan });
    // A claim stored before the order carried the source (no sourceId), returned with a comment.
    const returned = decision({
      planId: plan,
      taskId: 'T02',
      orgId: 'jn-party-office',
      claim: { reportedAt: '2023-11-19T10:00:00+08:00', webhookId: 'msg_old_claim' },
      decision: 'return',
      state: 'returned',
      comment: '佐证材料不全，请补充',
    });
    for (const d of [approved, returned]) expect(await store.recordDecision(d)).toEqual({ recorded: true });
    // A losing writer of the same claim writes nothing, so the stream carries nothing for it.
    expect((await store.recordDecision({ ...approved, decidedBy: 'jwt:late' })).recorded).toBe(false);

    for (const d of [approved, returned]) {
      const key = { pk: reviewsPk(plan), sk: reviewSk(d.taskId, d.orgId, claimKey(d.claim)) };
      const row = (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item!;
      expect(row).toStrictEqual({ ...key, kind: 'reviewDecision', ...d });
      // What the bus carried before (office-api published the decision itself): the same fields, nothing more.
      expect(messageOf(row)).toStrictEqual(d);
      expect(ReviewRecordedDetail.parse(messageOf(row))).toStrictEqual(d);
      expect(busEventOf(row)).toStrictEqual({ detailType: 'review.recorded', detail: d });
    }
    // The readers strip the kind: the decisions as recorded.
    expect(await store.listDecisions(plan)).toStrictEqual([returned, approved].sort((a, b) => a.decidedAt.localeCompare(b.decidedAt)));

    const relayed = (await relayedEvents(table)).filter((e) => e.detail.planId === plan);
    expect(relayed).toStrictEqual([
      { detailType: 'review.recorded', detail: approved },
      { detailType: 'review.recorded', detail: returned },
    ]);
  });

  it('reads a claim’s audit row (summary, evidence, receipt) by its instant and webhook-id, whatever offset it was written with', async () => {
    // Ingest stores each report's audit row (its outbox record) when it accepts it.
    const intake = new DynamoIntake(table.doc, table.tableName);
    const claim = progressReport({
      planId: 'review-claims-plan',
      taskId: 'T22',
      orgId: 'jn-sports-economy',
      status: 'completed',
      metrics: [],
      summary: '彩票销量已完成',
      evidence: [{ title: '统计表', url: 'https://example.gov.cn/a.pdf' }],
      reportedAt: '2023-11-20T10:00:00+08:00',
      sourceId: 'sports-economy',
      webhookId: 'msg_claim',
    });
    await intake.accept({ type: 'progress.submitted', detail: claim }, 'hash-claim');
    // Another source's row at the same instant must not be taken for it.
    await intake.accept(
      { type: 'progress.submitted', detail: { ...claim, sourceId: 'other', webhookId: 'msg_other', summary: 'x' } },
      'hash-other',
    );
    const store = new DynamoReviewStore(table.doc, table.tableName);
    const found = await store.claimReport('review-claims-plan', 'T22', {
      reportedAt: '2023-11-20T02:00:00Z',
      sourceId: 'sports-economy',
      webhookId: 'msg_claim',
    });
    expect(found).toEqual(claim);
    expect(
      await store.claimReport('review-claims-plan', 'T22', { reportedAt: '2023-11-20T10:00:00+08:00', webhookId: 'msg_claim' }),
    ).toEqual(claim);
    expect(
      await store.claimReport('review-claims-plan', 'T22', { reportedAt: '2023-11-20T10:00:01+08:00', webhookId: 'msg_claim' }),
    ).toBeUndefined();
  });
});
