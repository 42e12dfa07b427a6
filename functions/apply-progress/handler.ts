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
import { createApplyProgressHandler } from './app.js';

const env = parseFunctionEnv('apply-progress', process.env);
// X-Ray, when the stack is bundled with tracing on (CDK context `tracing`); otherwise not even in the bundle.
const tracing = await loadTracing('apply-progress');
const logger = new Logger({ serviceName: 'apply-progress' });
const metrics = new EmfMetrics('apply-progress');

const doc = tracing.capture(documentClient());

export const handler = middy(
  createApplyProgressHandler({
    writer: new DynamoStateStore(doc, env.TABLE_NAME),
    logger,
    metrics,
    amender: planAmender(new DynamoAmendmentStore(doc, env.TABLE_NAME)),
  }),
)
  .use(tracing.middlewares)
  .use(injectLambdaContext(logger))
  .use(publishMetrics(metrics));
