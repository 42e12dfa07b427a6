import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSendRemindersHandler } from '../../functions/send-reminders/app.js';
import { CALENDAR_OVERRIDE_PK, DynamoCalendarOverrides, calendarOverrideSk } from '../../shared/adapters/dynamodb/calendar-overrides.js';
import { DynamoReminderStore } from '../../shared/adapters/dynamodb/reminder-store.js';
import { DynamoReviewStore } from '../../shared/adapters/dynamodb/review-store.js';
import { DynamoStateStore } from '../../shared/adapters/dynamodb/state-store.js';
import type { CalendarOverrideYearInput } from '../../shared/calendar/overrides.js';
import { CalendarOverrideError } from '../../shared/config/errors.js';
import { fixedClock } from '../../shared/time/clocks.js';
import { createTestTable } from '../helpers/dynamodb.js';
import { RecordingBus, recordingLogger, testPlan } from '../unit/reminders.fakes.js';

/** Point 14 of issue 14: the operator's table item, read by send-reminders at run time. */

let table: Awaited<ReturnType<typeof createTestTable>>;

beforeAll(async () => {
  table = await createTestTable();
});

afterAll(async () => {
  await table?.drop();
});

// Fictional dates, for the rule only.
const y2027: CalendarOverrideYearInput = {
  year: 2027,
  source: '测试用：国务院办公厅关于2027年部分节假日安排的通知（虚构）',
  holidays: [{ name: '元旦', from: '2027-01-01', to: '2027-01-03' }],
  workdays: [{ name: '调休上班', date: '2027-01-09' }],
};

async function putEntry(sk: string, entry: unknown): Promise<void> {
  await table.doc.send(
    new PutCommand({
      TableName: table.tableName,
      Item: {
        pk: CALENDAR_OVERRIDE_PK,
        sk,
        entry: typeof entry === 'string' ? entry : JSON.stringify(entry),
        updatedAt: '2026-12-01T08:00:00Z',
      },
    }),
  );
}

describe('DynamoCalendarOverrides (DynamoDB Local)', () => {
  it('reads the year entries put under CALENDAR#override', async () => {
    await putEntry(calendarOverrideSk(2027), y2027);
    const years = await new DynamoCalendarOverrides(table.doc, table.tableName).load();
    expect(years).toEqual([{ ...y2027 }]);
  });

  it('the table item wins at run time: 2027-01-01 (a Friday) is no workday, the make-up Saturday is', async () => {
    const plan = testPlan();
    const run = (overrides: boolean, date: string) =>
      createSendRemindersHandler({
        reader: new DynamoStateStore(table.doc, table.tableName),
        reviews: new DynamoReviewStore(table.doc, table.tableName),
        store: new DynamoReminderStore(table.doc, table.tableName),
        bus: new RecordingBus(),
        clock: fixedClock(`${date}T09:00:00+08:00`),
        logger: recordingLogger(),
        catalog: { getPlan: () => plan, listPlans: () => [plan] },
        ...(overrides ? { calendarOverrides: new DynamoCalendarOverrides(table.doc, table.tableName) } : {}),
      })({});
    // Without the table item the package has no 2027: Monday–Friday.
    expect((await run(false, '2027-01-01')).runs[0]?.workday).toBe(true);
    expect((await run(true, '2027-01-01')).runs[0]?.workday).toBe(false);
    expect((await run(false, '2027-01-09')).runs[0]?.workday).toBe(false);
    expect((await run(true, '2027-01-09')).runs[0]?.workday).toBe(true);
  });

  it.each([
    ['an entry under another year', calendarOverrideSk(2028), y2027, /entry is for 2027/],
    ['an entry that is not JSON', calendarOverrideSk(2029), '{"year": 2029,', /not JSON/],
    [
      'a weekday as make-up workday',
      calendarOverrideSk(2030),
      { ...y2027, year: 2030, holidays: [], workdays: [{ name: 'x', date: '2030-01-07' }] },
      /weekday/,
    ],
  ])('refuses %s, naming the item', async (_why, sk, entry, message) => {
    const isolated = await createTestTable();
    try {
      await isolated.doc.send(
        new PutCommand({
          TableName: isolated.tableName,
          Item: { pk: CALENDAR_OVERRIDE_PK, sk, entry: typeof entry === 'string' ? entry : JSON.stringify(entry) },
        }),
      );
      const load = new DynamoCalendarOverrides(isolated.doc, isolated.tableName).load();
      await expect(load).rejects.toBeInstanceOf(CalendarOverrideError);
      await expect(new DynamoCalendarOverrides(isolated.doc, isolated.tableName).load()).rejects.toThrow(message);
      await expect(new DynamoCalendarOverrides(isolated.doc, isolated.tableName).load()).rejects.toThrow(sk);
    } finally {
      await isolated.drop();
    }
  });
});
