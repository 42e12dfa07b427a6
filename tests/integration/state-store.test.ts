import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import type { ProgressSubmittedDetail } from '../../events/schemas.js';
import { DynamoIntake } from '../../shared/adapters/dynamodb/intake.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { SummingCapacityMeter } from '../../shared/adapters/dynamodb/capacity.js';
import { replayReports } from '../../shared/kpi/reconcile.js';
import { EventCapReachedError } from '../../shared/adapters/errors.js';
import type { PlanState } from '../../shared/ports/state.js';
import { createTestTable } from '../helpers/dynamodb.js';
import { progressReport, sportsEvent } from '../helpers/reports.js';

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());

/** Each test works on its own plan id so that tests don't see each other's items. */
let planSeq = 0;
const freshPlan = () => `p${++planSeq}-${Date.now()}`;

/**
 * A report's whole path through the table: ingest stores its audit row (the outbox record), then the
 * consumer applies it (the bus delivers at least once: a redelivery applies it again).
 */
async function deliver(store: DynamoStateStore, report: ProgressSubmittedDetail) {
  const hash = createHash('sha256').update(JSON.stringify(report)).digest('base64');
  await new DynamoIntake(table.doc, table.tableName).accept({ type: 'progress.submitted', detail: report }, hash);
  return store.applyProgress(report);
}

function normalise(state: PlanState) {
  return {
    figures: state.figures.map((f) => `${f.kpiId}|${f.orgId}|${f.value}|${f.sourceId}|${f.webhookId}`).sort(),
    units: state.units
      .map(
        (u) =>
          `${u.taskId}|${u.orgId}|${u.status}|${u.percentComplete}|${[...(u.completedMilestoneIds ?? [])].sort().join('+')}|${u.sourceId}|${u.webhookId}`,
      )
      .sort(),
  };
}

