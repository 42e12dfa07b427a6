import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { parseFunctionEnv } from '../../shared/config/env.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../../shared/plan/amender.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { createApplyProgressHandler } from './app.js';

const env = parseFunctionEnv('apply-progress', process.env);
const logger = new Logger({ serviceName: 'apply-progress' });

const doc = documentClient();

export const handler = middy(
  createApplyProgressHandler({ writer: new DynamoStateStore(doc, env.TABLE_NAME), logger, amender: planAmender(new DynamoAmendmentStore(doc, env.TABLE_NAME)) }),
).use(
  injectLambdaContext(logger),
);
