import { lambdaFunction } from '../../shared/adapters/aws/lambda-function.js';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { SecretsSourceRegistry } from '../../shared/adapters/aws/secrets-source-registry.js';
import { EmfMetrics, publishMetrics } from '../../shared/adapters/metrics/emf.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../../shared/plan/amender.js';
import { DynamoIntake } from '../../shared/adapters/dynamodb/intake.js';
import { DynamoRateBudget } from '../../shared/adapters/dynamodb/rate-budget.js';
import { rateLimiterFor, tokenBucket } from '../../shared/ingest/rate-limiter.js';
import { bothLimits, sharedRateLimiter } from '../../shared/ingest/shared-rate-limiter.js';
import { systemClock } from '../../shared/time/clocks.js';
import { createIngestWebhookHandler } from './app.js';
import { countWebhookOutcomes } from './outcomes.js';

const { env, tracing, logger, wrap } = await lambdaFunction('ingest-webhook');
const metrics = new EmfMetrics('ingest-webhook');

const doc = tracing.capture(documentClient());

const sources = new SecretsSourceRegistry(tracing.capture(new SecretsManagerClient({})), env.SOURCES_SECRET_ARN, undefined, undefined, {
  // Serve the last good copy and say so: a metric with an alarm (infra/constructs/monitoring.ts).
  onStale: ({ error, staleForMs }) => {
    logger.warn('sources secret refresh failed; serving the last good copy', { error: `${error.name}: ${error.message}`, staleForMs });
    metrics.count('SourcesRefreshFailed', {}, 1, { staleForMs });
  },
});

const app = createIngestWebhookHandler({
  sources,
  intake: new DynamoIntake(doc, env.TABLE_NAME),
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
          onStoreError: (err) =>
            logger.warn('shared rate budget unavailable; admitting on the instance limit', {
              error: err instanceof Error ? err.name : String(err),
            }),
        }),
      )
    : rateLimiterFor(undefined),
});

export const handler = wrap(countWebhookOutcomes(app, { metrics, sources }), publishMetrics(metrics));
