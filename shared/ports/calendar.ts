import type { CalendarOverrideYear } from '../calendar/overrides.js';

/**
 * Holiday overrides loaded at run time (in AWS: table items under `CALENDAR#override`), so that the
 * operator can add a year's holidays without a build. They win over the build's file and the package.
 */
export interface CalendarOverrideSource {
  /** Every year entry; throws `CalendarOverrideError` when one is not valid. */
  load(): Promise<CalendarOverrideYear[]>;
}
