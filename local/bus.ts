import { BusPublishError } from '../shared/adapters/errors.js';
import type { BusEvent, EventBus } from '../shared/ports/bus.js';
import { queuesFor, type QueueName } from '../shared/routing.js';
import { EVENT_SOURCE } from '../events/schemas.js';
import type { LocalQueue } from './queue.js';
import { eventBridgeEnvelope } from './sqs-event.js';

export interface LocalBusOptions {
  queues: Record<QueueName, LocalQueue>;
  region: string;
  /** Share of entries to fail, like failed PutEvents entries (FAULTS=eventbridge:x). */
  faultShare?: number;
  random?: () => number;
  /** Stamps the envelope's `time`: the real clock, as EventBridge does. */
  now?: () => Date;
}

/**
 * The in-process EventBridge: routes each event by detail-type with the same table `infra/` builds
 * its rules from, wraps it in an EventBridge envelope and sends it to each target queue. Resolves
 * once every entry is fsync'd onto its queues; an event no rule matches is dropped, as EventBridge does.
 */
export class LocalEventBus implements EventBus {
  published = 0;

  constructor(private readonly options: LocalBusOptions) {}

  async publish(events: readonly BusEvent[]): Promise<void> {
    const { queues, region, faultShare = 0, random = Math.random, now = () => new Date() } = this.options;
    let failed = 0;
    const sends: Array<Promise<string>> = [];
    for (const event of events) {
      if (faultShare > 0 && random() < faultShare) {
        failed++;
        continue;
      }
      const body = JSON.stringify(
        eventBridgeEnvelope({ detailType: event.detailType, detail: event.detail, source: EVENT_SOURCE, region, time: now() }),
      );
      for (const q of queuesFor(event.detailType)) sends.push(queues[q].send(body));
    }
    await Promise.all(sends);
    this.published += events.length - failed;
    if (failed > 0)
      throw new BusPublishError(
        `Injected fault: ${failed} of ${events.length} entries were not put on the bus (ThrottlingException)`,
        failed,
      );
  }
}
