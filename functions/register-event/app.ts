import { EventRegisteredDetail } from '../../events/schemas.js';
import { checkMessage } from '../../shared/ingest/message-checks.js';
import type { MetricsRecorder } from '../../shared/ports/metrics.js';
import type { EventWriter } from '../../shared/ports/state.js';
import type { JobLogger } from '../../shared/reminders/logger.js';
import { createEventConsumer, UnappliableMessageError } from '../lib/event-consumer.js';

export interface RegisterEventDeps {
  writer: EventWriter;
  logger: JobLogger;
  /** `DeadLetters`. */
  metrics?: MetricsRecorder;
  onFailure?: (messageId: string, reason: string) => void;
}

/** Consumes `event.registered`: upsert by (source, eventId), the latest `timestamp` wins. */
export function createRegisterEventHandler(deps: RegisterEventDeps) {
  return createEventConsumer({
    name: 'register-event',
    detail: EventRegisteredDetail,
    logger: deps.logger,
    metrics: deps.metrics,
    onFailure: deps.onFailure,
    apply: async (event) => {
      const { timestamp, sourceId: _s, webhookId: _w, receivedAt, ...data } = event;
      // The same checks as at ingest, against the receipt time: a message that slipped past (an
      // older ingest, an archive replay) still never moves a figure.
      const issues = checkMessage({ type: 'event.registered', timestamp, data }, { receivedAt: new Date(receivedAt) });
      if (issues.length > 0) throw new UnappliableMessageError(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
      return deps.writer.registerEvent(event);
    },
  });
}
