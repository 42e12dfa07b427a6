import type { Reporter, TestCase, TestModule, TestSpecification } from 'vitest/node';
import { formatElapsed, progressLine } from '../../scripts/lib/progress.js';

/** A test allowed this long is one of the long phases (the reliability runs): say when it starts. */
const LONG_TEST_TIMEOUT_MS = 5 * 60_000;
/** A test that took this long is worth a line of its own when it ends. */
const SLOW_TEST_MS = 60_000;

/**
 * Progress for `npm run test:long` (25–30 minutes), next to vitest's own reporter: a line per test
 * file as it ends, `n/N`, and a line when a long test starts and ends, each with the elapsed time. On
 * stderr, like the benchmark's progress (scripts/lib/progress.ts).
 */
export default class ProgressReporter implements Reporter {
  private started = Date.now();
  private total = 0;
  private done = 0;

  private readonly write: (line: string) => void;

  /** Vitest passes the reporter's options (none are needed); tests pass `write`. */
  constructor(options: { write?: (line: string) => void } = {}) {
    this.write = options.write ?? ((line) => process.stderr.write(line));
  }

  private line(text: string): void {
    this.write(progressLine('test:long', Date.now() - this.started, text));
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    this.started = Date.now();
    this.total = specifications.length;
    this.done = 0;
    this.line(`0/${this.total} test files`);
  }

  onTestCaseReady(test: TestCase): void {
    if ((test.options.timeout ?? 0) >= LONG_TEST_TIMEOUT_MS) this.line(`started ${test.module.relativeModuleId} › ${test.fullName}`);
  }

  onTestCaseResult(test: TestCase): void {
    const duration = test.diagnostic()?.duration ?? 0;
    if (duration >= SLOW_TEST_MS || (test.options.timeout ?? 0) >= LONG_TEST_TIMEOUT_MS) {
      this.line(`${test.result().state} ${test.module.relativeModuleId} › ${test.fullName} in ${formatElapsed(duration)}`);
    }
  }

  onTestModuleEnd(module: TestModule): void {
    this.done += 1;
    const tests = [...module.children.allTests()].length;
    this.line(
      `${this.done}/${this.total} ${module.relativeModuleId}: ${module.state()}, ${tests} tests in ${formatElapsed(module.diagnostic().duration)}`,
    );
  }
}
