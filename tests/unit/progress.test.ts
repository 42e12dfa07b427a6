import type { TestCase, TestModule, TestSpecification } from 'vitest/node';
import { describe, expect, it } from 'vitest';
import { formatElapsed, progress } from '../../scripts/lib/progress.js';
import ProgressReporter from '../helpers/progress-reporter.js';

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

describe('the test:long progress reporter', () => {
  const testCase = (name: string, timeout: number, duration: number) =>
    ({
      fullName: name,
      options: { timeout },
      module: { relativeModuleId: 'tests/e2e/reliability.test.ts' },
      diagnostic: () => ({ duration }),
      result: () => ({ state: 'passed' }),
    }) as unknown as TestCase;

  it('prints n/N per test file, and the start and end of the long tests only', () => {
    const lines: string[] = [];
    const r = new ProgressReporter({ write: (l) => lines.push(l.replace(/^\[test:long [^\]]+\] /, '')) });
    r.onTestRunStart([{}, {}] as unknown as TestSpecification[]);
    r.onTestCaseReady(testCase('faults', 3_600_000, 0));
    r.onTestCaseReady(testCase('quick', 30_000, 0));
    r.onTestCaseResult(testCase('quick', 30_000, 20));
    r.onTestCaseResult(testCase('faults', 3_600_000, 864_000));
    r.onTestModuleEnd({
      relativeModuleId: 'tests/e2e/reliability.test.ts',
      state: () => 'passed',
      children: { allTests: () => [1, 2, 3][Symbol.iterator]() },
      diagnostic: () => ({ duration: 900_000 }),
    } as unknown as TestModule);
    expect(lines).toEqual([
      '0/2 test files\n',
      'started tests/e2e/reliability.test.ts › faults\n',
      'passed tests/e2e/reliability.test.ts › faults in 14m24s\n',
      '1/2 tests/e2e/reliability.test.ts: passed, 3 tests in 15m00s\n',
    ]);
  });
});
