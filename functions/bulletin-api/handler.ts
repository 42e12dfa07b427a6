import { lambdaFunction } from '../../shared/adapters/aws/lambda-function.js';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { EmfMetrics, publishMetrics } from '../../shared/adapters/metrics/emf.js';
import { chineseWorkdayCalendar } from '../../shared/calendar/workdays.js';
import { planAmender } from '../../shared/plan/amender.js';
import { systemClock } from '../../shared/time/clocks.js';
import { createBulletinApiHandler } from './app.js';

const { env, tracing, logger, wrap } = await lambdaFunction('bulletin-api');
const metrics = new EmfMetrics('bulletin-api');
const doc = tracing.capture(documentClient());
const state = new DynamoStateStore(doc, env.TABLE_NAME);

export const handler = wrap(
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
  publishMetrics(metrics),
);
