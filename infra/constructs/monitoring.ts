import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
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
import { BUSINESS_METRICS, METRICS_NAMESPACE, SERVICE_DIMENSION, type MetricName } from '../../shared/observability/metrics.js';
import type { StageConfig } from '../config.js';
import { WiringError } from '../errors.js';
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

/** An alarm on a business metric (shared/observability/metrics.ts), one per function that emits it. */
export interface BusinessAlarm {
  readonly metric: MetricName;
  /** Narrows the metric to one value of a dimension; the keys must be one of its dimension sets. */
  readonly dimensions?: Readonly<Record<string, string>>;
  /** Fires when the sum over `period` is above this. */
  readonly threshold: number;
  readonly period?: Duration;
  readonly description: string;
}

/**
 * What an operator is woken for. Counts that are the normal flow (accepted, applied, reminders sent
 * and delivered) are on the dashboard only.
 */
export const BUSINESS_ALARMS: readonly BusinessAlarm[] = [
  {
    metric: 'DeadLetters',
    threshold: 0,
    description: 'a record failed for good and went to the dead-letter queue: list it with npm run ops -- dead-letters (docs/deploy.md)',
  },
  {
    metric: 'DeliveryFailures',
    threshold: 2,
    period: Duration.minutes(15),
    description:
      'a notification channel refused three digests or more in 15 minutes (robot URL or key revoked, SNS failing); the records are retried',
  },
  {
    metric: 'WebhooksRefused',
    dimensions: { Code: 'unauthorized' },
    threshold: 4,
    period: Duration.minutes(15),
    description:
      'five webhooks or more in 15 minutes with a bad signature: a county system signs with an old secret, or someone is probing',
  },
  { metric: 'CalendarYearMissing', threshold: 0, description: BUSINESS_METRICS.CalendarYearMissing.description },
  { metric: 'SourcesRefreshFailed', threshold: 0, description: BUSINESS_METRICS.SourcesRefreshFailed.description },
];

/** A business metric of one function, narrowed by `dimensions` (which must be one of its published sets). */
export function businessMetric(
  name: MetricName,
  service: string,
  dimensions: Readonly<Record<string, string>> = {},
  period = PERIOD,
): Metric {
  const spec = BUSINESS_METRICS[name];
  const keys = Object.keys(dimensions).sort().join(',');
  if (!(spec.emittedBy as readonly string[]).includes(service)) throw new WiringError(`${service} does not emit ${name}`);
  if (!(spec.dimensionSets as ReadonlyArray<readonly string[]>).some((set) => [...set].sort().join(',') === keys)) {
    throw new WiringError(`${name} is not published with the dimensions [${keys}]`);
  }
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { [SERVICE_DIMENSION]: service, ...dimensions },
    period,
    statistic: 'Sum',
  });
}

/** Every series of `name` broken down by `dimension` (a dashboard SEARCH; alarms cannot use one). */
function byDimension(name: MetricName, dimension: string, label: string): MathExpression {
  return new MathExpression({
    expression: `SEARCH('{${METRICS_NAMESPACE},${SERVICE_DIMENSION},${dimension}} MetricName="${name}"', 'Sum', ${PERIOD.toSeconds()})`,
    usingMetrics: {},
    label,
    period: PERIOD,
  });
}

/**
 * Alarms that mean something, to an encrypted alarm topic: any message in a DLQ (something was not
 * applied), a work queue falling behind, function errors and throttles, API 5xx, and the business
 * alarms of `BUSINESS_ALARMS`. And a dashboard, with the business metrics.
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
      this.alarm(
        `${label}DlqNotEmpty`,
        queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        {
          threshold: 0,
          description: `${label}: messages in the dead-letter queue (not applied; inspect, fix, then redrive with aws sqs start-message-move-task)`,
        },
      );
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
        description: `${fn.name}: stream records wait more than ${maxAge.toHumanString()} to be relayed (webhooks accepted, or the office's decisions recorded, but not yet on the bus; records expire after 24 h)`,
      });
    }
    for (const a of BUSINESS_ALARMS) {
      for (const service of BUSINESS_METRICS[a.metric].emittedBy) {
        const suffix = Object.values(a.dimensions ?? {})
          .map(pascal)
          .join('');
        this.alarm(`${pascal(service)}${a.metric}${suffix}`, businessMetric(a.metric, service, a.dimensions, a.period ?? PERIOD), {
          threshold: a.threshold,
          description: `${service}: ${a.description}`,
        });
      }
    }
    this.alarm('Api5xx', props.httpApi.metricServerError({ period: PERIOD, statistic: 'Sum' }), {
      threshold: 0,
      description: 'HTTP API: 5xx responses (senders retry webhooks, readers see errors)',
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new TextWidget({
            markdown: `# 督查督办 supervision (${config.stage})\nAlarms go to the alarm topic; DLQ redrive: docs/deploy.md.`,
            width: 24,
            height: 2,
          }),
        ],
        [
          graph('API requests', [props.httpApi.metricCount({ period: PERIOD })]),
          graph('API errors', [props.httpApi.metricClientError({ period: PERIOD }), props.httpApi.metricServerError({ period: PERIOD })]),
          graph('API latency p95', [props.httpApi.metricLatency({ period: PERIOD, statistic: 'p95' })]),
        ],
        [
          graph(
            'Queue depth',
            props.workQueues.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, label: q.label })),
          ),
          graph(
            'Oldest message age (s)',
            props.workQueues.map((q) => q.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, label: q.label })),
          ),
          graph(
            'DLQ depth',
            props.dlqs.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, label: q.label })),
          ),
        ],
        [
          graph(
            'Invocations',
            props.functions.map((f) => f.function.metricInvocations({ period: PERIOD, label: f.name })),
          ),
          graph(
            'Errors',
            props.functions.map((f) => f.function.metricErrors({ period: PERIOD, label: f.name })),
          ),
          graph(
            'Duration p95 (ms)',
            props.functions.map((f) => f.function.metricDuration({ period: PERIOD, statistic: 'p95', label: f.name })),
          ),
        ],
        [
          graph('Webhooks accepted / refused', [
            labelled('WebhooksAccepted', 'ingest-webhook'),
            labelled('WebhooksRefused', 'ingest-webhook'),
          ]),
          graph('Webhooks refused by code', [byDimension('WebhooksRefused', 'Code', 'refused')]),
          graph('Reports applied, dead letters', [
            labelled('ReportsApplied', 'apply-progress', { Outcome: 'applied' }),
            labelled('ReportsApplied', 'apply-progress', { Outcome: 'unchanged' }),
            ...BUSINESS_METRICS.DeadLetters.emittedBy.map((service) => labelled('DeadLetters', service)),
          ]),
        ],
        [
          graph('Reminders sent by kind', [byDimension('RemindersSent', 'Kind', 'sent')]),
          graph('Reminders delivered by channel', [byDimension('RemindersDelivered', 'Channel', 'delivered')]),
          graph('Delivery failures, calendar, sources secret', [
            labelled('DeliveryFailures', 'deliver-notification'),
            ...BUSINESS_METRICS.CalendarYearMissing.emittedBy.map((service) => labelled('CalendarYearMissing', service)),
            labelled('SourcesRefreshFailed', 'ingest-webhook'),
          ]),
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

/** `businessMetric` labelled for a graph (an alarm's metric has no label: CloudFormation would take it as metric math). */
function labelled(name: MetricName, service: string, dimensions: Readonly<Record<string, string>> = {}): IMetric {
  return businessMetric(name, service, dimensions).with({ label: [name, service, ...Object.values(dimensions)].join(' ') });
}
