import { Duration, Tags } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Match as EventMatch, Rule, type Archive } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { EventSourceMapping, FilterCriteria, FilterRule, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../events/schemas.js';
import { OUTBOX_KINDS } from '../../shared/adapters/dynamodb/outbox.js';
import { QUEUE_TAG, QUEUES, STREAM_RELAY, deadLetterQueueTag, workQueueTag, type QueueName } from '../../shared/routing.js';
import type { StageConfig } from '../config.js';
import { WiringError } from '../errors.js';
import type { EntryResolver } from '../functions.js';
import { STREAM_READ } from '../permissions.js';
import { grantStreamRead } from './grants.js';
import { HandlerFunction } from './handler-function.js';
import { acknowledgeNag } from './nag.js';

export interface PipelineProps {
  readonly config: StageConfig;
  readonly entryFor: EntryResolver;
  readonly table: ITable;
}

export interface WorkQueue {
  readonly queue: Queue;
  readonly dlq: Queue;
}

/** Longest time EventBridge keeps retrying a delivery to a queue before it goes to the target DLQ. */
export const BUS_TARGET_MAX_EVENT_AGE = Duration.hours(24);
export const BUS_TARGET_RETRY_ATTEMPTS = 185;

/** Detail-types the archive does not keep (a replay must not resend them). */
export const NOT_ARCHIVED = ['reminder.due'] as const;

/**
 * The event pipeline: the relay from the table's stream to a custom bus (the transactional outbox:
 * what ingest stored reaches the bus from the stream, with a DLQ for batches it cannot publish), the
 * bus with an archive for replay, one SQS queue (with its DLQ) per consumer, one rule per detail-type
 * from `QUEUES` (shared/routing.ts) whose target has a DLQ and a retry policy, and the consumers of
 * the progress and events queues.
 *
 * Why a Lambda relay and not EventBridge Pipes: Pipes cannot unmarshall DynamoDB JSON, so it would
 * need an enrichment Lambda anyway (or a JSON copy of each record, which doubles the audit row and its
 * write units); and GetRecords is free only for Lambda triggers, while Pipes pays for its stream reads
 * and $0.40 per million requests on top of the same Lambda.
 */
export class Pipeline extends Construct {
  readonly bus: EventBus;
  readonly archive: Archive;
  readonly queues: Record<QueueName, WorkQueue>;
  /** Events EventBridge could not deliver to a queue. */
  readonly busTargetDlq: Queue;
  /** relay-outbox: the table's stream → the bus. */
  readonly relay: HandlerFunction;
  /** Where the stream's event source mapping sends a batch it gave up on (the records stay in the table). */
  readonly relayDlq: Queue;
  readonly consumers: HandlerFunction[] = [];
  readonly rules: Rule[] = [];

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id);
    const { config } = props;

    this.bus = new EventBus(this, 'Bus', { description: `Supervision events (${config.stage})` });
    // Reminders are left out: a replay (to rebuild aggregates from the reports) must never send a unit
    // last month's 催办 again. Replaying reports and events is safe: the consumers are idempotent.
    this.archive = this.bus.archive('Archive', {
      description: 'Every event of this system but reminders, for replay',
      eventPattern: { source: [EVENT_SOURCE], detailType: EventMatch.anythingBut(...NOT_ARCHIVED) },
      retention: config.archiveRetention,
    });

    this.busTargetDlq = new Queue(this, 'BusTargetDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Tags.of(this.busTargetDlq).add(QUEUE_TAG, deadLetterQueueTag('bus-target'));
    acknowledgeNag(
      this.busTargetDlq,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter queue: the DLQ of the EventBridge rule targets (set on each target, not as an SQS redrive policy).',
    );

    const queues = {} as Record<QueueName, WorkQueue>;
    for (const name of Object.keys(QUEUES) as QueueName[]) {
      const spec = QUEUES[name];
      const id = pascal(name);
      const dlq = new Queue(this, `${id}Dlq`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      const queue = new Queue(this, `${id}Queue`, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      });
      queues[name] = { queue, dlq };
      Tags.of(queue).add(QUEUE_TAG, workQueueTag(name));
      Tags.of(dlq).add(QUEUE_TAG, deadLetterQueueTag(name));

      for (const detailType of spec.detailTypes) {
        const rule = new Rule(this, `${id}${pascal(detailType)}Rule`, {
          eventBus: this.bus,
          description: `${detailType} → ${name} queue`,
          eventPattern: { source: [EVENT_SOURCE], detailType: [detailType] },
        });
        rule.addTarget(
          new SqsQueue(queue, {
            deadLetterQueue: this.busTargetDlq,
            retryAttempts: BUS_TARGET_RETRY_ATTEMPTS,
            maxEventAge: BUS_TARGET_MAX_EVENT_AGE,
          }),
        );
        this.rules.push(rule);
      }
    }
    this.queues = queues;

    this.relayDlq = new Queue(this, 'RelayDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledgeNag(
      this.relayDlq,
      'AwsSolutions-SQS3',
      "This queue is itself a dead-letter queue: the on-failure destination of the relay's stream event source mapping.",
    );
    Tags.of(this.relayDlq).add(QUEUE_TAG, deadLetterQueueTag('relay'));
    this.relay = new HandlerFunction(this, 'RelayOutbox', {
      name: STREAM_RELAY.consumer,
      config,
      entryFor: props.entryFor,
    }).bindBus(this.bus);
    if (!props.table.tableStreamArn) throw new WiringError('the table needs a stream for the relay');
    grantStreamRead(props.table, this.relay.role, STREAM_READ.actions);
    // Only inserted outbox records invoke the relay (shared/adapters/dynamodb/outbox.ts isOutboxInsert).
    /* eslint-disable @typescript-eslint/no-unsafe-assignment -- aws-cdk-lib types FilterRule and filter patterns as `any` */
    const outboxInserts = FilterCriteria.filter({
      eventName: FilterRule.isEqual('INSERT'),
      dynamodb: { NewImage: { kind: { S: Object.keys(OUTBOX_KINDS) } } },
    });
    /* eslint-enable @typescript-eslint/no-unsafe-assignment */
    // An EventSourceMapping rather than DynamoEventSource: the latter grants dynamodb:ListStreams on `*`.
    new EventSourceMapping(this, 'RelayStream', {
      target: this.relay.function,
      eventSourceArn: props.table.tableStreamArn,
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: STREAM_RELAY.batchSize,
      maxBatchingWindow: Duration.seconds(0),
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: STREAM_RELAY.maxRetryAttempts,
      maxRecordAge: Duration.seconds(STREAM_RELAY.maxRecordAgeSeconds),
      onFailure: new SqsDlq(this.relayDlq),
      filters: [outboxInserts],
    });

    for (const queueName of ['progress', 'events'] as const) {
      const consumer = new HandlerFunction(this, pascal(QUEUES[queueName].consumer), {
        name: QUEUES[queueName].consumer,
        config,
        entryFor: props.entryFor,
      }).bindTable(props.table);
      this.subscribe(queueName, consumer);
    }
  }

  /** Connects a queue to its consumer: partial batch responses, the batch size from `QUEUES`. */
  subscribe(queueName: QueueName, consumer: HandlerFunction): void {
    const spec = QUEUES[queueName];
    if (consumer.name !== spec.consumer) {
      throw new WiringError(`queue ${queueName} is consumed by ${spec.consumer}, not ${consumer.name}`);
    }
    const functionTimeout = consumer.function.timeout?.toSeconds() ?? 3;
    if (spec.visibilityTimeoutSeconds < 6 * functionTimeout) {
      throw new WiringError(
        `queue ${queueName}: visibility timeout ${spec.visibilityTimeoutSeconds}s must be ≥ 6 × the consumer timeout ${functionTimeout}s`,
      );
    }
    consumer.function.addEventSource(
      new SqsEventSource(this.queues[queueName].queue, { batchSize: spec.batchSize, reportBatchItemFailures: true }),
    );
    this.consumers.push(consumer);
  }
}

/** `send-reminders` → `SendReminders`, `progress.submitted` → `ProgressSubmitted`. */
export function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
}
