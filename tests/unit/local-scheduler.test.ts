import { afterEach, describe, expect, it, vi } from 'vitest';
import { offsetClock } from '../../shared/time/clocks.js';
import { LocalScheduler, nextDailyRun } from '../../local/scheduler.js';

describe('nextDailyRun (Asia/Shanghai)', () => {
  const tz = 'Asia/Shanghai';
  it.each([
    ['2023-10-08T08:30:00+08:00', { hour: 9, minute: 0 }, '2023-10-08T01:00:00.000Z'],
    ['2023-10-08T09:00:00+08:00', { hour: 9, minute: 0 }, '2023-10-09T01:00:00.000Z'],
    ['2023-10-08T09:00:01+08:00', { hour: 9, minute: 0 }, '2023-10-09T01:00:00.000Z'],
    ['2023-12-31T23:59:00+08:00', { hour: 1, minute: 0 }, '2023-12-31T17:00:00.000Z'],
    ['2024-01-01T01:00:00+08:00', { hour: 1, minute: 0 }, '2024-01-01T17:00:00.000Z'],
  ])('after %s, %o fires at %s', (after, cron, expected) => {
    expect(nextDailyRun(new Date(after), cron, tz).toISOString()).toBe(expected);
  });
});

describe('LocalScheduler', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires each schedule at its time on the business clock, as of the scheduled instant, every day', async () => {
    vi.useFakeTimers({ now: new Date('2026-03-01T00:00:00Z') });
    const clock = offsetClock(new Date('2023-10-08T08:59:00+08:00'));
    const runs: Array<[string, string]> = [];
    const scheduler = new LocalScheduler({
      clock,
      names: ['send-reminders', 'aggregate-kpis'],
      run: async (name, now) => {
        runs.push([name, now]);
      },
    });
    scheduler.start();
    expect(scheduler.nextRuns()).toEqual({ 'send-reminders': '2023-10-08T01:00:00.000Z', 'aggregate-kpis': '2023-10-08T17:00:00.000Z' });
    await vi.advanceTimersByTimeAsync(59_000);
    expect(runs).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toEqual([['send-reminders', '2023-10-08T01:00:00.000Z']]);
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(runs).toEqual([
      ['send-reminders', '2023-10-08T01:00:00.000Z'],
      ['aggregate-kpis', '2023-10-08T17:00:00.000Z'],
      ['send-reminders', '2023-10-09T01:00:00.000Z'],
    ]);
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(48 * 3600_000);
    expect(runs).toHaveLength(3);
  });
});
