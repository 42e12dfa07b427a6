import type { Logger } from '@aws-lambda-powertools/logger';
import { ProgressSubmittedDetail } from '../../events/schemas.js';
import { checkPlanReferences } from '../../shared/ingest/plan-references.js';
import type { ProgressWriter } from '../../shared/ports/state.js';
import { createEventConsumer, UnappliableMessageError } from '../lib/event-consumer.js';

export interface ApplyProgressDeps {
  writer: ProgressWriter;
  logger: Logger;
  onFailure?: (messageId: string, reason: string) => void;
}

/** Consumes `progress.submitted`: audit row, unit figures, unit task status, period marker — exactly once in effect. */
export function createApplyProgressHandler(deps: ApplyProgressDeps) {
  return createEventConsumer({
    name: 'apply-progress',
    detail: ProgressSubmittedDetail,
    logger: deps.logger,
    onFailure: deps.onFailure,
    apply: async (report) => {
      const { timestamp, ...data } = report;
      const issues = checkPlanReferences({ type: 'progress.submitted', timestamp, data });
      if (issues.length > 0) throw new UnappliableMessageError(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
      return deps.writer.applyProgress(report);
    },
  });
}
