import { SecretValue } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.js';
import type { EntryResolver } from '../functions.js';
import { createTopicKey, grantEncryptedPublish, grantSecretValue } from './grants.js';
import { HandlerFunction } from './handler-function.js';
import { acknowledgeNag } from './nag.js';

export interface NotificationsProps {
  readonly config: StageConfig;
  readonly entryFor: EntryResolver;
  readonly table: ITable;
}

/**
 * Delivery of reminder digests: an SNS topic (email/SMS subscribers filter on the `orgId` and
 * `kind` message attributes) encrypted with its own KMS key, the WeCom/DingTalk robot URLs in a
 * Secrets Manager secret, and the deliver-notification function (the pipeline connects it to the
 * delivery queue).
 */
export class Notifications extends Construct {
  readonly topicKey: Key;
  readonly topic: Topic;
  readonly robotSecret: Secret;
  readonly deliverer: HandlerFunction;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    const { config } = props;

    this.topicKey = createTopicKey(this, 'TopicKey', {
      description: `Supervision reminder topic (${config.stage})`,
      removalPolicy: config.dataRemovalPolicy,
    });
    this.topic = new Topic(this, 'Topic', {
      displayName: '督查督办提醒',
      masterKey: this.topicKey,
      enforceSSL: true,
    });

    this.robotSecret = new Secret(this, 'RobotSecret', {
      description: 'WeCom / DingTalk group robot webhooks per unit (JSON, set by the operator, see docs/deploy.md)',
      secretStringValue: SecretValue.unsafePlainText('{}'),
      removalPolicy: config.dataRemovalPolicy,
    });
    acknowledgeNag(
      this.robotSecret,
      'AwsSolutions-SMG4',
      'Robot webhook URLs are issued by WeCom/DingTalk and can only be rotated there; the operator replaces the value (docs/deploy.md). No rotation Lambda can do it.',
    );

    this.deliverer = new HandlerFunction(this, 'DeliverNotification', {
      name: 'deliver-notification',
      config,
      entryFor: props.entryFor,
      environment: {
        NOTIFICATION_TOPIC_ARN: this.topic.topicArn,
        ROBOT_SECRET_ARN: this.robotSecret.secretArn,
      },
    }).bindTable(props.table);
    grantEncryptedPublish(this.topic, this.topicKey, this.deliverer.role);
    grantSecretValue(this.robotSecret, this.deliverer.role);
  }
}
