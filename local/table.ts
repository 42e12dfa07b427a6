import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { STREAM_SPECIFICATION, createTableInput } from '../shared/adapters/dynamodb/table-definition.js';

/**
 * Creates the table from the definition `infra/` uses, unless it exists (a table from before the
 * stream gets its stream); resolves with its stream's ARN once the table is ACTIVE.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<{ table: 'created' | 'exists'; streamArn: string }> {
  let table: 'created' | 'exists' = 'exists';
  try {
    const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!d.Table?.StreamSpecification?.StreamEnabled) {
      await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: STREAM_SPECIFICATION }));
    }
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    await client.send(new CreateTableCommand(createTableInput(tableName)));
    table = 'created';
  }
  for (let i = 0; i < 100; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (d.Table?.TableStatus === 'ACTIVE' && d.Table.LatestStreamArn) return { table, streamArn: d.Table.LatestStreamArn };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`table ${tableName} did not become ACTIVE with a stream`);
}
