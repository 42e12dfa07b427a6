import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { parseFunctionEnv } from '../../shared/config/env.js';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge-bus.js';
import { SecretsSourceRegistry, SOURCES_REFRESH_FAILED_METRIC } from '../../shared/adapters/aws/secrets-source-registry.js';
import { emfLine } from '../../shared/reminders/metrics.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../../shared/plan/amender.js';
import { DynamoWebhookReceipts } from '../../shared/adapters/dynamodb/webhook-receipts.js';
import { DynamoRateBudget } from '../../shared/adapters/dynamodb/rate-budget.js';
import { rateLimiterFor, tokenBucket } from '../../shared/ingest/rate-limiter.js';
import { bothLimits, sharedRateLimiter } from '../../shared/ingest/shared-rate-limiter.js';
import { systemClock } from '../../shared/ports/clock.js';
import { createIngestWebhookHandler } from './app.js';

const env = parseFunctionEnv('ingest-webhook', process.env);
const logger = new Logger({ serviceName: 'ingest-webhook' });

const doc = documentClient();

const app = createIngestWebhookHandler({
  sources: new SecretsSourceRegistry(new SecretsManagerClient({}), env.SOURCES_SECRET_ARN, undefined, undefined, {
    // Serve the last good copy and say so: a metric with an alarm (infra/constructs/monitoring.ts).
    onStale: ({ error, staleForMs }) => {
      logger.warn('sources secret refresh failed; serving the last good copy', { error: `${error.name}: ${error.message}`, staleForMs });
      console.log(emfLine({ name: SOURCES_REFRESH_FAILED_METRIC, dimensions: { Service: 'ingest-webhook' }, properties: { staleForMs }, at: new Date() }));
    },
  }),
  receipts: new DynamoWebhookReceipts(doc, env.TABLE_NAME),
  bus: new EventBridgeBus(new EventBridgeClient({}), env.EVENT_BUS_NAME),
  clock: systemClock,
  logger,
  // The unit checks follow the amended plan; amendments are kept a minute per warm instance.
  amender: planAmender(new DynamoAmendmentStore(doc, env.TABLE_NAME)),
  // This instance's bucket first (no write when it already says no), then the budget shared by every
  // instance of the function through the table. SOURCE_RATE_PER_SECOND=0: no limit.
  rateLimiter: env.rateLimit
    ? bothLimits(
        tokenBucket(env.rateLimit),
        sharedRateLimiter({
          store: new DynamoRateBudget(doc, env.TABLE_NAME),
          ratePerSecond: env.rateLimit.ratePerSecond,
          onStoreError: (err) => logger.warn('shared rate budget unavailable; admitting on the instance limit', { error: err instanceof Error ? err.name : String(err) }),
        }),
      )
    : rateLimiterFor(undefined),
});

export const handler = middy(app).use(injectLambdaContext(logger));
