import type { RateLimit } from '../config/env.js';

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A per-source limit, taken once per authenticated webhook. `tokenBucket` limits one process (the
 * local runtime, or one warm Lambda instance); `sharedRateLimiter` (shared-rate-limiter.ts) holds
 * across Lambda instances.
 */
export interface RateLimiter {
  take(key: string): RateDecision | Promise<RateDecision>;
}

export function tokenBucket(options: RateLimit & { now?: () => number }): RateLimiter {
  // A rate of 0 (or NaN) would never refill: every source refused for good, with `retry-after: NaN`
  // or `Infinity`. "No limit" is `rateLimiterFor(undefined)`, never a bucket.
  if (!(options.ratePerSecond > 0 && Number.isFinite(options.ratePerSecond)))
    throw new RangeError(`ratePerSecond must be a positive number, got ${options.ratePerSecond}`);
  if (!(options.burst >= 1)) throw new RangeError(`burst must be at least 1, got ${options.burst}`);
  const now = options.now ?? Date.now;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key) {
      const t = now();
      const b = buckets.get(key) ?? { tokens: options.burst, at: t };
      b.tokens = Math.min(options.burst, b.tokens + ((t - b.at) / 1000) * options.ratePerSecond);
      b.at = t;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return { ok: true };
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / options.ratePerSecond)) };
    },
  };
}

export const unlimited: RateLimiter = { take: () => ({ ok: true }) };

/** The limiter for the rate limit of the environment (shared/config/env.ts): none when it is off. */
export function rateLimiterFor(limit: RateLimit | undefined): RateLimiter {
  return limit ? tokenBucket(limit) : unlimited;
}
