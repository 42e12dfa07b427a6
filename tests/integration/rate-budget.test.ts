import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRateBudget } from '../../shared/adapters/dynamodb/rate-budget.js';
import { sharedRateLimiter } from '../../shared/ingest/shared-rate-limiter.js';
import { createTestTable } from '../helpers/dynamodb.js';

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});
afterAll(async () => table.drop());

describe('the shared per-source rate budget on DynamoDB Local', () => {
  it('eight instances hammering one source concurrently admit exactly the window’s budget', async () => {
    const store = new DynamoRateBudget(table.doc, table.tableName);
    const t = Date.UTC(2023, 5, 25, 2, 20, 0);
    const instances = Array.from({ length: 8 }, () =>
      sharedRateLimiter({ store, ratePerSecond: 20, windowSeconds: 10, leaseSize: 5, now: () => t }),
    );
    const results = await Promise.all(Array.from({ length: 600 }, async (_, i) => instances[i % 8]!.take('rencheng')));
    expect(results.filter((r) => r.ok)).toHaveLength(200); // 20/s × 10 s: never more, and nothing leased is stranded here
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, retryAfterSeconds: 10 });
  });

  it('a lease that does not fit whole takes the rest of the window', async () => {
    const store = new DynamoRateBudget(table.doc, table.tableName);
    expect(await store.lease('qufu', 7, 5, 7)).toBe(5);
    expect(await store.lease('qufu', 7, 5, 7)).toBe(2);
    expect(await store.lease('qufu', 7, 5, 7)).toBe(0);
    expect(await store.lease('qufu', 8, 5, 7)).toBe(5); // the next window starts afresh
  });
});
