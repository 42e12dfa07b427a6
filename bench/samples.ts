import type { EventRegisteredDetail, ProgressSubmittedDetail } from '../events/schemas.js';
import { progressReport, sportsEvent } from '../tests/helpers/reports.js';

/** A one-metric progress event as the consumer receives it. */
export function progressEvent(i: number, o: { orgId: string; kpiValue: number }): ProgressSubmittedDetail {
  return progressReport({ orgId: o.orgId, webhookId: `msg_sample_${i}`, metrics: [{ kpiId: 'sports-clubs', value: o.kpiValue }] });
}

export function registeredEvent(i: number): EventRegisteredDetail {
  return sportsEvent({ eventId: `evt-${i}`, webhookId: `msg_evt_${i}`, status: 'held' });
}
