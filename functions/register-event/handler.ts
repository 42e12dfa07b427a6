import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { loadTracing } from '../../shared/adapters/aws/tracing.js';
import { parseFunctionEnv } from '../../shared/config/env.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../../shared/plan/amender.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { EmfMetrics, publishMetrics } from '../../shared/adapters/metrics/emf.js';
import { createRegisterEventHandler } from './app.js';

const env = parseFunctionEnv('register-event', process.env);
// X-Ray, when the stack is bundled with tracing on (CDK context `tracing`); otherwise not even in the bundle.
const tracing = await loadTracing('register-event');
const logger = new Logger({ serviceName: 'register-event' });
const metrics = new EmfMetrics('register-event');

const doc = tracing.capture(documentClient());

export const handler = middy(
  createRegisterEventHandler({
    writer: new DynamoStateStore(doc, env.TABLE_NAME),
    logger,
    metrics,
    amender: planAmender(new DynamoAmendmentStore(doc, env.TABLE_NAME)),
  }),
)
  .use(tracing.middlewares)
  .use(injectLambdaContext(logger))
  .use(publishMetrics(metrics));
