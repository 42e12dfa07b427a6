import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createTableInput } from '../../shared/adapters/dynamodb/table-definition.js';

/** A fresh table in the run's DynamoDB Local, from the same definition infra/ uses. */
export async function createTestTable(): Promise<{
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  drop: () => Promise<void>;
}> {
  const endpoint = inject('dynamodbEndpoint');
  const client = new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const tableName = `t-${randomUUID()}`;
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    client,
    doc,
    tableName,
    drop: async () => {
      await client.send(new DeleteTableCommand({ TableName: tableName }));
      client.destroy();
    },
  };
}
