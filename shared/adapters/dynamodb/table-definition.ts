/**
 * The one DynamoDB table (single-table design, see docs/data-model.md). `infra/` and the local
 * runtime both create it from this definition.
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
export const TTL_ATTRIBUTE = 'expiresAt';
/** New images only: the relay reads the outbox records ingest inserts (shared/adapters/dynamodb/outbox.ts). */
export const STREAM_SPECIFICATION = { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' as const };

/** The same definition as a CreateTable input, for DynamoDB Local and tests. */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' as const },
      { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' as const },
    ],
    StreamSpecification: STREAM_SPECIFICATION,
  };
}
