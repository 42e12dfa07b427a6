import { createSendRemindersHandler } from '../functions/send-reminders/app.js';
import { DynamoReminderStore } from '../shared/adapters/dynamodb/reminder-store.js';
import { DynamoReviewStore } from '../shared/adapters/dynamodb/review-store.js';
import { DynamoStateStore } from '../shared/adapters/dynamodb/state-store.js';
import { fixedClock } from '../shared/time/clocks.js';
import type { ReminderRun } from './capacity.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** One reminder run with its DynamoDB capacity metered (a no-op bus: delivery is not measured here). */
export function reminderRunner(): ReminderRun {
  return async (doc, tableName, meter, now) => {
    const handler = createSendRemindersHandler({
      reader: new DynamoStateStore(doc, tableName, meter),
      reviews: new DynamoReviewStore(doc, tableName, meter),
      store: new DynamoReminderStore(doc, tableName, meter),
      bus: { publish: async () => {} },
      clock: fixedClock(now),
      logger: silent,
    });
    await handler({ planId: 'jining-sports-2023', now });
  };
}
