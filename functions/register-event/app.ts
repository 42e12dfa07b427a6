import { EventRegisteredDetail } from '../../events/schemas.js';
import type { PlanAmender } from '../../shared/plan/amender.js';
import type { MetricsRecorder } from '../../shared/ports/metrics.js';
import type { EventWriter } from '../../shared/ports/state.js';
import type { Logger } from '../../shared/ports/logger.js';
import { assertAppliable, createEventConsumer } from '../../shared/adapters/lambda/event-consumer.js';

export interface RegisterEventDeps {
  writer: EventWriter;
  logger: Logger;
  /** `DeadLetters`. */
  metrics?: MetricsRecorder;
  onFailure?: (messageId: string, reason: string) => void;
  /** The plan as amended on the day of receipt, for the checks (default: the baseline only). */
  amender?: PlanAmender;
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
      await assertAppliable({ type: 'event.registered', detail: event }, deps.amender);
      return deps.writer.registerEvent(event);
    },
  });
}
