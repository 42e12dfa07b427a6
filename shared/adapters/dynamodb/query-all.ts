import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { capacityOption, type CapacityMeter } from './capacity.js';

/** Every item of a Query, page after page (metered per page when a meter is given). */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  meter: CapacityMeter | undefined,
  operation: string,
  input: Omit<QueryCommandInput, 'TableName'>,
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({ TableName: tableName, ...input, ExclusiveStartKey: startKey, ...capacityOption(meter) }));
    meter?.record(operation, 'read', out.ConsumedCapacity);
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}
