import type { Logger } from '@aws-lambda-powertools/logger';
import { EventRegisteredDetail } from '../../events/schemas.js';
import { checkPlanReferences } from '../../shared/ingest/plan-references.js';
import type { EventWriter } from '../../shared/ports/state.js';
import { createEventConsumer, UnappliableMessageError } from '../lib/event-consumer.js';

export interface RegisterEventDeps {
  writer: EventWriter;
  logger: Logger;
  onFailure?: (messageId: string, reason: string) => void;
}

/** Consumes `event.registered`: upsert by (source, eventId), the latest `timestamp` wins. */
export function createRegisterEventHandler(deps: RegisterEventDeps) {
  return createEventConsumer({
    name: 'register-event',
    detail: EventRegisteredDetail,
    logger: deps.logger,
    onFailure: deps.onFailure,
    apply: async (event) => {
      const { timestamp, ...data } = event;
      const issues = checkPlanReferences({ type: 'event.registered', timestamp, data });
      if (issues.length > 0) throw new UnappliableMessageError(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
      return deps.writer.registerEvent(event);
    },
  });
}
