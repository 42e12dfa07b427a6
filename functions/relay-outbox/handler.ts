import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge-bus.js';
import { parseFunctionEnv } from '../../shared/config/env.js';
import { createRelayOutboxHandler } from './app.js';

const env = parseFunctionEnv('relay-outbox', process.env);
const logger = new Logger({ serviceName: 'relay-outbox' });

export const handler = middy(createRelayOutboxHandler({ bus: new EventBridgeBus(new EventBridgeClient({}), env.EVENT_BUS_NAME), logger })).use(
  injectLambdaContext(logger),
);
