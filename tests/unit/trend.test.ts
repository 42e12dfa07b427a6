import { describe, expect, it } from 'vitest';
import { decodeTrend, encodeTrend, snapshotItem } from '../../shared/api/trend.js';
import { SnapshotItem } from '../../shared/api/responses.js';
import { evaluatePlan } from '../../shared/kpi/evaluate-plan.js';
import { replayReports } from '../../shared/kpi/reconcile.js';
import { getPlan } from '../../shared/plan/catalog.js';
import { reportLoad, seeded } from '../../bench/load.js';

/** The compact trend item (shared/api/trend.ts): the same answer as the full snapshot, in a third of the bytes. */
describe('trend items', () => {
  const plan = getPlan('jining-sports-2023')!;
  const views = ['2023-03-31', '2023-07-03', '2023-12-29'].map((date, i) => {
    const reports = reportLoad(plan, 300, seeded(7 + i), 162);
    return { planId: plan.planId, date, createdAt: `${date}T17:00:00.000Z`, view: evaluatePlan(plan, replayReports(reports), [], date) };
  });

  it('decode(encode(item)) is the item the read API served from the full snapshot, and a valid SnapshotItem', () => {
    for (const s of views) {
      const item = snapshotItem(s);
      const back = decodeTrend(s.date, encodeTrend(item));
      expect(back).toEqual(item);
      expect(SnapshotItem.parse(back)).toEqual(item);
    }
  });

  it('a day of this plan stays under 2 KB, so a year is under 150 read units (eventually consistent, 4 KB units)', () => {
    for (const s of views) {
      const bytes = Buffer.byteLength(encodeTrend(snapshotItem(s)));
      expect(bytes).toBeLessThan(2048);
      // 366 days × (item + key and attribute names, ~60 B) rounded to 4 KB, halved for eventual consistency.
      expect(Math.ceil((366 * (bytes + 60)) / 4096) / 2).toBeLessThanOrEqual(150);
      expect(bytes).toBeLessThan(JSON.stringify(s.view).length / 10);
    }
  });

  it('refuses a stored item of an unknown version', () => {
    expect(() => decodeTrend('2023-07-03', JSON.stringify({ v: 2 }))).toThrow(/unknown version/);
  });
});
