import { ProgressSubmittedDetail } from '../../events/schemas.js';
import type { PlanAmender } from '../../shared/plan/amender.js';
import type { MetricsRecorder } from '../../shared/ports/metrics.js';
import type { ProgressWriter } from '../../shared/ports/state.js';
import type { Logger } from '../../shared/ports/logger.js';
import { assertAppliable, createEventConsumer } from '../../shared/adapters/lambda/event-consumer.js';

export interface ApplyProgressDeps {
  writer: ProgressWriter;
  logger: Logger;
  /** `ReportsApplied` by outcome, `DeadLetters`. */
  metrics?: MetricsRecorder;
  onFailure?: (messageId: string, reason: string) => void;
  /** The plan as amended on the day of receipt, for the checks (default: the baseline only). */
  amender?: PlanAmender;
}

/** Consumes `progress.submitted`: audit row, unit figures, unit task status, period marker — exactly once in effect. */
export function createApplyProgressHandler(deps: ApplyProgressDeps) {
  return createEventConsumer({
    name: 'apply-progress',
    detail: ProgressSubmittedDetail,
    logger: deps.logger,
    metrics: deps.metrics,
    onFailure: deps.onFailure,
    apply: async (report) => {
      await assertAppliable({ type: 'progress.submitted', detail: report }, deps.amender);
      const result = await deps.writer.applyProgress(report);
      deps.metrics?.count('ReportsApplied', { Outcome: result.outcome });
      return result;
    },
  });
}
