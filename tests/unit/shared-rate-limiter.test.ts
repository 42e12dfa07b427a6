import { describe, expect, it } from 'vitest';
import { tokenBucket } from '../../shared/ingest/rate-limiter.js';
import { bothLimits, sharedRateLimiter, type RateBudgetStore } from '../../shared/ingest/shared-rate-limiter.js';

/** The budget semantics of the DynamoDB store, in memory (tests/integration/rate-budget.test.ts runs the real one). */
class MemoryBudget implements RateBudgetStore {
  readonly used = new Map<string, number>();
  leases = 0;
  async lease(key: string, window: number, want: number, limit: number): Promise<number> {
    this.leases++;
    const k = `${key}#${window}`;
    const used = this.used.get(k) ?? 0;
    const n = Math.max(0, Math.min(want, limit - used));
    this.used.set(k, used + n);
    return n;
  }
}

describe('sharedRateLimiter', () => {
  it('several instances together admit at most the window’s budget, one lease per 5 requests', async () => {
    const store = new MemoryBudget();
    const t = 1_000_000;
    const instances = Array.from({ length: 4 }, () =>
      sharedRateLimiter({ store, ratePerSecond: 2, windowSeconds: 10, leaseSize: 5, now: () => t }),
    );
    let admitted = 0;
    for (let i = 0; i < 100; i++) if ((await instances[i % 4]!.take('rencheng')).ok) admitted++;
    expect(admitted).toBe(20); // 2/s × 10 s, whichever instance is asked
    expect(store.leases).toBeLessThanOrEqual(20 / 5 + 4 * 20); // leases, then each refusal asks again (cheaply) at most once per request
  });

  it('refuses with Retry-After until the next window, then admits again', async () => {
    const store = new MemoryBudget();
    let t = 1_003_000; // 3 s into a 10 s window
    const limiter = sharedRateLimiter({ store, ratePerSecond: 0.5, windowSeconds: 10, leaseSize: 5, now: () => t });
    for (let i = 0; i < 5; i++) expect((await limiter.take('qufu')).ok).toBe(true);
    expect(await limiter.take('qufu')).toEqual({ ok: false, retryAfterSeconds: 7 });
    t += 7000;
    expect((await limiter.take('qufu')).ok).toBe(true);
  });

  it('budgets are per source', async () => {
    const store = new MemoryBudget();
    const limiter = sharedRateLimiter({ store, ratePerSecond: 0.1, windowSeconds: 10, leaseSize: 5, now: () => 0 });
    expect((await limiter.take('a')).ok).toBe(true);
    expect((await limiter.take('a')).ok).toBe(false);
    expect((await limiter.take('b')).ok).toBe(true);
  });

  it('fails open when the store does not answer, and says so', async () => {
    const errors: unknown[] = [];
    const limiter = sharedRateLimiter({
      store: { lease: () => Promise.reject(new Error('ProvisionedThroughputExceededException')) },
      ratePerSecond: 1,
      onStoreError: (e) => errors.push(e),
    });
    expect(await limiter.take('a')).toEqual({ ok: true });
    expect(errors).toHaveLength(1);
  });

  it('bothLimits asks the shared budget only when the instance bucket admits', async () => {
    const store = new MemoryBudget();
    const t = 0;
    const limiter = bothLimits(
      tokenBucket({ ratePerSecond: 1, burst: 1, now: () => t }),
      sharedRateLimiter({ store, ratePerSecond: 100, now: () => t }),
    );
    expect((await limiter.take('a')).ok).toBe(true);
    expect((await limiter.take('a')).ok).toBe(false);
    expect(store.leases).toBe(1);
  });
});
