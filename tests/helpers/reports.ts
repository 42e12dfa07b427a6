import type { EventRegisteredDetail, ProgressSubmittedDetail } from '../../events/schemas.js';

/**
 * Bus details (validated data + receipt) with sensible defaults, for tests and benchmarks (bench/
 * takes them from here too: they are test data, not a contract, so they stay out of events/).
 */

/** A valid progress report detail (as on the bus) with sensible defaults. */
export function progressReport(overrides: Partial<ProgressSubmittedDetail> = {}): ProgressSubmittedDetail {
  const reportedAt = overrides.reportedAt ?? '2023-06-20T10:00:00+08:00';
  return {
    planId: 'jining-sports-2023',
    taskId: 'T08',
    orgId: '370811',
    reportedAt: '2023-06-20T10:00:00+08:00',
    period: '2023-06',
    status: 'in_progress',
    percentComplete: 40,
    metrics: [{ kpiId: 'sports-clubs', value: 40 }],
    summary: '新增俱乐部5家',
    evidence: [],
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
  const timestamp = overrides.timestamp ?? '2023-10-01T08:00:00+08:00';
  return {
    planId: 'jining-sports-2023',
    eventId: 'evt-1',
    orgId: 'jn-mass-sports',
    name: '2023济宁国际马拉松',
    category: 'marathon',
    level: 'international',
    startDate: '2023-11-05',
    endDate: '2023-11-05',
    venue: '济宁市体育中心',
    taskIds: ['T13'],
    status: 'planned',
    sourceId: 'mass-sports',
    webhookId: 'msg_e1',
    receivedAt: afterOneSecond(timestamp),
    timestamp,
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
