import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '../../../events/schemas.js';
import type { BusEvent, EventBus } from '../../ports/bus.js';
import { BusPublishError } from '../errors.js';

/** PutEvents allows 10 entries a call. */
const MAX_ENTRIES = 10;

/** The bus port on an EventBridge custom bus. A failed entry is a failure of the whole publish. */
export class EventBridgeBus implements EventBus {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(events: readonly BusEvent[]): Promise<void> {
    for (let i = 0; i < events.length; i += MAX_ENTRIES) {
      const chunk = events.slice(i, i + MAX_ENTRIES);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: chunk.map((e) => ({
            EventBusName: this.busName,
            Source: EVENT_SOURCE,
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
      const failed = out.FailedEntryCount ?? 0;
      if (failed > 0) {
        const codes = [...new Set((out.Entries ?? []).map((e) => e.ErrorCode).filter(Boolean))].join(', ');
        throw new BusPublishError(`EventBridge rejected ${failed} of ${chunk.length} entries (${codes || 'no error code'})`, failed);
      }
    }
  }
}
