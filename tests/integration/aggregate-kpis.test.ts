import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { createAggregateKpisHandler } from '../../functions/aggregate-kpis/app.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoSnapshotStore } from '../../shared/adapters/dynamodb/snapshot-store.js';
import { snapshotItem } from '../../shared/api/trend.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { SummingCapacityMeter } from '../../shared/adapters/dynamodb/capacity.js';
import { fixedClock } from '../../shared/time/clocks.js';
import type { BusEvent } from '../../shared/ports/bus.js';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ProgressSubmittedDetail } from '../../events/schemas.js';
import { DynamoIntake } from '../../shared/adapters/dynamodb/intake.js';
import { planStatePk, unitTaskSk } from '../../shared/adapters/dynamodb/keys.js';
import { createTestTable } from '../helpers/dynamodb.js';
import { progressReport, sportsEvent } from '../helpers/reports.js';

const PLAN = 'jining-sports-2023';
const logger = new Logger({ logLevel: 'SILENT' });
let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());

function setup(meter?: SummingCapacityMeter) {
  const state = new DynamoStateStore(table.doc, table.tableName, meter);
  const snapshots = new DynamoSnapshotStore(table.doc, table.tableName, meter);
  const published: BusEvent[] = [];
  const handler = createAggregateKpisHandler({
    reader: state,
    auditTrail: state,
    reviews: new DynamoReviewStore(table.doc, table.tableName, meter),
    snapshots,
    bus: { publish: async (events) => void published.push(...events) },
    clock: fixedClock('2023-07-01T01:00:00+08:00'),
    logger,
  });
  /** Ingest's write (the audit row) and the consumer's (the unit item). */
  const deliver = async (r: ProgressSubmittedDetail) => {
    await new DynamoIntake(table.doc, table.tableName).accept({ type: 'progress.submitted', detail: r }, r.webhookId);
    return state.applyProgress(r);
  };
  return { state, snapshots, published, handler, deliver };
}

describe('aggregate-kpis against DynamoDB Local', () => {
  it('stores one snapshot per day (a re-run replaces it), keeps history, and emits kpi.snapshot.created', async () => {
    const { state, snapshots, published, handler, deliver } = setup();
    await deliver(progressReport({ webhookId: 'a', orgId: '370811', metrics: [{ kpiId: 'sports-clubs', value: 40 }] }));
    await deliver(progressReport({ webhookId: 'b', orgId: '370812', metrics: [{ kpiId: 'sports-clubs', value: 60 }] }));
    await state.registerEvent(sportsEvent({ status: 'held' }));

    const first = await handler({ planId: PLAN });
    // 23 KPIs: issue 14 added the T21 and T23 targets.
    expect(first.runs).toMatchObject([{ planId: PLAN, date: '2023-07-01', mode: 'snapshot', kpis: 23 }]);
    await deliver(
      progressReport({
        webhookId: 'c',
        orgId: '370811',
        reportedAt: '2023-06-30T10:00:00+08:00',
        metrics: [{ kpiId: 'sports-clubs', value: 45 }],
      }),
    );
    await handler({ planId: PLAN });
    await handler({ planId: PLAN, now: '2023-07-02T01:00:00+08:00' });

    const stored = await snapshots.listSnapshots(PLAN, '2023-07-01', '2023-07-31');
    expect(stored.map((s) => s.date)).toEqual(['2023-07-01', '2023-07-02']);
    const clubs = stored[0]!.view.kpis.find((k) => k.kpiId === 'sports-clubs')!;
    expect(clubs.value).toBe(105); // the re-run replaced the day's snapshot: 45 + 60
    expect(clubs.byOrg.map((o) => [o.orgId, o.value])).toEqual([
      ['370811', 45],
      ['370812', 60],
    ]);
    expect(stored[0]!.view.kpis.find((k) => k.kpiId === 'marathon-held')).toMatchObject({ value: 1, status: 'done' });
    expect(published).toHaveLength(3);
    expect(published[0]).toMatchObject({ detailType: 'kpi.snapshot.created', detail: { planId: PLAN, date: '2023-07-01' } });
    expect(stored[0]!.view.sections.reduce((n, s) => n + s.tasks, 0)).toBe(27);
    // Beside each day's snapshot, its compact trend item: what the read API serves.
    expect(await snapshots.listTrend(PLAN, '2023-07-01', '2023-07-31')).toEqual(stored.map(snapshotItem));
  });

  it('reads the same capacity whether the plan has 1 or 30 reports per unit (flat in reports)', async () => {
    const meter = new SummingCapacityMeter();
    const { handler, deliver } = setup(meter);
    const run = async () => {
      meter.reset();
      await handler({ planId: PLAN });
      return meter.totals.get('queryPlanState')!.read;
    };
    const before = await run();
    for (let i = 0; i < 30; i++) {
      await deliver(progressReport({ webhookId: `flat-${i}`, reportedAt: `2023-05-${String(i + 1).padStart(2, '0')}T09:00:00+08:00` }));
    }
    expect(await run()).toBe(before);
  });

  it('reconcile recomputes from the audit trail and reports drift', async () => {
    const { handler, deliver } = setup();
    await deliver(progressReport({ webhookId: 'r1', orgId: '370829', metrics: [{ kpiId: 'sports-clubs', value: 12 }] }));
    const clean = await handler({ planId: PLAN, mode: 'reconcile' });
    expect(clean.runs[0]!.drift).toEqual([]);
    // Corrupt an aggregate behind the system's back: the figure in the unit's item ([value, reportedAt, sourceId, webhookId]).
    await table.doc.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: planStatePk(PLAN), sk: unitTaskSk('T08', '370829') },
        UpdateExpression: 'SET figures.#kpi[0] = :v',
        ExpressionAttributeNames: { '#kpi': 'sports-clubs' },
        ExpressionAttributeValues: { ':v': 99 },
      }),
    );
    const drifted = await handler({ planId: PLAN, mode: 'reconcile' });
    expect(drifted.runs[0]!.drift).toEqual([
      { kind: 'figure', key: 'sports-clubs#370829', stored: { value: 99, webhookId: 'r1' }, expected: { value: 12, webhookId: 'r1' } },
    ]);
  });

  it('rejects an unknown plan and a malformed event', async () => {
    const { handler } = setup();
    await expect(handler({ planId: 'nope' })).rejects.toThrow(/unknown plan nope/);
    await expect(handler({ now: 'yesterday' })).rejects.toThrow();
  });
});
