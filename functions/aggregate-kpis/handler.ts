import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { loadTracing } from '../../shared/adapters/aws/tracing.js';
import { parseFunctionEnv } from '../../shared/config/env.js';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge-bus.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../../shared/plan/amender.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoSnapshotStore } from '../../shared/adapters/dynamodb/snapshot-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { systemClock } from '../../shared/time/clocks.js';
import { createAggregateKpisHandler } from './app.js';

const env = parseFunctionEnv('aggregate-kpis', process.env);
// X-Ray, when the stack is bundled with tracing on (CDK context `tracing`); otherwise not even in the bundle.
const tracing = await loadTracing('aggregate-kpis');
const logger = new Logger({ serviceName: 'aggregate-kpis' });
const doc = tracing.capture(documentClient());
const tableName = env.TABLE_NAME;
const state = new DynamoStateStore(doc, tableName);

export const handler = middy(
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
)
  .use(tracing.middlewares)
  .use(injectLambdaContext(logger));
