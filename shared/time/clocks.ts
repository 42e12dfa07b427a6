import type { Clock } from '../ports/clock.js';

/** The system clock: what Lambda uses. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that starts at `start` and advances with real time (the local runtime's `CLOCK`). */
export function offsetClock(start: Date, real: () => number = Date.now): Clock {
  const offset = start.getTime() - real();
  return { now: () => new Date(real() + offset) };
}

/** A clock that stands still at `at` (tests, benches). */
export function fixedClock(at: Date | string): Clock {
  const d = new Date(at);
  return { now: () => new Date(d) };
}
