import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import type { PlanAmendment } from '../../shared/plan/amendment.js';
import { createTestTable } from '../helpers/dynamodb.js';

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());

const amendment = (planId: string, version: number, by = 'jwt:a'): PlanAmendment => ({
  planId,
  version,
  effectiveFrom: '2023-07-03',
  reason: '督查室确认',
  changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }],
  amendedAt: '2023-07-03T02:00:00.000Z',
  amendedBy: by,
});

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
});
