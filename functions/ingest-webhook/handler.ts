import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { parseFunctionEnv } from '../../shared/config/env.js';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge-bus.js';
import { SecretsSourceRegistry } from '../../shared/adapters/aws/secrets-source-registry.js';
import { DynamoWebhookReceipts } from '../../shared/adapters/dynamodb/webhook-receipts.js';
import { rateLimiterFor } from '../../shared/ingest/rate-limiter.js';
import { systemClock } from '../../shared/ports/clock.js';
import { createIngestWebhookHandler } from './app.js';

const env = parseFunctionEnv('ingest-webhook', process.env);
const logger = new Logger({ serviceName: 'ingest-webhook' });

const app = createIngestWebhookHandler({
  sources: new SecretsSourceRegistry(new SecretsManagerClient({}), env.SOURCES_SECRET_ARN),
  receipts: new DynamoWebhookReceipts(documentClient(), env.TABLE_NAME),
  bus: new EventBridgeBus(new EventBridgeClient({}), env.EVENT_BUS_NAME),
  clock: systemClock,
  logger,
  rateLimiter: rateLimiterFor(env.rateLimit),
});

export const handler = middy(app).use(injectLambdaContext(logger));
