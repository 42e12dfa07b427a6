import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { parseFunctionEnv } from '../../shared/config/env.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { EmfMetrics, publishMetrics } from '../../shared/adapters/metrics/emf.js';
import { createApplyProgressHandler } from './app.js';

const env = parseFunctionEnv('apply-progress', process.env);
const logger = new Logger({ serviceName: 'apply-progress' });
const metrics = new EmfMetrics('apply-progress');

export const handler = middy(createApplyProgressHandler({ writer: new DynamoStateStore(documentClient(), env.TABLE_NAME), logger, metrics }))
  .use(injectLambdaContext(logger))
  .use(publishMetrics(metrics));
