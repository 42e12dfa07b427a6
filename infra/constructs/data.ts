import { AttributeType, BillingMode, StreamViewType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { TABLE_KEYS, TTL_ATTRIBUTE } from '../../shared/adapters/dynamodb/table-definition.js';
import type { StageConfig } from '../config.js';

export interface DataProps {
  readonly config: StageConfig;
}

/**
 * The one table of the single-table design (docs/data-model.md): `pk`/`sk` strings, TTL on
 * `expiresAt`, on demand, point-in-time recovery, no secondary index (every access pattern is a
 * GetItem, a Query on one partition or a BatchGetItem), and a stream of new images: the outbox
 * records ingest stores reach the bus from it (Pipeline, relay-outbox).
 */
export class Data extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    const { config } = props;
    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      stream: StreamViewType.NEW_IMAGE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: config.tableDeletionProtection,
      removalPolicy: config.dataRemovalPolicy,
    });
  }
}