describe('DynamoStateStore against DynamoDB Local', () => {
  it('applies a report: one unit item holds its figure, status and period; the audit row is the one ingest stored', async () => {
    const store = new DynamoStateStore(table.doc, table.tableName);
    const planId = freshPlan();
    const r = progressReport({ planId });
    expect(await deliver(store, r)).toEqual({ outcome: 'applied', changed: 1 });
    const state = await store.loadPlanState(planId);
    expect(state.figures).toEqual([
      { kpiId: 'sports-clubs', orgId: '370811', value: 40, reportedAt: r.reportedAt, sourceId: 'rencheng', webhookId: 'msg_1' },
    ]);
    expect(state.units).toMatchObject([{ taskId: 'T08', orgId: '370811', status: 'in_progress', percentComplete: 40, period: '2023-06' }]);
    expect(await store.reportedUnits(planId, '2023-06')).toEqual([{ taskId: 'T08', orgId: '370811' }]);
    expect(await store.reportedUnits(planId, '2023-07')).toEqual([]);
    const page = await store.listReports(planId, 'T08', { limit: 10 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ webhookId: 'msg_1', summary: '新增俱乐部5家', sourceId: 'rencheng' });
  });

  it('a redelivered report changes nothing and writes nothing', async () => {
    const meter = new SummingCapacityMeter();
    const store = new DynamoStateStore(table.doc, table.tableName, meter);
    const planId = freshPlan();
    await deliver(store, progressReport({ planId }));
    meter.reset();
    expect(await deliver(store, progressReport({ planId }))).toEqual({ outcome: 'unchanged', changed: 0 });
    expect(meter.totals.get('putUnitState')).toBeUndefined();
    expect((await store.listReports(planId, 'T08', { limit: 10 })).items).toHaveLength(1);
  });

  it('an older report arriving later is kept in the audit trail and changes no current figure', async () => {
    const store = new DynamoStateStore(table.doc, table.tableName);
    const planId = freshPlan();
    await deliver(
      store,
      progressReport({
        planId,
        webhookId: 'new',
        reportedAt: '2023-07-20T10:00:00+08:00',
        metrics: [{ kpiId: 'sports-clubs', value: 55 }],
      }),
    );
    const late = await deliver(
      store,
      progressReport({
        planId,
        webhookId: 'old',
        reportedAt: '2023-06-20T10:00:00+08:00',
        metrics: [{ kpiId: 'sports-clubs', value: 40 }],
      }),
    );
    // Its period (2023-06) is the newer report's too: nothing in the unit's state moves, nothing is written.
    expect(late).toEqual({ outcome: 'unchanged', changed: 0 });
    const state = await store.loadPlanState(planId);
    expect(state.figures.map((f) => f.value)).toEqual([55]);
    const trail = await store.auditTrail(planId, 'T08');
    expect(trail.map((r) => r.webhookId)).toEqual(['old', 'new']);
    const newestFirst = await store.listReports(planId, 'T08', { limit: 10 });
    expect(newestFirst.items.map((r) => r.webhookId)).toEqual(['new', 'old']);
  });

  it('orders by instant, not by the written offset, and breaks ties by webhookId', async () => {
    const store = new DynamoStateStore(table.doc, table.tableName);
    const planId = freshPlan();
    // 10:00+08:00 is 02:00Z; 03:00Z is later even though "03:00" < "10:00" as written.
    await store.applyProgress(
      progressReport({ planId, webhookId: 'a', reportedAt: '2023-06-20T03:00:00Z', metrics: [{ kpiId: 'sports-clubs', value: 3 }] }),
    );
    await store.applyProgress(
      progressReport({ planId, webhookId: 'b', reportedAt: '2023-06-20T10:00:00+08:00', metrics: [{ kpiId: 'sports-clubs', value: 2 }] }),
    );
    expect((await store.loadPlanState(planId)).figures.map((f) => f.value)).toEqual([3]);
    // Same instant: the greater webhookId wins, whatever the arrival order.
    await store.applyProgress(
      progressReport({ planId, webhookId: 'z', reportedAt: '2023-06-20T11:00:00+08:00', metrics: [{ kpiId: 'sports-clubs', value: 9 }] }),
    );
    await store.applyProgress(
      progressReport({ planId, webhookId: 'y', reportedAt: '2023-06-20T03:00:00Z', metrics: [{ kpiId: 'sports-clubs', value: 8 }] }),
    );
    expect((await store.loadPlanState(planId)).figures.map((f) => f.value)).toEqual([9]);
  });

  it('pages through the audit trail newest first', async () => {
    const store = new DynamoStateStore(table.doc, table.tableName);
    const planId = freshPlan();
    for (let i = 0; i < 5; i++) {
      await deliver(store, progressReport({ planId, webhookId: `w${i}`, reportedAt: `2023-06-2${i}T10:00:00+08:00` }));
    }
    const first = await store.listReports(planId, 'T08', { limit: 2 });
    expect(first.items.map((r) => r.webhookId)).toEqual(['w4', 'w3']);
    expect(first.lastKey).toBeDefined();
    const second = await store.listReports(planId, 'T08', { limit: 2, startKey: first.lastKey });
    expect(second.items.map((r) => r.webhookId)).toEqual(['w2', 'w1']);
    const third = await store.listReports(planId, 'T08', { limit: 2, startKey: second.lastKey });
    expect(third.items.map((r) => r.webhookId)).toEqual(['w0']);
  });

  it('upserts events by (source, eventId): the latest timestamp wins, an older update is ignored', async () => {
    const store = new DynamoStateStore(table.doc, table.tableName);
    const planId = freshPlan();
    await store.registerEvent(sportsEvent({ planId, status: 'held', webhookId: 'e2', timestamp: '2023-11-06T08:00:00+08:00' }));
    expect(
      await store.registerEvent(sportsEvent({ planId, status: 'planned', webhookId: 'e1', timestamp: '2023-10-01T08:00:00+08:00' })),
    ).toEqual({
      outcome: 'unchanged',
      changed: 0,
    });
    // Same eventId from another source is another event.
    await store.registerEvent(sportsEvent({ planId, sourceId: 'other', webhookId: 'e3' }));
    const events = await store.listEvents(planId);
    expect(events.map((e) => `${e.sourceId}:${e.status}`).sort()).toEqual(['mass-sports:held', 'other:planned']);
  });

  it('holds a source to its cap of distinct events; updates of its known events still apply; the counter is not an event', async () => {
    const store = new DynamoStateStore(table.doc, table.tableName, undefined, 3);
    const planId = freshPlan();
    for (const id of ['a', 'b', 'c'])
      expect((await store.registerEvent(sportsEvent({ planId, eventId: id, webhookId: `w-${id}` }))).outcome).toBe('applied');
    await expect(store.registerEvent(sportsEvent({ planId, eventId: 'd', webhookId: 'w-d' }))).rejects.toThrow(EventCapReachedError);
    // A retry of a known event, and a newer update of one, are not new events.
    expect((await store.registerEvent(sportsEvent({ planId, eventId: 'a', webhookId: 'w-a' }))).outcome).toBe('unchanged');
    expect(
      await store.registerEvent(
        sportsEvent({ planId, eventId: 'b', webhookId: 'w-b2', status: 'held', timestamp: '2023-11-06T08:00:00+08:00' }),
      ),
    ).toEqual({ outcome: 'applied', changed: 1 });
    // Another source has its own cap.
    expect((await store.registerEvent(sportsEvent({ planId, sourceId: 'qufu', eventId: 'a', webhookId: 'q-a' }))).outcome).toBe('applied');
    const events = await store.listEvents(planId);
    expect(events.map((e) => `${e.sourceId}:${e.eventId}:${e.status}`).sort()).toEqual([
      'mass-sports:a:planned',
      'mass-sports:b:held',
      'mass-sports:c:planned',
      'qufu:a:planned',
    ]);
  });

  it('the same new event delivered concurrently is registered once and counted once', async () => {
    const store = new DynamoStateStore(table.doc, table.tableName, undefined, 2);
    const planId = freshPlan();
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, () => store.registerEvent(sportsEvent({ planId, eventId: 'x', webhookId: 'w-x' }))),
    );
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(1);
    expect((await store.registerEvent(sportsEvent({ planId, eventId: 'y', webhookId: 'w-y' }))).outcome).toBe('applied');
    await expect(store.registerEvent(sportsEvent({ planId, eventId: 'z', webhookId: 'w-z' }))).rejects.toThrow(EventCapReachedError);
  });

  it('a one-metric report costs two write units: its audit row at ingest and its unit item (ReturnConsumedCapacity)', async () => {
    const meter = new SummingCapacityMeter();
    const store = new DynamoStateStore(table.doc, table.tableName, meter);
    const report = progressReport({ planId: freshPlan() });
    await new DynamoIntake(table.doc, table.tableName, meter).accept({ type: 'progress.submitted', detail: report }, 'hash');
    expect(meter.totals.get('acceptMessage')?.write).toBe(1);
    await store.applyProgress(report);
    expect(meter.totals.get('putUnitState')).toEqual({ read: 0, write: 1, calls: 1 });
    expect(meter.sum().write).toBe(2);
    // The merge reads the item first (one strongly consistent read of a small item).
    expect(meter.totals.get('getUnitState')).toEqual({ read: 1, write: 0, calls: 1 });
  });

  it('reports of one unit and task that arrive together are merged into one write', async () => {
    const meter = new SummingCapacityMeter();
    const store = new DynamoStateStore(table.doc, table.tableName, meter);
    const planId = freshPlan();
    const reports = Array.from({ length: 10 }, (_, i) =>
      progressReport({
        planId,
        webhookId: `burst-${i}`,
        reportedAt: `2023-06-${String(10 + i)}T10:00:00+08:00`,
        metrics: [{ kpiId: 'sports-clubs', value: i }],
      }),
    );
    const results = await Promise.all(reports.map((r) => store.applyProgress(r)));
    expect(results.every((r) => r.outcome === 'applied')).toBe(true);
    // Handed over in the same tick (one batch's records, processed in parallel): one read, one write.
    expect(meter.totals.get('getUnitState')?.calls).toBe(1);
    expect(meter.totals.get('putUnitState')?.calls).toBe(1);
    // One that arrives once that write has begun goes out in a write of its own.
    await Promise.all([
      store.applyProgress(progressReport({ planId, webhookId: 'later-a', reportedAt: '2023-06-28T10:00:00+08:00' })),
      new Promise((r) => setTimeout(r, 1)).then(() =>
        store.applyProgress(progressReport({ planId, webhookId: 'later-b', reportedAt: '2023-06-29T10:00:00+08:00' })),
      ),
    ]);
    expect(meter.totals.get('putUnitState')?.calls).toBe(3);
    expect((await store.loadPlanState(planId)).figures.map((f) => [f.webhookId, f.value])).toEqual([['later-b', 40]]);
  });

  it('concurrent writers of one unit item (separate stores, as separate Lambda instances) lose nothing', async () => {
    const planId = freshPlan();
    const stores = Array.from({ length: 4 }, () => new DynamoStateStore(table.doc, table.tableName));
    const reports = Array.from({ length: 24 }, (_, i) =>
      progressReport({
        planId,
        webhookId: `race-${i}`,
        reportedAt: `2023-06-${String(1 + i).padStart(2, '0')}T10:00:00+08:00`,
        period: '2023-06',
        metrics: [{ kpiId: 'sports-clubs', value: i }],
      }),
    );
    await Promise.all(reports.map((r, i) => stores[i % stores.length]!.applyProgress(r)));
    const state = await stores[0]!.loadPlanState(planId);
    expect(normalise(state)).toEqual(normalise(replayReports(reports)));
  });

  it('two sources that reuse one webhook-id for the same instant: both reports reach the audit trail, the greater source wins the tie', async () => {
    const store = new DynamoStateStore(table.doc, table.tableName);
    const planId = freshPlan();
    const at = '2023-06-20T10:00:00+08:00';
    const a = progressReport({
      planId,
      orgId: '370811',
      sourceId: 'vendor-a',
      webhookId: 'rpt-20230620',
      reportedAt: at,
      metrics: [{ kpiId: 'sports-clubs', value: 10 }],
    });
    const b = progressReport({
      planId,
      orgId: '370811',
      sourceId: 'vendor-b',
      webhookId: 'rpt-20230620',
      reportedAt: at,
      metrics: [{ kpiId: 'sports-clubs', value: 20 }],
    });
    expect((await deliver(store, b)).outcome).toBe('applied');
    // The tie goes to vendor-b: a's figure and status are older, but a's period is already known too.
    expect((await deliver(store, a)).outcome).toBe('unchanged');
    const trail = await store.auditTrail(planId, 'T08');
    expect(trail.map((r) => r.sourceId).sort()).toEqual(['vendor-a', 'vendor-b']);
    expect((await store.loadPlanState(planId)).figures.map((f) => [f.sourceId, f.value])).toEqual([['vendor-b', 20]]);
    expect(normalise(await store.loadPlanState(planId))).toEqual(normalise(replayReports(trail)));
  });

  it('completedMilestoneIds: absent changes nothing, present is the whole set — in either arrival order', async () => {
    const june = (planId: string) =>
      progressReport({ planId, webhookId: 'june', reportedAt: '2023-06-20T10:00:00+08:00', completedMilestoneIds: ['T08-M1'] });
    const july = (planId: string) =>
      progressReport({ planId, webhookId: 'july', reportedAt: '2023-07-20T10:00:00+08:00', period: '2023-07' });
    const august = (planId: string) =>
      progressReport({ planId, webhookId: 'aug', reportedAt: '2023-08-20T10:00:00+08:00', period: '2023-08', completedMilestoneIds: [] });
    const store = new DynamoStateStore(table.doc, table.tableName);
    for (const order of [
      [june, july],
      [july, june],
    ]) {
      const planId = freshPlan();
      for (const r of order) await store.applyProgress(r(planId));
      const [unit] = (await store.loadPlanState(planId)).units;
      expect(unit).toMatchObject({ webhookId: 'july', completedMilestoneIds: ['T08-M1'] });
    }
    // An explicit empty set un-completes.
    const planId = freshPlan();
    for (const r of [august, june, july]) await store.applyProgress(r(planId));
    expect((await store.loadPlanState(planId)).units[0]!.completedMilestoneIds).toEqual([]);
  });

  it('property: any interleaving, duplication and reordering yields the aggregates of the deduplicated set in reportedAt order', async () => {
    const store = new DynamoStateStore(table.doc, table.tableName);
    const orgs = ['370811', '370812', '370826'];
    const reportArb = fc.record({
      org: fc.constantFrom(...orgs),
      day: fc.integer({ min: 1, max: 28 }),
      hour: fc.integer({ min: 0, max: 23 }),
      value: fc.integer({ min: 0, max: 300 }),
      status: fc.constantFrom<'not_started' | 'in_progress' | 'completed' | 'blocked'>(
        'not_started',
        'in_progress',
        'completed',
        'blocked',
      ),
      // Two county systems that derive webhook-ids from the unit and the instant: the same id, the same
      // reportedAt. (Within one source a webhook-id names one message: ingest answers 409 otherwise.)
      source: fc.constantFrom('vendor-a', 'vendor-b'),
      // Absent (no change), empty (un-complete everything) or the set.
      milestones: fc.option(fc.subarray(['T08-M1']), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(reportArb, { minLength: 1, maxLength: 8, selector: (r) => `${r.org}${r.day}${r.hour}${r.source}` }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.infiniteStream(fc.nat()),
        async (specs, dupIdx, shuffleStream) => {
          const planId = freshPlan();
          const reports = specs.map((s) =>
            progressReport({
              planId,
              orgId: s.org,
              sourceId: s.source,
              webhookId: `w${s.org}-${s.day}-${s.hour}`,
              ...(s.milestones === undefined ? {} : { completedMilestoneIds: s.milestones }),
              reportedAt: `2023-05-${String(s.day).padStart(2, '0')}T${String(s.hour).padStart(2, '0')}:00:00+08:00`,
              status: s.status,
              percentComplete: s.value % 101,
              metrics: [{ kpiId: 'sports-clubs', value: s.value }],
            }),
          );
          const deliveries = [...reports, ...dupIdx.map((i) => reports[i % reports.length]!)];
          const it = shuffleStream[Symbol.iterator]();
          for (let i = deliveries.length - 1; i > 0; i--) {
            const j = it.next().value % (i + 1);
            [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
          }
          // Deliver in concurrent waves, as parallel consumers would (ingest stored each once; the bus may deliver it again).
          for (let i = 0; i < deliveries.length; i += 3) await Promise.all(deliveries.slice(i, i + 3).map((r) => deliver(store, r)));
          const ordered = [...reports].sort((a, b) => Date.parse(a.reportedAt) - Date.parse(b.reportedAt));
          expect(normalise(await store.loadPlanState(planId))).toEqual(normalise(replayReports(ordered)));
          expect((await store.auditTrail(planId, 'T08')).length).toBe(reports.length);
        },
      ),
      { numRuns: process.env.LONG ? 200 : 25 },
    );
  });
});
