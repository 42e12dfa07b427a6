export { progressReport, sportsEvent } from '../../events/factories.js';

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
