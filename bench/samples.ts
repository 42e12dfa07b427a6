import type { EventRegisteredDetail, ProgressSubmittedDetail } from '../events/schemas.js';

/** A one-metric progress event as the consumer receives it. */
export function progressEvent(i: number, o: { orgId: string; kpiValue: number }): ProgressSubmittedDetail {
  return {
    planId: 'jining-sports-2023',
    taskId: 'T08',
    orgId: o.orgId,
    reportedAt: '2023-06-20T10:00:00+08:00',
    period: '2023-06',
    status: 'in_progress',
    percentComplete: 40,
    metrics: [{ kpiId: 'sports-clubs', value: o.kpiValue }],
    summary: '本月新增体育俱乐部5家。',
    evidence: [],
    sourceId: 'rencheng',
    webhookId: `msg_sample_${i}`,
    receivedAt: '2023-06-20T02:00:01.000Z',
    timestamp: '2023-06-20T10:00:00+08:00',
  };
}

export function registeredEvent(i: number): EventRegisteredDetail {
  return {
    planId: 'jining-sports-2023',
    eventId: `evt-${i}`,
    orgId: 'jn-mass-sports',
    name: '2023济宁国际马拉松',
    category: 'marathon',
    level: 'international',
    startDate: '2023-11-05',
    endDate: '2023-11-05',
    venue: '济宁市体育中心',
    taskIds: ['T13'],
    status: 'held',
    sourceId: 'mass-sports',
    webhookId: `msg_evt_${i}`,
    receivedAt: '2023-11-06T00:00:00.000Z',
    timestamp: '2023-11-06T08:00:00+08:00',
  };
}
