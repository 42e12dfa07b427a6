import { ProgressSubmittedDetail } from '../../events/schemas.js';
import { checkMessage } from '../../shared/ingest/message-checks.js';
import type { MetricsRecorder } from '../../shared/ports/metrics.js';
import type { ProgressWriter } from '../../shared/ports/state.js';
import type { JobLogger } from '../../shared/reminders/logger.js';
import { createEventConsumer, UnappliableMessageError } from '../lib/event-consumer.js';

export interface ApplyProgressDeps {
  writer: ProgressWriter;
  logger: JobLogger;
  /** `ReportsApplied` by outcome, `DeadLetters`. */
  metrics?: MetricsRecorder;
  onFailure?: (messageId: string, reason: string) => void;
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
      const { timestamp, sourceId: _s, webhookId: _w, receivedAt, ...data } = report;
      // The same checks as at ingest, against the receipt time: a message that slipped past (an
      // older ingest, an archive replay) still never moves a figure.
      const issues = checkMessage({ type: 'progress.submitted', timestamp, data }, { receivedAt: new Date(receivedAt) });
      if (issues.length > 0) throw new UnappliableMessageError(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
      const result = await deps.writer.applyProgress(report);
      deps.metrics?.count('ReportsApplied', { Outcome: result.outcome });
      return result;
    },
  });
}
