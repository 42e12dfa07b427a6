import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CalendarOverrideYear } from '../../calendar/overrides.js';
import { CalendarOverrideError } from '../../config/errors.js';
import type { CalendarOverrideSource } from '../../ports/calendar.js';
import { capacityOption, type CapacityMeter } from './capacity.js';
import { CALENDAR_OVERRIDE_PK } from './keys.js';

export { CALENDAR_OVERRIDE_PK };
/** One item per year in the holiday overrides' partition (docs/reminders.md, "Holiday calendar"). */
export const calendarOverrideSk = (year: number) => `YEAR#${year}`;

/**
 * Reads the holiday overrides the operator put in the table: items `CALENDAR#override` / `YEAR#<year>`
 * whose `entry` is the year's JSON exactly as in config/holidays-override.json (one shape for the file
 * and the table, checked by the same schema). One Query per run: a handful of small items.
 */
export class DynamoCalendarOverrides implements CalendarOverrideSource {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly meter?: CapacityMeter,
  ) {}

  async load(): Promise<CalendarOverrideYear[]> {
    const rows: Array<Record<string, unknown>> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': CALENDAR_OVERRIDE_PK },
          ExclusiveStartKey: startKey,
          ...capacityOption(this.meter),
        }),
      );
      this.meter?.record('queryCalendarOverrides', 'read', out.ConsumedCapacity);
      rows.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return rows.map(parseRow);
  }
}

function parseRow(row: Record<string, unknown>): CalendarOverrideYear {
  const sk = String(row.sk);
  if (typeof row.entry !== 'string')
    throw new CalendarOverrideError(`${CALENDAR_OVERRIDE_PK} ${sk}: attribute entry (a JSON string) is missing`);
  let json: unknown;
  try {
    json = JSON.parse(row.entry);
  } catch {
    throw new CalendarOverrideError(`${CALENDAR_OVERRIDE_PK} ${sk}: entry is not JSON`);
  }
  const parsed = CalendarOverrideYear.safeParse(json);
  if (!parsed.success) {
    throw new CalendarOverrideError(
      `${CALENDAR_OVERRIDE_PK} ${sk}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  // The sort key names the year: an entry filed under another year is a copy-paste slip.
  if (sk !== calendarOverrideSk(parsed.data.year))
    throw new CalendarOverrideError(`${CALENDAR_OVERRIDE_PK} ${sk}: entry is for ${parsed.data.year}`);
  return parsed.data;
}
