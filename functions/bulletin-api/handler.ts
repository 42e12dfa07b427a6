import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { chineseWorkdayCalendar } from '../../shared/calendar/workdays.js';
import { parseFunctionEnv } from '../../shared/config/env.js';
import { systemClock } from '../../shared/ports/clock.js';
import { createBulletinApiHandler } from './app.js';

const env = parseFunctionEnv('bulletin-api', process.env);
const logger = new Logger({ serviceName: 'bulletin-api' });
const state = new DynamoStateStore(documentClient(), env.TABLE_NAME);

export const handler = middy(
  createBulletinApiHandler({
    reader: state,
    reports: state,
    clock: systemClock,
    calendar: chineseWorkdayCalendar((year) => logger.warn('no holiday data for year; using Monday–Friday', { year })),
    logger,
  }),
).use(injectLambdaContext(logger));
