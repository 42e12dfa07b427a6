import { lambdaFunction } from '../../shared/adapters/aws/lambda-function.js';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../../shared/plan/amender.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { EmfMetrics, publishMetrics } from '../../shared/adapters/metrics/emf.js';
import { createRegisterEventHandler } from './app.js';

const { env, tracing, logger, wrap } = await lambdaFunction('register-event');
const metrics = new EmfMetrics('register-event');

const doc = tracing.capture(documentClient());

export const handler = wrap(
  createRegisterEventHandler({
    writer: new DynamoStateStore(doc, env.TABLE_NAME),
    logger,
    metrics,
    amender: planAmender(new DynamoAmendmentStore(doc, env.TABLE_NAME)),
  }),
  publishMetrics(metrics),
);
