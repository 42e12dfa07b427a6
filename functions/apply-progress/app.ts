import type { Logger } from '@aws-lambda-powertools/logger';
import { ProgressSubmittedDetail } from '../../events/schemas.js';
import { checkMessageAsAmended } from '../../shared/ingest/message-checks.js';
import { baselineOnly, type PlanAmender } from '../../shared/plan/amender.js';
import type { ProgressWriter } from '../../shared/ports/state.js';
import { createEventConsumer, UnappliableMessageError } from '../lib/event-consumer.js';

export interface ApplyProgressDeps {
  writer: ProgressWriter;
  logger: Logger;
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
    onFailure: deps.onFailure,
    apply: async (report) => {
      const { timestamp, sourceId: _s, webhookId: _w, receivedAt, ...data } = report;
      // The same checks as at ingest, against the receipt time: a message that slipped past (an
      // older ingest, an archive replay) still never moves a figure.
      const issues = await checkMessageAsAmended({ type: 'progress.submitted', timestamp, data }, { receivedAt: new Date(receivedAt), amender: deps.amender ?? baselineOnly });
      if (issues.length > 0) throw new UnappliableMessageError(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
      return deps.writer.applyProgress(report);
    },
  });
}
