import { describe, expect, it } from 'vitest';
import { formatElapsed, progress } from '../../scripts/lib/progress.js';

describe('progress lines', () => {
  it('count the phases and show the elapsed time', () => {
    let t = 1_000;
    const lines: string[] = [];
    const p = progress('bench', 3, { now: () => t, write: (l) => lines.push(l) });
    p.note('mode quick');
    p.phase('ingest', '2000 requests');
    t += 12_345;
    p.note('ingest: ratio 4.9');
    p.phase('pipeline');
    t += 900_000;
    p.phase('report');
    expect(lines).toEqual([
      '[bench 0.0s] mode quick\n',
      '[bench 0.0s] 1/3 ingest: 2000 requests\n',
      '[bench 12.3s] 1/3 ingest: ratio 4.9\n',
      '[bench 12.3s] 2/3 pipeline\n',
      '[bench 15m12s] 3/3 report\n',
    ]);
  });

  it('formats minutes with two-digit seconds', () => {
    expect(formatElapsed(59_949)).toBe('59.9s');
    expect(formatElapsed(60_000)).toBe('1m00s');
    expect(formatElapsed(25 * 60_000 + 7_000)).toBe('25m07s');
  });
});
