import { PutCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventRegisteredDetail } from '../../../events/schemas.js';
import type { ApplyResult } from '../../ports/state.js';
import { EventCapReachedError } from '../errors.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { isConditionFailure } from './errors.js';
import { MAX_EVENTS_PER_SOURCE, eventCountSk, eventSk, eventsPk, lwwOrder } from './keys.js';
import { assertIsError } from '../../errors.js';

/** The writes of register-event: one item per (source, eventId), and one counter per source and plan. */
export class DynamoEventRegistrar {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
    private readonly maxEventsPerSource = MAX_EVENTS_PER_SOURCE,
  ) {}

  /**
   * An update of a known event is one conditional Put (newer order wins). A new event is a transaction
   * of its Put and its source's counter, so that the counter and the events can never disagree and a
   * source cannot pass MAX_EVENTS_PER_SOURCE.
   */
  async register(event: EventRegisteredDetail): Promise<ApplyResult> {
    const order = lwwOrder(event.timestamp, event.sourceId, event.webhookId);
    const item = { pk: eventsPk(event.planId), sk: eventSk(event.sourceId, event.eventId), kind: 'event', ...event, order };
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await this.putIfKnown(item, order);
      if (existing === 'written') return { outcome: 'applied', changed: 1 };
      if (existing === 'newer') return { outcome: 'unchanged', changed: 0 };
      try {
        const out = await this.doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Update: {
                  TableName: this.tableName,
                  Key: { pk: eventsPk(event.planId), sk: eventCountSk(event.sourceId) },
                  UpdateExpression: 'ADD #n :one SET #kind = :count',
                  ConditionExpression: 'attribute_not_exists(#n) OR #n < :cap',
                  ExpressionAttributeNames: { '#n': 'events', '#kind': 'kind' },
                  ExpressionAttributeValues: { ':one': 1, ':cap': this.maxEventsPerSource, ':count': 'eventCount' },
                },
              },
            ],
            ...capacityOption(this.meter),
          }),
        );
        this.meter?.record('registerNewEvent', 'transactWrite', out.ConsumedCapacity);
        return { outcome: 'applied', changed: 1 };
      } catch (err) {
        const reasons = (err as { name?: string; CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
        assertIsError(err);
        if (err.name !== 'TransactionCanceledException' || !reasons) throw err;
        if (reasons[1]?.Code === 'ConditionalCheckFailed')
          throw new EventCapReachedError(event.sourceId, event.planId, this.maxEventsPerSource);
        // The event appeared meanwhile (a concurrent delivery): go round as an update.
      }
    }
    throw new Error(`event ${event.sourceId}/${event.eventId} kept changing while it was registered`);
  }

  /** Puts the event if it is already stored and older: `written`; stored and newer: `newer`; not stored: `unknown`. */
  private async putIfKnown(item: Record<string, unknown>, order: string): Promise<'written' | 'newer' | 'unknown'> {
    try {
      const out = await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_exists(pk) AND #order < :order',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':order': order },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('putEvent', 'write', out.ConsumedCapacity);
      return 'written';
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      this.meter?.record('putEvent', 'write', (err as { ConsumedCapacity?: undefined }).ConsumedCapacity);
      return (err as { Item?: unknown }).Item ? 'newer' : 'unknown';
    }
  }
}
