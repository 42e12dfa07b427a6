import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge-bus.js';
import { DynamoReminderStore } from '../../shared/adapters/dynamodb/reminder-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import { systemClock } from '../../shared/ports/clock.js';
import { createSendRemindersHandler } from './app.js';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

const logger = new Logger({ serviceName: 'send-reminders' });
const tableName = requiredEnv('TABLE_NAME');
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

const app = createSendRemindersHandler({
  reader: new DynamoStateStore(doc, tableName),
  store: new DynamoReminderStore(doc, tableName),
  bus: new EventBridgeBus(new EventBridgeClient({}), requiredEnv('EVENT_BUS_NAME')),
  clock: systemClock,
  logger,
});

/** Invoked by the 09:00 Asia/Shanghai schedule (`{}`) or manually (`{ planId?, now? }`). */
export const handler = middy(app).use(injectLambdaContext(logger));
