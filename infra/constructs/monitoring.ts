import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SOURCES_REFRESH_FAILED_METRIC } from '../../shared/adapters/aws/secrets-source-registry.js';
import { METRICS_NAMESPACE } from '../../shared/reminders/metrics.js';
import type { StageConfig } from '../config.js';
import { createTopicKey } from './grants.js';
import type { HandlerFunction } from './handler-function.js';
import { pascal } from './pipeline.js';

export interface MonitoredQueue {
  readonly label: string;
  readonly queue: IQueue;
}

export interface MonitoredWorkQueue extends MonitoredQueue {
  /** Alarm when the oldest message waits longer than this. */
  readonly maxAge: Duration;
}

export interface MonitoringProps {
  readonly config: StageConfig;
  readonly dlqs: readonly MonitoredQueue[];
  readonly workQueues: readonly MonitoredWorkQueue[];
  readonly functions: readonly HandlerFunction[];
  readonly httpApi: HttpApi;
  /** Functions that read a stream: alarm when the records they get are older than `maxAge` (falling behind). */
  readonly streams?: readonly { label: string; fn: HandlerFunction; maxAge: Duration }[];
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms that mean something, to an encrypted alarm topic: any message in a DLQ (something was not
 * applied), a work queue falling behind, function errors and throttles, API 5xx. And a dashboard.
 */
export class Monitoring extends Construct {
  readonly alarmTopicKey: Key;
  readonly alarmTopic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config } = props;

    this.alarmTopicKey = createTopicKey(this, 'AlarmTopicKey', {
      description: `Supervision alarm topic (${config.stage})`,
      removalPolicy: config.dataRemovalPolicy,
      publishingServices: ['cloudwatch.amazonaws.com'],
    });
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      displayName: `Supervision alarms (${config.stage})`,
      masterKey: this.alarmTopicKey,
      enforceSSL: true,
    });
    this.action = new SnsAction(this.alarmTopic);

    for (const { label, queue } of props.dlqs) {
      this.alarm(`${label}DlqNotEmpty`, queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }), {
        threshold: 0,
        description: `${label}: messages in the dead-letter queue (not applied; inspect, fix, then redrive with aws sqs start-message-move-task)`,
      });
    }
    for (const { label, queue, maxAge } of props.workQueues) {
      this.alarm(`${label}OldestMessage`, queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }), {
        threshold: maxAge.toSeconds(),
        description: `${label}: the oldest message has waited more than ${maxAge.toHumanString()} (consumer failing or falling behind)`,
      });
    }
    for (const fn of props.functions) {
      const label = pascal(fn.name);
      this.alarm(`${label}Errors`, fn.function.metricErrors({ period: PERIOD, statistic: 'Sum' }), {
        threshold: 0,
        description: `${fn.name}: invocation errors`,
      });
      this.alarm(`${label}Throttles`, fn.function.metricThrottles({ period: PERIOD, statistic: 'Sum' }), {
        threshold: 0,
        description: `${fn.name}: throttled invocations`,
      });
    }
    for (const { label, fn, maxAge } of props.streams ?? []) {
      this.alarm(`${label}IteratorAge`, fn.function.metric('IteratorAge', { period: PERIOD, statistic: 'Maximum' }), {
        threshold: maxAge.toMilliseconds(),
        description: `${fn.name}: stream records wait more than ${maxAge.toHumanString()} to be relayed (webhooks accepted but not yet on the bus; records expire after 24 h)`,
      });
    }
    this.alarm(
      'SourcesRefreshFailed',
      new Metric({ namespace: METRICS_NAMESPACE, metricName: SOURCES_REFRESH_FAILED_METRIC, dimensionsMap: { Service: 'ingest-webhook' }, period: PERIOD, statistic: 'Sum' }),
      {
        threshold: 0,
        description: 'ingest-webhook: the webhook sources secret could not be refreshed; the last good copy is served (up to 24 h, then 503)',
      },
    );
    this.alarm('Api5xx', props.httpApi.metricServerError({ period: PERIOD, statistic: 'Sum' }), {
      threshold: 0,
      description: 'HTTP API: 5xx responses (senders retry webhooks, readers see errors)',
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
      widgets: [
        [new TextWidget({ markdown: `# 督查督办 supervision (${config.stage})\nAlarms go to the alarm topic; DLQ redrive: docs/deploy.md.`, width: 24, height: 2 })],
        [
          graph('API requests', [props.httpApi.metricCount({ period: PERIOD })]),
          graph('API errors', [props.httpApi.metricClientError({ period: PERIOD }), props.httpApi.metricServerError({ period: PERIOD })]),
          graph('API latency p95', [props.httpApi.metricLatency({ period: PERIOD, statistic: 'p95' })]),
        ],
        [
          graph('Queue depth', props.workQueues.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, label: q.label }))),
          graph('Oldest message age (s)', props.workQueues.map((q) => q.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, label: q.label }))),
          graph('DLQ depth', props.dlqs.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, label: q.label }))),
        ],
        [
          graph('Invocations', props.functions.map((f) => f.function.metricInvocations({ period: PERIOD, label: f.name }))),
          graph('Errors', props.functions.map((f) => f.function.metricErrors({ period: PERIOD, label: f.name }))),
          graph('Duration p95 (ms)', props.functions.map((f) => f.function.metricDuration({ period: PERIOD, statistic: 'p95', label: f.name }))),
        ],
      ],
    });
  }

  private alarm(id: string, metric: IMetric, opts: { threshold: number; description: string }): void {
    const alarm = new Alarm(this, id, {
      metric,
      threshold: opts.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: opts.description,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}

function graph(title: string, left: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left, width: 8, height: 6 });
}
