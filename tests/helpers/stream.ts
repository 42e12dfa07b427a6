import { inject } from 'vitest';
import { DescribeTableCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { busEventOf, isOutboxInsert } from '../../shared/adapters/dynamodb/outbox.js';
import type { BusEvent } from '../../shared/ports/bus.js';
import { dynamoDbStream } from '../../local/stream.js';

/**
 * What the relay would put on the bus for a test table: every record of its stream in DynamoDB Local
 * (from TRIM_HORIZON, every shard), filtered as the event source mapping filters (`isOutboxInsert`)
 * and mapped as relay-outbox maps them (`busEventOf`).
 */
export async function relayedEvents(table: { client: DynamoDBClient; tableName: string }): Promise<BusEvent[]> {
  const streams = new DynamoDBStreamsClient({
    endpoint: inject('dynamodbEndpoint'),
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    const streamArn = (await table.client.send(new DescribeTableCommand({ TableName: table.tableName }))).Table!.LatestStreamArn!;
    const source = dynamoDbStream(streams, streamArn, 'local');
    const events: BusEvent[] = [];
    for (const shard of await source.shards()) {
      let iterator: string | undefined = await source.iterator(shard.shardId);
      for (let i = 0; iterator && i < 20; i++) {
        const page = await source.records(iterator, 1000);
        for (const r of page.records) {
          if (!isOutboxInsert(r)) continue;
          events.push(busEventOf(unmarshall(r.dynamodb!.NewImage as Record<string, AttributeValue>))!);
        }
        if (page.records.length === 0) break;
        iterator = page.next;
      }
    }
    return events;
  } finally {
    streams.destroy();
  }
}
