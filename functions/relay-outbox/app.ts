import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Logger } from '../../shared/ports/logger.js';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { busEventOf, isOutboxInsert } from '../../shared/adapters/dynamodb/outbox.js';
import type { BusEvent, EventBus } from '../../shared/ports/bus.js';
import { describeError } from '../../shared/errors.js';

/** PutEvents takes 10 entries a call: the relay publishes in chunks of this size, in stream order. */
export const RELAY_CHUNK = 10;

export interface RelayOutboxDeps {
  bus: EventBus;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/**
 * The table's stream → the bus (the other half of the transactional outbox): each inserted outbox
 * record — a report's audit row, an event message, the office's review decision or plan amendment —
 * is put on the bus as the event it stores, in
 * stream order. When a chunk is not taken, its first record is returned as the batch item failure:
 * Lambda (ReportBatchItemFailures) checkpoints everything before it and retries from it, so a record
 * is published at least once and never skipped; the consumers are idempotent.
 */
export function createRelayOutboxHandler(deps: RelayOutboxDeps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const items: Array<{ sequenceNumber: string; event: BusEvent }> = [];
    for (const record of event.Records) {
      const published = toBusEvent(record);
      if (published) items.push(published);
    }
    for (let i = 0; i < items.length; i += RELAY_CHUNK) {
      const chunk = items.slice(i, i + RELAY_CHUNK);
      try {
        await deps.bus.publish(chunk.map((c) => c.event));
      } catch (err) {
        deps.logger.error('bus did not take the chunk; retrying from its first record', {
          published: i,
          remaining: items.length - i,
          error: describeError(err),
        });
        return { batchItemFailures: [{ itemIdentifier: chunk[0]!.sequenceNumber }] };
      }
    }
    if (items.length > 0) deps.logger.info('relayed', { records: event.Records.length, published: items.length });
    return { batchItemFailures: [] };
  };
}

function toBusEvent(record: DynamoDBRecord): { sequenceNumber: string; event: BusEvent } | undefined {
  if (!isOutboxInsert(record)) return undefined;
  const image = unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>);
  const event = busEventOf(image);
  return event && { sequenceNumber: record.dynamodb!.SequenceNumber ?? '', event };
}
