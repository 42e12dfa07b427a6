import { lambdaFunction } from '../../shared/adapters/aws/lambda-function.js';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge-bus.js';
import { createRelayOutboxHandler } from './app.js';

const { env, tracing, logger, wrap } = await lambdaFunction('relay-outbox');

export const handler = wrap(
  createRelayOutboxHandler({ bus: new EventBridgeBus(tracing.capture(new EventBridgeClient({})), env.EVENT_BUS_NAME), logger }),
);
