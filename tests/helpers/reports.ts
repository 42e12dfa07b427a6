import {
  EventRegisteredEnvelope,
  ProgressSubmittedEnvelope,
  type EventRegisteredDetail,
  type ProgressSubmittedDetail,
  type ReviewRecordedDetail,
} from '../../events/schemas.js';
import type { PlanAmendment } from '../../shared/plan/amendment.js';
import progressSample from '../../events/samples/valid/progress-t08-rencheng-clubs.json' with { type: 'json' };
import eventSample from '../../events/samples/valid/event-marathon-2023-planned.json' with { type: 'json' };

/**
 * Bus details (validated data + receipt) with sensible defaults, for tests (test data, not a
 * contract, so they stay out of events/).
 * The defaults are the contract's samples that the OpenAPI document shows as its webhook examples
 * (events/samples/valid), parsed here so a sample that stops being valid fails loudly: one text of
 * the sample report, not a copy per use.
 */
const PROGRESS = ProgressSubmittedEnvelope.parse(progressSample);
const EVENT = EventRegisteredEnvelope.parse(eventSample);

/** A valid progress report detail (as on the bus) with sensible defaults. */
export function progressReport(overrides: Partial<ProgressSubmittedDetail> = {}): ProgressSubmittedDetail {
  const reportedAt = overrides.reportedAt ?? PROGRESS.data.reportedAt;
  return {
    // A copy: a test that edits a default's metrics or evidence must not change the next one's.
    ...structuredClone(PROGRESS.data),
    sourceId: 'rencheng',
    webhookId: 'msg_1',
    // Received a second after it was made, unless said otherwise: the consumers refuse a report
    // made later than its receipt.
    receivedAt: afterOneSecond(reportedAt),
    timestamp: reportedAt,
    ...overrides,
  };
}

export function sportsEvent(overrides: Partial<EventRegisteredDetail> = {}): EventRegisteredDetail {
  const timestamp = overrides.timestamp ?? EVENT.timestamp;
  return {
    ...structuredClone(EVENT.data),
    // The tests' short id (they name it in keys); the sample's own is a registry number.
    eventId: 'evt-1',
    sourceId: 'mass-sports',
    webhookId: 'msg_e1',
    receivedAt: afterOneSecond(timestamp),
    timestamp,
    ...overrides,
  };
}

/** The office's decision on T22's claim (销号 by default), as stored and as on the bus (`review.recorded`). */
export function reviewDecision(overrides: Partial<ReviewRecordedDetail> = {}): ReviewRecordedDetail {
  return {
    planId: 'jining-sports-2023',
    taskId: 'T22',
    orgId: 'jn-sports-economy',
    claim: { reportedAt: '2023-11-20T10:00:00+08:00', sourceId: 'sports-economy', webhookId: 'msg_claim' },
    decision: 'approve',
    state: 'approved',
    comment: null,
    decidedAt: '2023-11-21T02:00:00.000Z',
    decidedBy: 'jwt:u-1',
    ...overrides,
  };
}

/** A plan amendment (T08-M1's date confirmed), as stored and as on the bus (`plan.amended`). */
export function planAmendment(overrides: Partial<PlanAmendment> = {}): PlanAmendment {
  return {
    planId: 'jining-sports-2023',
    version: 2,
    effectiveFrom: '2023-07-03',
    reason: '督查室确认',
    changes: [{ op: 'confirm_milestone', milestoneId: 'T08-M1' }],
    amendedAt: '2023-07-03T02:00:00.000Z',
    amendedBy: 'jwt:a',
    ...overrides,
  };
}

function afterOneSecond(instant: string): string {
  return new Date(Date.parse(instant) + 1000).toISOString();
}

/** An SQS record carrying an EventBridge envelope, as the queue delivers it. */
export function sqsRecord(detailType: string, detail: unknown, messageId = `m-${Math.random().toString(36).slice(2)}`, receiveCount = 1) {
  const envelope = {
    version: '0',
    id: `e-${messageId}`,
    'detail-type': detailType,
    source: 'jining.supervision',
    account: '000000000000',
    time: '2023-06-20T02:00:01Z',
    region: 'cn-north-1',
    resources: [],
    detail,
  };
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: JSON.stringify(envelope),
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
      SentTimestamp: '1687226401000',
      SenderId: 'events',
      ApproximateFirstReceiveTimestamp: '1687226401000',
    },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:cn-north-1:000000000000:progress',
    awsRegion: 'cn-north-1',
  };
}
