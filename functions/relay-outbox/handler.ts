import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge-bus.js';
import { loadTracing } from '../../shared/adapters/aws/tracing.js';
import { parseFunctionEnv } from '../../shared/config/env.js';
import { createRelayOutboxHandler } from './app.js';

const env = parseFunctionEnv('relay-outbox', process.env);
// X-Ray, when the stack is bundled with tracing on (CDK context `tracing`); otherwise not even in the bundle.
const tracing = await loadTracing('relay-outbox');
const logger = new Logger({ serviceName: 'relay-outbox' });

export const handler = middy(
  createRelayOutboxHandler({ bus: new EventBridgeBus(tracing.capture(new EventBridgeClient({})), env.EVENT_BUS_NAME), logger }),
)
  .use(tracing.middlewares)
  .use(injectLambdaContext(logger));
