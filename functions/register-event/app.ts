import { EventRegisteredDetail } from '../../events/schemas.js';
import type { MetricsRecorder } from '../../shared/ports/metrics.js';
import type { EventWriter } from '../../shared/ports/state.js';
import type { JobLogger } from '../../shared/reminders/logger.js';
import { assertAppliable, createEventConsumer } from '../lib/event-consumer.js';

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
      assertAppliable({ type: 'event.registered', detail: event });
      return deps.writer.registerEvent(event);
    },
  });
}
