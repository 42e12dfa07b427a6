import { CfnOutput, Duration, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { DEFAULT_OFFICE_ROLE, type OfficeRole } from '../shared/api/office-role.js';
import { QUEUES, type QueueName } from '../shared/routing.js';
import type { OidcConfig, StageConfig } from './config.js';
import { Api } from './constructs/api.js';
import { Dashboard } from './constructs/dashboard.js';
import { Data } from './constructs/data.js';
import { defaultEntryFor } from './constructs/handler-function.js';
import { Ingest } from './constructs/ingest.js';
import { Monitoring } from './constructs/monitoring.js';
import { Notifications } from './constructs/notifications.js';
import { Pipeline, pascal } from './constructs/pipeline.js';
import { Schedules } from './constructs/schedules.js';
import type { EntryResolver } from './functions.js';

export interface SupervisionStackProps extends StackProps {
  readonly config: StageConfig;
  readonly oidc?: OidcConfig;
  /** The JWT claim of the supervision office (context `officeClaim`); default the scope `supervision/office`. */
  readonly officeRole?: OfficeRole;
  /** Where each function's code is; defaults to `functions/<name>/handler.ts`. */
  readonly entryFor?: EntryResolver;
}

/** How long a work queue's oldest message may wait before it alarms. */
const MAX_MESSAGE_AGE: Record<QueueName, Duration> = {
  progress: Duration.minutes(15),
  events: Duration.minutes(15),
  delivery: Duration.minutes(30),
};

/** The whole system as one stack, composed of one construct per concern. */
export class SupervisionStack extends Stack {
  readonly data: Data;
  readonly pipeline: Pipeline;
  readonly ingest: Ingest;
  readonly notifications: Notifications;
  readonly schedules: Schedules;
  readonly api: Api;
  readonly monitoring: Monitoring;
  /** The office's dashboard; only with OIDC context (the page signs in against the same issuer). */
  readonly dashboard?: Dashboard;

  constructor(scope: Construct, id: string, props: SupervisionStackProps) {
    super(scope, id, props);
    const { config } = props;
    const entryFor = props.entryFor ?? defaultEntryFor;
    Tags.of(this).add('project', 'jining-supervision');
    Tags.of(this).add('stage', config.stage);

    this.data = new Data(this, 'Data', { config });
    const table = this.data.table;
    this.pipeline = new Pipeline(this, 'Pipeline', { config, entryFor, table });
    const bus = this.pipeline.bus;
    this.ingest = new Ingest(this, 'Ingest', { config, entryFor, table });
    this.notifications = new Notifications(this, 'Notifications', { config, entryFor, table });
    this.pipeline.subscribe('delivery', this.notifications.deliverer);
    this.schedules = new Schedules(this, 'Schedules', { config, entryFor, table, bus });
    this.api = new Api(this, 'Api', {
      config,
      entryFor,
      table,
      ingest: this.ingest.handler,
      officeRole: props.officeRole ?? DEFAULT_OFFICE_ROLE,
      ...(props.oidc ? { oidc: props.oidc } : {}),
    });
    if (props.oidc) this.dashboard = new Dashboard(this, 'Dashboard', { config, httpApi: this.api.httpApi, oidc: props.oidc });

    const queueNames = Object.keys(QUEUES) as QueueName[];
    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      dlqs: [
        ...queueNames.map((q) => ({ label: pascal(q), queue: this.pipeline.queues[q].dlq })),
        { label: 'BusTarget', queue: this.pipeline.busTargetDlq },
        { label: 'Relay', queue: this.pipeline.relayDlq },
        { label: 'Schedule', queue: this.schedules.dlq },
      ],
      workQueues: queueNames.map((q) => ({ label: pascal(q), queue: this.pipeline.queues[q].queue, maxAge: MAX_MESSAGE_AGE[q] })),
      functions: [
        this.ingest.handler,
        this.pipeline.relay,
        ...this.pipeline.consumers,
        ...Object.values(this.schedules.jobs),
        this.api.query,
        this.api.bulletins,
        this.api.office,
      ],
      httpApi: this.api.httpApi,
      streams: [{ label: 'Relay', fn: this.pipeline.relay, maxAge: Duration.minutes(15) }],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'EventBusName', { value: bus.eventBusName });
    new CfnOutput(this, 'EventBusArn', { value: bus.eventBusArn });
    new CfnOutput(this, 'ArchiveArn', {
      value: this.pipeline.archive.archiveArn,
      description: 'Replay events from here (aws events start-replay)',
    });
    new CfnOutput(this, 'SourcesSecretArn', { value: this.ingest.sourcesSecret.secretArn, description: 'Set the webhook sources here' });
    new CfnOutput(this, 'RobotSecretArn', { value: this.notifications.robotSecret.secretArn, description: 'Set the robot webhooks here' });
    new CfnOutput(this, 'NotificationTopicArn', { value: this.notifications.topic.topicArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.alarmTopic.topicArn, description: 'Subscribe the operators here' });
    for (const q of queueNames) {
      new CfnOutput(this, `${pascal(q)}DlqArn`, { value: this.pipeline.queues[q].dlq.queueArn });
    }
    new CfnOutput(this, 'BusTargetDlqArn', { value: this.pipeline.busTargetDlq.queueArn });
    new CfnOutput(this, 'RelayDlqArn', {
      value: this.pipeline.relayDlq.queueArn,
      description: 'Stream batches the relay could not publish (sequence numbers to replay)',
    });
    new CfnOutput(this, 'ScheduleDlqArn', { value: this.schedules.dlq.queueArn });
  }
}
