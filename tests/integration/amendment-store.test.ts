import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { amendmentSk, amendmentsPk } from '../../shared/adapters/dynamodb/keys.js';
import { busEventOf, messageOf } from '../../shared/adapters/dynamodb/outbox.js';
import { PlanAmendedDetail, type PlanAmendment } from '../../shared/plan/amendment.js';
import { createTestTable } from '../helpers/dynamodb.js';
import { planAmendment } from '../helpers/reports.js';
import { relayedEvents } from '../helpers/stream.js';

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());

const amendment = (planId: string, version: number, by = 'jwt:a'): PlanAmendment => planAmendment({ planId, version, amendedBy: by });

describe('DynamoAmendmentStore (DynamoDB Local)', () => {
  it('one row per version: of racing writers of a version one wins, the others are told', async () => {
    const store = new DynamoAmendmentStore(table.doc, table.tableName);
    const outcomes = await Promise.all(['jwt:a', 'jwt:b', 'jwt:c'].map((by) => store.append(amendment('p-race', 2, by))));
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'conflict')).toHaveLength(2);
    expect(await store.list('p-race')).toHaveLength(1);
  });

  it('lists a plan’s versions in order (versions beyond 9 sort as numbers), and only that plan’s', async () => {
    const store = new DynamoAmendmentStore(table.doc, table.tableName);
    for (const v of [10, 2, 3]) expect(await store.append(amendment('p-list', v))).toBe('recorded');
    await store.append(amendment('p-list-other', 2));
    expect((await store.list('p-list')).map((a) => a.version)).toEqual([2, 3, 10]);
    expect(await store.list('p-list')).toEqual([amendment('p-list', 2), amendment('p-list', 3), amendment('p-list', 10)]);
  });

  it('a version’s row is an outbox record: its message is exactly the plan.amended detail, relayed once per version', async () => {
    const store = new DynamoAmendmentStore(table.doc, table.tableName);
    const second: PlanAmendment = {
      ...amendment('p-outbox', 2),
      changes: [
        { op: 'confirm_milestone', milestoneId: 'T08-M1', dueDate: '2023-09-30' },
        { op: 'set_target', kpiId: 'lottery-sales', target: { op: '>=', value: 85000 } },
        { op: 'assign_units', taskId: 'T22', supportOrgIds: ['jn-lottery-center', '370811'] },
      ],
    };
    expect(await store.append(second)).toBe('recorded');
    // A racing writer of the same version writes nothing, so the stream carries nothing for it.
    expect(await store.append(amendment('p-outbox', 2, 'jwt:late'))).toBe('conflict');

    const key = { pk: amendmentsPk('p-outbox'), sk: amendmentSk(2) };
    const row = (await table.doc.send(new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }))).Item!;
    expect(row).toStrictEqual({ ...key, kind: 'planAmendment', ...second });
    // What the bus carried before (office-api published the amendment itself): the same fields, nothing more.
    expect(messageOf(row)).toStrictEqual(second);
    expect(PlanAmendedDetail.parse(messageOf(row))).toStrictEqual(second);
    expect(busEventOf(row)).toStrictEqual({ detailType: 'plan.amended', detail: second });
    // The reader strips the kind.
    expect(await store.list('p-outbox')).toStrictEqual([second]);

    const relayed = (await relayedEvents(table)).filter((e) => e.detail.planId === 'p-outbox');
    expect(relayed).toStrictEqual([{ detailType: 'plan.amended', detail: second }]);
  });
});
