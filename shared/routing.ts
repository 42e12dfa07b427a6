/**
 * One source of truth for which detail-type goes to which queue and which function consumes it.
 * `infra/` builds its EventBridge rules and SQS event sources from this; the local runtime routes
 * its in-process bus with the same table.
 */
export const QUEUES = {
  progress: {
    detailTypes: ['progress.submitted'],
    consumer: 'apply-progress',
    batchSize: 10,
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 180,
  },
  events: {
    detailTypes: ['event.registered'],
    consumer: 'register-event',
    batchSize: 10,
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 180,
  },
  delivery: {
    detailTypes: ['reminder.due'],
    consumer: 'deliver-notification',
    batchSize: 5,
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 360,
  },
} as const;

export type QueueName = keyof typeof QUEUES;

/** The function timeout each queue's visibility timeout is sized against (≥ 6×, per AWS guidance). */
export const CONSUMER_TIMEOUT_SECONDS: Record<QueueName, number> = { progress: 30, events: 30, delivery: 60 };

/**
 * Every queue of the stack is tagged `QUEUE_TAG = <queue>` (a work queue) or `<queue>-dlq` (a
 * dead-letter queue), so that tools find them by tag rather than by generated name (scripts/ops.ts).
 * Besides the work queues' DLQs: `bus-target-dlq` (events EventBridge could not put on a queue),
 * `schedule-dlq` (Scheduler invocations that failed) and `relay-dlq` (stream batches relay-outbox
 * could not put on the bus: their descriptions, the messages stay in the table).
 */
export const QUEUE_TAG = 'supervision:queue';
export const OTHER_DEAD_LETTER_QUEUES = ['bus-target', 'schedule', 'relay'] as const;
export type DeadLetterQueueName = QueueName | (typeof OTHER_DEAD_LETTER_QUEUES)[number];
export const DEAD_LETTER_QUEUES: readonly DeadLetterQueueName[] = [...(Object.keys(QUEUES) as QueueName[]), ...OTHER_DEAD_LETTER_QUEUES];

export const workQueueTag = (queue: QueueName): string => queue;
export const deadLetterQueueTag = (queue: DeadLetterQueueName): string => `${queue}-dlq`;

export function queuesFor(detailType: string): QueueName[] {
  return (Object.keys(QUEUES) as QueueName[]).filter((q) => (QUEUES[q].detailTypes as readonly string[]).includes(detailType));
}

/**
 * The table's stream → bus relay (the transactional outbox, shared/adapters/dynamodb/outbox.ts): its
 * event source mapping in AWS and the local runtime's stream reader read the stream in batches of up
 * to `batchSize` inserted outbox records, retry a failed batch from its first unpublished record, and
 * (in AWS) send a batch that still fails after `maxRetryAttempts` or `maxRecordAgeSeconds` to the
 * relay's DLQ. The stream keeps records for 24 hours.
 */
export const STREAM_RELAY = { consumer: 'relay-outbox', batchSize: 100, maxRetryAttempts: 1000, maxRecordAgeSeconds: 24 * 3600 } as const;
export const RELAY_TIMEOUT_SECONDS = 30;

/** Scheduled jobs, in the plan's time zone. */
export const SCHEDULES = {
  'aggregate-kpis': { cron: { minute: 0, hour: 1 }, expression: 'cron(0 1 * * ? *)', timeZone: 'Asia/Shanghai' },
  'send-reminders': { cron: { minute: 0, hour: 9 }, expression: 'cron(0 9 * * ? *)', timeZone: 'Asia/Shanghai' },
} as const;
export type ScheduleName = keyof typeof SCHEDULES;
