import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProgressSubmittedDetail, ReminderDueDetail } from '../../events/schemas.js';
import { createSendRemindersHandler } from '../../functions/send-reminders/app.js';
import { DynamoDeliveryReceipts, deliveryPk, deliverySk } from '../../shared/adapters/dynamodb/delivery-receipts.js';
import {
  DynamoReminderStore,
  REMINDER_TTL_SECONDS,
  digestPk,
  digestSk,
  reminderPk,
} from '../../shared/adapters/dynamodb/reminder-store.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { fixedClock } from '../../shared/time/clocks.js';
import type { DigestCommit } from '../../shared/ports/reminders.js';
import { escalationStateKey } from '../../shared/reminders/keys.js';
import { createTestTable } from '../helpers/dynamodb.js';
import { BUREAU, LEAD, LEAD_2, RecordingBus, at9, recordingLogger, testPlan } from '../unit/reminders.fakes.js';

let table: Awaited<ReturnType<typeof createTestTable>>;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  table = await createTestTable();
  doc = table.doc;
});

afterAll(async () => {
  await table?.drop();
});

const digestFor = (planId: string, orgId: string, date = '2023-10-09'): ReminderDueDetail => ({
  digestId: `${planId}#${date}#${orgId}`,
  planId,
  orgId,
  date,
  items: [{ key: `overdue#T01#${orgId}#${date}`, kind: 'overdue', taskId: 'T01', dueDate: '2023-10-08', title: 't', daysOverdue: 1 }],
  text: '督查督办提醒',
});

function commit(planId: string, orgId: string, keys: string[], extra: Partial<DigestCommit> = {}): DigestCommit {
  return {
    digest: digestFor(planId, orgId),
    claims: keys.map((key) => ({ key, kind: 'overdue' as const })),
    escalations: [],
    createdAt: '2023-10-09T01:00:00.000Z',
    runId: `run-${Math.random()}`,
    ...extra,
  };
}

async function getItem(pk: string, sk: string) {
  return (await doc.send(new GetCommand({ TableName: table.tableName, Key: { pk, sk }, ConsistentRead: true }))).Item;
}

describe('DynamoReminderStore (DynamoDB Local)', () => {
  it('claims keys, the escalation state and a queued digest in one transaction, with a TTL', async () => {
    const store = new DynamoReminderStore(doc, table.tableName);
    const planId = 'p-commit';
    const ref = { item: 'T01-M1', orgId: LEAD };
    expect(await store.lookup(planId, { keys: ['k1', 'k2'], escalations: [ref] })).toEqual({
      claimed: new Set(),
      lastEscalation: new Map(),
    });

    const outcome = await store.commitDigest(commit(planId, BUREAU, ['k1', 'k2'], { escalations: [ref] }));
    expect(outcome).toBe('committed');

    const after = await store.lookup(planId, { keys: ['k1', 'k2', 'k3'], escalations: [ref] });
    expect(after.claimed).toEqual(new Set(['k1', 'k2']));
    expect(after.lastEscalation).toEqual(new Map([[escalationStateKey('T01-M1', LEAD), '2023-10-09']]));

    const claim = await getItem(reminderPk(planId), 'k1');
    expect(claim).toMatchObject({ recipientOrgId: BUREAU, digestId: `${planId}#2023-10-09#${BUREAU}` });
    expect(claim?.expiresAt).toBe(Date.parse('2023-10-09T01:00:00.000Z') / 1000 + REMINDER_TTL_SECONDS);
    const stored = await getItem(digestPk(planId, '2023-10-09'), digestSk(BUREAU));
    expect(stored).toMatchObject({ status: 'queued', detail: digestFor(planId, BUREAU) });
    expect(stored?.expiresAt).toBeGreaterThan(Date.parse('2024-11-01') / 1000);
  });

  it('a commit that meets one claimed key writes nothing at all', async () => {
    const store = new DynamoReminderStore(doc, table.tableName);
    const planId = 'p-conflict';
    expect(await store.commitDigest(commit(planId, LEAD, ['a']))).toBe('committed');
    const second = commit(planId, BUREAU, ['b', 'a']);
    expect(await store.commitDigest(second)).toBe('conflict');
    expect((await store.lookup(planId, { keys: ['a', 'b'], escalations: [] })).claimed).toEqual(new Set(['a']));
    expect(await getItem(digestPk(planId, '2023-10-09'), digestSk(BUREAU))).toBeUndefined();
  });

  it('the same run repeating its transaction (an SDK retry after a lost response) is idempotent', async () => {
    const store = new DynamoReminderStore(doc, table.tableName);
    const planId = 'p-retry';
    const c = commit(planId, LEAD, ['r1']);
    expect(await store.commitDigest(c)).toBe('committed');
    expect(await store.commitDigest(c)).toBe('committed');
    expect(await store.commitDigest({ ...c, runId: 'another-run' })).toBe('conflict');
  });

  it('one digest per unit and day: a second digest for the same unit and day is a conflict', async () => {
    const store = new DynamoReminderStore(doc, table.tableName);
    const planId = 'p-digest-once';
    expect(await store.commitDigest(commit(planId, LEAD, ['x1']))).toBe('committed');
    expect(await store.commitDigest(commit(planId, LEAD, ['x2']))).toBe('conflict');
    expect((await store.lookup(planId, { keys: ['x2'], escalations: [] })).claimed.size).toBe(0);
  });

  it('the escalation state write is conditional on the value the run read', async () => {
    const store = new DynamoReminderStore(doc, table.tableName);
    const planId = 'p-escalation';
    const ref = { item: 'T02', orgId: LEAD };
    expect(await store.commitDigest(commit(planId, BUREAU, ['e1'], { escalations: [ref] }))).toBe('committed');
    const later = (date: string, previous: string | undefined, key: string) =>
      commit(planId, BUREAU, [key], {
        digest: digestFor(planId, BUREAU, date),
        escalations: [{ ...ref, ...(previous ? { previous } : {}) }],
      });
    expect(await store.commitDigest(later('2023-10-12', undefined, 'e2'))).toBe('conflict');
    expect(await store.commitDigest(later('2023-10-12', '2023-10-06', 'e3'))).toBe('conflict');
    expect(await store.commitDigest(later('2023-10-12', '2023-10-09', 'e4'))).toBe('committed');
    const state = await store.lookup(planId, { keys: [], escalations: [ref] });
    expect(state.lastEscalation.get(escalationStateKey('T02', LEAD))).toBe('2023-10-12');
  });

  it('looks up more keys than one BatchGetItem takes', async () => {
    const store = new DynamoReminderStore(doc, table.tableName);
    const planId = 'p-many';
    const keys = Array.from({ length: 250 }, (_, i) => `due_soon#T${i}#o#d7`);
    for (let i = 0; i < 3; i++)
      expect(await store.commitDigest(commit(planId, `org-${i}`, keys.slice(i * 40, i * 40 + 40)))).toBe('committed');
    const { claimed } = await store.lookup(planId, { keys, escalations: [] });
    expect(claimed.size).toBe(120);
    expect(claimed).toEqual(new Set(keys.slice(0, 120)));
  });

  it('lists queued digests of a day until they are marked enqueued', async () => {
    const store = new DynamoReminderStore(doc, table.tableName);
    const planId = 'p-queued';
    await store.commitDigest(commit(planId, LEAD, ['q1']));
    await store.commitDigest(commit(planId, BUREAU, ['q2']));
    expect((await store.queuedDigests(planId, '2023-10-09')).map((d) => d.orgId).sort()).toEqual([BUREAU, LEAD].sort());
    await store.markEnqueued(planId, '2023-10-09', LEAD);
    expect((await store.queuedDigests(planId, '2023-10-09')).map((d) => d.orgId)).toEqual([BUREAU]);
    expect(await store.queuedDigests(planId, '2023-10-10')).toEqual([]);
  });
});

