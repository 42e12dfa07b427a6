import { lambdaFunction } from '../../shared/adapters/aws/lambda-function.js';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { documentClient } from '../../shared/adapters/aws/clients.js';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge-bus.js';
import { DynamoCalendarOverrides } from '../../shared/adapters/dynamodb/calendar-overrides.js';
import { EmfMetrics, publishMetrics } from '../../shared/adapters/metrics/emf.js';
import { DynamoReminderStore } from '../../shared/adapters/dynamodb/reminder-store.js';
import { DynamoAmendmentStore } from '../../shared/adapters/dynamodb/amendment-store.js';
import { planAmender } from '../../shared/plan/amender.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { systemClock } from '../../shared/time/clocks.js';
import { createSendRemindersHandler } from './app.js';

const { env, tracing, logger, wrap } = await lambdaFunction('send-reminders');
const metrics = new EmfMetrics('send-reminders');
const tableName = env.TABLE_NAME;
const doc = tracing.capture(documentClient());

const app = createSendRemindersHandler({
  reader: new DynamoStateStore(doc, tableName),
  reviews: new DynamoReviewStore(doc, tableName),
  amender: planAmender(new DynamoAmendmentStore(doc, tableName), { ttlMs: 0 }),
  store: new DynamoReminderStore(doc, tableName),
  calendarOverrides: new DynamoCalendarOverrides(doc, tableName),
  bus: new EventBridgeBus(tracing.capture(new EventBridgeClient({})), env.EVENT_BUS_NAME),
  clock: systemClock,
  logger,
  metrics,
});

/** Invoked by the 09:00 Asia/Shanghai schedule (`{}`) or manually (`{ planId?, now? }`). */
export const handler = wrap(app, publishMetrics(metrics));
