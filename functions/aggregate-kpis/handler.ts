import { lambdaFunction } from '../../shared/adapters/aws/lambda-function.js';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge-bus.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../../shared/plan/amender.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoSnapshotStore } from '../../shared/adapters/dynamodb/snapshot-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { systemClock } from '../../shared/time/clocks.js';
import { createAggregateKpisHandler } from './app.js';

const { env, tracing, logger, wrap } = await lambdaFunction('aggregate-kpis');
const doc = tracing.capture(documentClient());
const tableName = env.TABLE_NAME;
const state = new DynamoStateStore(doc, tableName);

export const handler = wrap(
  createAggregateKpisHandler({
    reader: state,
    auditTrail: state,
    reviews: new DynamoReviewStore(doc, tableName),
    amender: planAmender(new DynamoAmendmentStore(doc, tableName), { ttlMs: 0 }),
    snapshots: new DynamoSnapshotStore(doc, tableName),
    bus: new EventBridgeBus(tracing.capture(new EventBridgeClient({})), env.EVENT_BUS_NAME),
    clock: systemClock,
    logger,
  }),
);
