import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { parseFunctionEnv } from '../../shared/config/env.js';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge-bus.js';
import { DynamoCalendarOverrides } from '../../shared/adapters/dynamodb/calendar-overrides.js';
import { DynamoReminderStore } from '../../shared/adapters/dynamodb/reminder-store.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../../shared/plan/amender.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { systemClock } from '../../shared/ports/clock.js';
import { createSendRemindersHandler } from './app.js';

const env = parseFunctionEnv('send-reminders', process.env);
const logger = new Logger({ serviceName: 'send-reminders' });
const tableName = env.TABLE_NAME;
const doc = documentClient();

const app = createSendRemindersHandler({
  reader: new DynamoStateStore(doc, tableName),
  reviews: new DynamoReviewStore(doc, tableName),
  amender: planAmender(new DynamoAmendmentStore(doc, tableName), { ttlMs: 0 }),
  store: new DynamoReminderStore(doc, tableName),
  calendarOverrides: new DynamoCalendarOverrides(doc, tableName),
  bus: new EventBridgeBus(new EventBridgeClient({}), env.EVENT_BUS_NAME),
  clock: systemClock,
  logger,
});

/** Invoked by the 09:00 Asia/Shanghai schedule (`{}`) or manually (`{ planId?, now? }`). */
export const handler = middy(app).use(injectLambdaContext(logger));
