import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { loadTracing } from '../../shared/adapters/aws/tracing.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { EmfMetrics, publishMetrics } from '../../shared/adapters/metrics/emf.js';
import { chineseWorkdayCalendar } from '../../shared/calendar/workdays.js';
import { parseFunctionEnv } from '../../shared/config/env.js';
import { planAmender } from '../../shared/plan/amender.js';
import { systemClock } from '../../shared/time/clocks.js';
import { createBulletinApiHandler } from './app.js';

const env = parseFunctionEnv('bulletin-api', process.env);
// X-Ray, when the stack is bundled with tracing on (CDK context `tracing`); otherwise not even in the bundle.
const tracing = await loadTracing('bulletin-api');
const logger = new Logger({ serviceName: 'bulletin-api' });
const metrics = new EmfMetrics('bulletin-api');
const doc = tracing.capture(documentClient());
const state = new DynamoStateStore(doc, env.TABLE_NAME);

export const handler = middy(
  createBulletinApiHandler({
    reader: state,
    reports: state,
    reviews: new DynamoReviewStore(doc, env.TABLE_NAME),
    amender: planAmender(new DynamoAmendmentStore(doc, env.TABLE_NAME), { ttlMs: 0 }),
    clock: systemClock,
    calendar: chineseWorkdayCalendar((year) => {
      logger.warn('no holiday data for year; using Monday–Friday', { year });
      metrics.count('CalendarYearMissing', {}, 1, { year });
    }),
    logger,
  }),
)
  .use(tracing.middlewares)
  .use(injectLambdaContext(logger))
  .use(publishMetrics(metrics));
