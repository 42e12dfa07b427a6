import type { RateDecision, RateLimiter } from './rate-limiter.js';

/** The shared budget of every instance: a counter per source and time window. */
export interface RateBudgetStore {
  /**
   * Takes up to `want` of the `limit` tokens of `key`'s window `window` (a window number); returns how
   * many it got (0 when the window is spent). Never grants more than `limit` in all, whoever asks.
   */
  lease(key: string, window: number, want: number, limit: number): Promise<number>;
}

export interface SharedRateLimiterOptions {
  store: RateBudgetStore;
  ratePerSecond: number;
  /** The budget is `ratePerSecond × windowSeconds` per window. Default 10 s. */
  windowSeconds?: number;
  /**
   * Tokens an instance leases at a time: one write per `leaseSize` requests instead of one per request.
   * Tokens leased and not used by the end of the window are lost, so several instances may together
   * admit a little less than the budget, never more. Default: a tenth of the window's budget (at
   * least 5) — 20 at the default 20/s over 10 s, so the lease adds 0.05 write units to a request in a
   * burst instead of 0.2, and ten instances could still hold the whole budget between them.
   */
  leaseSize?: number;
  now?: () => number;
  /** The store failed: the request is let through (the instance's own bucket and the route's throttling still hold). */
  onStoreError?: (err: unknown) => void;
}

/**
 * A per-source limit that holds across Lambda instances: each instance leases tokens in small
 * batches from a counter per source and window in the table (a conditional `ADD`), so N instances
 * together admit at most the window's budget. It fails open when the table does not answer — the
 * receipt write that follows would fail the request anyway, and a throttled table must not turn
 * into a 429 for every county.
 */
export function sharedRateLimiter(options: SharedRateLimiterOptions): RateLimiter {
  const windowMs = (options.windowSeconds ?? 10) * 1000;
  const limit = Math.max(1, Math.floor(options.ratePerSecond * (windowMs / 1000)));
  const leaseSize = Math.max(1, options.leaseSize ?? Math.max(5, Math.ceil(limit / 10)));
  const now = options.now ?? Date.now;
  const leased = new Map<string, { window: number; tokens: number; pending?: Promise<number> }>();

  return {
    async take(key): Promise<RateDecision> {
      const t = now();
      const window = Math.floor(t / windowMs);
      let mine = leased.get(key);
      if (!mine || mine.window !== window) {
        mine = { window, tokens: 0 };
        leased.set(key, mine);
      }
      const slot = mine;
      // Concurrent requests of one instance share one lease in flight, then race for its tokens.
      while (slot.tokens === 0) {
        slot.pending ??= options.store
          .lease(key, window, leaseSize, limit)
          .then((n) => {
            slot.tokens += n;
            return n;
          })
          .finally(() => {
            slot.pending = undefined;
          });
        let granted: number;
        try {
          granted = await slot.pending;
        } catch (err) {
          options.onStoreError?.(err);
          return { ok: true };
        }
        if (granted === 0) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(((window + 1) * windowMs - t) / 1000)) };
      }
      slot.tokens--;
      return { ok: true };
    },
  };
}

/** Both limits: the instance's own bucket first (no write when it already says no), then the shared budget. */
export function bothLimits(first: RateLimiter, second: RateLimiter): RateLimiter {
  return {
    async take(key) {
      const a = await first.take(key);
      return a.ok ? second.take(key) : a;
    },
  };
}
