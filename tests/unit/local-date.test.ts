import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { localDateOf } from '../../shared/time/local-date.js';

describe('localDateOf', () => {
  const zones = ['Asia/Shanghai', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Australia/Lord_Howe', 'Europe/Berlin', 'UTC'];
  const intl = new Map(
    zones.map((z) => [z, new Intl.DateTimeFormat('en-CA', { timeZone: z, year: 'numeric', month: '2-digit', day: '2-digit' })]),
  );

  it('is the calendar date Intl gives, in zones with quarter-hour offsets and daylight saving (it remembers dates per quarter hour)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2027, 11, 31) }), fc.constantFrom(...zones), (ms, zone) => {
        const d = new Date(ms);
        expect(localDateOf(d, zone)).toBe(intl.get(zone)!.format(d));
        // Twice: the second answer comes from what it remembered.
        expect(localDateOf(d, zone)).toBe(intl.get(zone)!.format(d));
      }),
      { numRuns: 5000 },
    );
  });

  it('crosses midnight in Asia/Shanghai at 16:00Z, to the millisecond', () => {
    expect(localDateOf(new Date('2023-12-31T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2023-12-31');
    expect(localDateOf(new Date('2023-12-31T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2024-01-01');
  });
});
