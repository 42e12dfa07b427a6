import { createHash, randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import type { ReceivedMessage } from './queue.js';

export const LOCAL_ACCOUNT = '000000000000';

export function queueArn(region: string, queueName: string): string {
  return `arn:aws:sqs:${region}:${LOCAL_ACCOUNT}:${queueName}`;
}

/** A received message as Lambda's SQS event source delivers it. */
export function toSqsRecord(m: ReceivedMessage, region: string, queueName: string): SQSRecord {
  return {
    messageId: m.messageId,
    receiptHandle: m.receiptHandle,
    body: m.body,
    attributes: {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentTimestamp),
      SenderId: 'AROALOCALRUNTIME:events.amazonaws.com',
      ApproximateFirstReceiveTimestamp: String(m.firstReceiveTimestamp ?? m.sentTimestamp),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(m.body, 'utf8').digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn(region, queueName),
    awsRegion: region,
  };
}

/** The EventBridge envelope a rule with an SQS target puts in the message body. */
export interface EventBridgeEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

export function eventBridgeEnvelope(input: {
  detailType: string;
  detail: Record<string, unknown>;
  source: string;
  region: string;
  time: Date;
}): EventBridgeEnvelope {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': input.detailType,
    source: input.source,
    account: LOCAL_ACCOUNT,
    // EventBridge stamps seconds precision.
    time: `${input.time.toISOString().slice(0, 19)}Z`,
    region: input.region,
    resources: [],
    detail: input.detail,
  };
}
