import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { documentClient, requireEnv } from '../../shared/adapters/aws/clients.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { createRegisterEventHandler } from './app.js';

const logger = new Logger({ serviceName: 'register-event' });

export const handler = middy(createRegisterEventHandler({ writer: new DynamoStateStore(documentClient(), requireEnv('TABLE_NAME')), logger })).use(
  injectLambdaContext(logger),
);
