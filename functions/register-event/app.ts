import type { Logger } from '@aws-lambda-powertools/logger';
import { EventRegisteredDetail } from '../../events/schemas.js';
import { checkMessageAsAmended } from '../../shared/ingest/message-checks.js';
import { baselineOnly, type PlanAmender } from '../../shared/plan/amender.js';
import type { EventWriter } from '../../shared/ports/state.js';
import { createEventConsumer, UnappliableMessageError } from '../lib/event-consumer.js';

export interface RegisterEventDeps {
  writer: EventWriter;
  logger: Logger;
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
    onFailure: deps.onFailure,
    apply: async (event) => {
      const { timestamp, sourceId: _s, webhookId: _w, receivedAt, ...data } = event;
      // The same checks as at ingest, against the receipt time: a message that slipped past (an
      // older ingest, an archive replay) still never moves a figure.
      const issues = await checkMessageAsAmended({ type: 'event.registered', timestamp, data }, { receivedAt: new Date(receivedAt), amender: deps.amender ?? baselineOnly });
      if (issues.length > 0) throw new UnappliableMessageError(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
      return deps.writer.registerEvent(event);
    },
  });
}