describe('send-reminders against DynamoDB Local', () => {
  const plan = testPlan({ planId: 'it-reminders' });
  const report = (over: Partial<ProgressSubmittedDetail>): ProgressSubmittedDetail => ({
    planId: plan.planId,
    taskId: 'T01',
    orgId: LEAD,
    reportedAt: '2023-09-04T17:00:00Z',
    period: '2023-09',
    status: 'in_progress',
    percentComplete: 40,
    metrics: [],
    summary: '',
    evidence: [],
    sourceId: 'county-system',
    webhookId: `wh-${Math.random()}`,
    receivedAt: '2023-09-04T17:00:01Z',
    timestamp: '2023-09-04T17:00:00Z',
    ...over,
  });

  function handlerWith(bus: RecordingBus) {
    return createSendRemindersHandler({
      reader: new DynamoStateStore(doc, table.tableName),
      reviews: new DynamoReviewStore(doc, table.tableName),
      store: new DynamoReminderStore(doc, table.tableName),
      bus,
      clock: fixedClock(at9('2023-10-09')),
      logger: recordingLogger(),
      catalog: { getPlan: (id) => (id === plan.planId ? plan : undefined), listPlans: () => [plan] },
    });
  }

  it('a second run on the same day sends nothing new', async () => {
    // T01: reported for September, last on 09-01 (38 days before 10-09: 停滞 for a monthly unit).
    // T02: reported for Q3 on 10-08 (no 催报, not 停滞).
    const state = new DynamoStateStore(doc, table.tableName);
    await state.applyProgress(
      report({ reportedAt: '2023-08-31T17:00:00Z', timestamp: '2023-08-31T17:00:00Z', receivedAt: '2023-08-31T17:00:01Z' }),
    );
    await state.applyProgress(
      report({
        taskId: 'T02',
        orgId: LEAD_2,
        period: '2023-Q3',
        reportedAt: '2023-10-08T02:00:00Z',
        timestamp: '2023-10-08T02:00:00Z',
        receivedAt: '2023-10-08T02:00:01Z',
      }),
    );
    const bus = new RecordingBus();
    const handler = handlerWith(bus);

    const first = await handler({ now: at9('2023-10-09') });
    // With, in the bureau's digest, September's bulletin (通报): October's first workday was 10-07.
    expect(first.runs[0]).toMatchObject({
      workday: true,
      digests: 2,
      sent: 5,
      byKind: { overdue: 1, escalation: 1, due_soon: 1, stagnant: 1, report_missing: 0, bulletin_ready: 1 },
    });
    expect(
      bus
        .digests()
        .map((d) => d.orgId)
        .sort(),
    ).toEqual([BUREAU, LEAD].sort());
    expect(
      bus
        .digests()
        .find((d) => d.orgId === LEAD)
        ?.items.map((i) => i.key),
    ).toEqual([`overdue#T01-M1#${LEAD}#2023-10-09`, `due_soon#T01#${LEAD}#d7`, `stagnant#T01#${LEAD}#2023-09-01`]);

    const second = await handler({ now: '2023-10-09T17:00:00+08:00' });
    expect(second.runs[0]).toMatchObject({ sent: 0, digests: 0, skippedAlreadySent: 5, republished: 0 });
    expect(bus.events).toHaveLength(2);
    const store = new DynamoReminderStore(doc, table.tableName);
    expect(await store.queuedDigests(plan.planId, '2023-10-09')).toEqual([]);
  });

  it('runs racing on the same day send every item exactly once between them', async () => {
    const racePlan = testPlan({ planId: 'it-race' });
    const buses = [new RecordingBus(), new RecordingBus(), new RecordingBus()];
    const handlers = buses.map((bus) =>
      createSendRemindersHandler({
        reader: new DynamoStateStore(doc, table.tableName),
        reviews: new DynamoReviewStore(doc, table.tableName),
        store: new DynamoReminderStore(doc, table.tableName),
        bus,
        clock: fixedClock(at9('2024-01-04')),
        logger: recordingLogger(),
        catalog: { getPlan: () => racePlan, listPlans: () => [racePlan] },
      }),
    );
    await Promise.all(handlers.map((h) => h({})));
    const published = buses.flatMap((b) => b.digests());
    // A digest may be published twice (a run re-publishes another's still-queued digest: same id,
    // same content; delivery receipts keep it to one message per channel) …
    const byId = new Map<string, ReminderDueDetail>();
    for (const d of published) {
      const seen = byId.get(d.digestId);
      if (seen) expect(d).toEqual(seen);
      byId.set(d.digestId, d);
    }
    // … but every item is in exactly one digest, and every recipient has exactly one digest.
    const digests = [...byId.values()];
    const keys = digests.flatMap((d) => d.items.map((i) => i.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(digests.map((d) => d.orgId).sort()).toEqual([BUREAU, LEAD, 'jn-youth-sports'].sort());
    const store = new DynamoReminderStore(doc, table.tableName);
    expect((await store.lookup(racePlan.planId, { keys, escalations: [] })).claimed.size).toBe(keys.length);
    expect(keys).toContain(`escalation#T02-M1#jn-youth-sports#2024-01-04`);
  });
});

describe('DynamoDeliveryReceipts (DynamoDB Local)', () => {
  const now = new Date('2023-10-09T01:00:00Z');
  const later = (ms: number) => new Date(now.getTime() + ms);

  it('a channel is sent once: acquired, busy while sending, sent after complete', async () => {
    const receipts = new DynamoDeliveryReceipts(doc, table.tableName);
    expect(await receipts.begin('d1', 'sns', now)).toBe('acquired');
    expect(await receipts.begin('d1', 'sns', later(1000))).toBe('busy');
    expect(await receipts.begin('d1', 'wecom:a', now)).toBe('acquired');
    await receipts.complete('d1', 'sns', later(2000));
    expect(await receipts.begin('d1', 'sns', later(3000))).toBe('sent');
    expect(await receipts.begin('d1', 'sns', later(3_600_000))).toBe('sent');
    const item = await getItem(deliveryPk('d1'), deliverySk('sns'));
    expect(item).toMatchObject({ status: 'sent', sentAt: later(2000).toISOString() });
    expect(typeof item?.expiresAt).toBe('number');
  });

  it('a released (failed) channel is taken again by the retry', async () => {
    const receipts = new DynamoDeliveryReceipts(doc, table.tableName);
    expect(await receipts.begin('d2', 'dingtalk:x', now)).toBe('acquired');
    await receipts.release('d2', 'dingtalk:x');
    expect(await receipts.begin('d2', 'dingtalk:x', later(1000))).toBe('acquired');
  });

  it('a lease left by a crashed delivery expires', async () => {
    const receipts = new DynamoDeliveryReceipts(doc, table.tableName, 60_000);
    expect(await receipts.begin('d3', 'sns', now)).toBe('acquired');
    expect(await receipts.begin('d3', 'sns', later(59_000))).toBe('busy');
    expect(await receipts.begin('d3', 'sns', later(61_000))).toBe('acquired');
  });

  it('release never deletes a sent receipt', async () => {
    const receipts = new DynamoDeliveryReceipts(doc, table.tableName);
    await receipts.begin('d4', 'sns', now);
    await receipts.complete('d4', 'sns', now);
    await receipts.release('d4', 'sns');
    expect(await receipts.begin('d4', 'sns', later(1000))).toBe('sent');
  });
});
