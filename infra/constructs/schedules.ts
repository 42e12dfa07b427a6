import { Duration, Tags, TimeZone } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { ScheduleTargetBase, type ScheduleTargetBaseProps } from 'aws-cdk-lib/aws-scheduler-targets';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUE_TAG, SCHEDULES, deadLetterQueueTag, type ScheduleName } from '../../shared/routing.js';
import type { StageConfig } from '../config.js';
import type { EntryResolver } from '../functions.js';
import { HandlerFunction } from './handler-function.js';
import { acknowledgeNag } from './nag.js';
import { pascal } from './pipeline.js';

export interface SchedulesProps {
  readonly config: StageConfig;
  readonly entryFor: EntryResolver;
  readonly table: ITable;
  readonly bus: IEventBus;
}

export const SCHEDULE_RETRY_ATTEMPTS = 3;
export const SCHEDULE_MAX_EVENT_AGE = Duration.hours(1);

/**
 * The scheduled jobs: EventBridge Scheduler schedules from `SCHEDULES` (shared/routing.ts) in
 * Asia/Shanghai, invoking aggregate-kpis and send-reminders with `{}`, with a retry policy and a
 * DLQ for invocations that still fail.
 */
export class Schedules extends Construct {
  readonly jobs: Record<ScheduleName, HandlerFunction>;
  readonly schedules: Schedule[] = [];
  readonly dlq: Queue;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const { config } = props;

    this.dlq = new Queue(this, 'ScheduleDlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Tags.of(this.dlq).add(QUEUE_TAG, deadLetterQueueTag('schedule'));
    acknowledgeNag(
      this.dlq,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter queue: the DLQ of the Scheduler targets (set on each target, not as an SQS redrive policy).',
    );

    const jobs = {} as Record<ScheduleName, HandlerFunction>;
    for (const name of Object.keys(SCHEDULES) as ScheduleName[]) {
      const spec = SCHEDULES[name];
      const job = new HandlerFunction(this, pascal(name), {
        name,
        config,
        entryFor: props.entryFor,
      })
        .bindTable(props.table)
        .bindBus(props.bus);
      jobs[name] = job;

      this.schedules.push(
        new Schedule(this, `${pascal(name)}Schedule`, {
          description: job.spec.description,
          schedule: ScheduleExpression.expression(spec.expression, TimeZone.of(spec.timeZone)),
          target: new InvokeFunction(job.function, {
            input: ScheduleTargetInput.fromObject({}),
            deadLetterQueue: this.dlq,
            retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
            maxEventAge: SCHEDULE_MAX_EVENT_AGE,
          }),
        }),
      );
    }
    this.jobs = jobs;
  }
}

/**
 * Invokes one function, version `$LATEST`. Unlike `LambdaInvoke` of aws-scheduler-targets, whose
 * `grantInvoke` also allows `<function arn>:*` (every version and alias), the schedule's role may
 * invoke exactly the function ARN it targets.
 */
export class InvokeFunction extends ScheduleTargetBase {
  constructor(
    private readonly fn: IFunction,
    props: ScheduleTargetBaseProps,
  ) {
    super(props, fn.functionArn);
  }

  protected addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fn.functionArn] }));
  }
}
