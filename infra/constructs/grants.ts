import { Stack, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { AccountRootPrincipal, Effect, PolicyDocument, PolicyStatement, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../events/schemas.js';
import type { TableAccess } from '../permissions.js';

/**
 * Explicit grants. The generic `grant*` helpers of aws-cdk-lib add wildcard actions
 * (`kms:GenerateDataKey*`, `kms:ReEncrypt*`, `dynamodb:BatchWriteItem` …); these grant exactly the
 * named actions on exactly the named resource.
 */
export function grantTableAccess(table: ITable, role: IRole, access: readonly TableAccess[]): void {
  for (const a of access) {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: a.actions.map((x) => `dynamodb:${x}`),
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...a.leadingKeys] } },
      }),
    );
  }
}

/**
 * Reading the table's stream, for the role an event source mapping polls it with: exactly these
 * actions, on the stream's ARN only (`Table.grantStreamRead` would add `dynamodb:ListStreams` on `*`).
 */
export function grantStreamRead(table: ITable, role: IRole, actions: readonly string[]): void {
  if (!table.tableStreamArn) throw new Error('the table has no stream');
  role.addToPrincipalPolicy(new PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [table.tableStreamArn] }));
}

/**
 * `events:PutEvents` on the bus, only for the detail-types the function publishes and only with the
 * system's own source (`events:detail-type` and `events:source` are evaluated per entry).
 */
export function grantPutEvents(bus: IEventBus, role: IRole, detailTypes: readonly string[]): void {
  role.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['events:PutEvents'],
      resources: [bus.eventBusArn],
      conditions: { StringEquals: { 'events:detail-type': [...detailTypes], 'events:source': [EVENT_SOURCE] } },
    }),
  );
}

export function grantSecretValue(secret: ISecret, role: IRole): void {
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
}

/** Publishing to a KMS-encrypted topic needs a data key from the topic's key. */
export function grantEncryptedPublish(topic: ITopic, key: IKey, role: IRole): void {
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
  role.addToPrincipalPolicy(new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }));
}

/**
 * Everything the account's administrators may do with a key, spelled out (the usual `kms:*` to the
 * account root is a wildcard action). IAM policies in the account then govern use of the key.
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:CancelKeyDeletion',
  'kms:CreateAlias',
  'kms:CreateGrant',
  'kms:Decrypt',
  'kms:DeleteAlias',
  'kms:DescribeKey',
  'kms:DisableKey',
  'kms:DisableKeyRotation',
  'kms:EnableKey',
  'kms:EnableKeyRotation',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:GetKeyPolicy',
  'kms:GetKeyRotationStatus',
  'kms:ListGrants',
  'kms:ListKeyPolicies',
  'kms:ListKeyRotations',
  'kms:ListResourceTags',
  'kms:PutKeyPolicy',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:RetireGrant',
  'kms:RevokeGrant',
  'kms:RotateKeyOnDemand',
  'kms:ScheduleKeyDeletion',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:UpdateAlias',
  'kms:UpdateKeyDescription',
] as const;

export interface TopicKeyProps {
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
  /** AWS services that publish to the topic this key encrypts (e.g. `cloudwatch.amazonaws.com`). */
  readonly publishingServices?: readonly string[];
}

/** A customer-managed key with rotation for an SNS topic, with an explicit key policy. */
export function createTopicKey(scope: Construct, id: string, props: TopicKeyProps): Key {
  const statements = [
    new PolicyStatement({
      sid: 'AccountAdministration',
      principals: [new AccountRootPrincipal()],
      actions: [...KEY_ADMIN_ACTIONS],
      resources: ['*'],
    }),
  ];
  for (const service of props.publishingServices ?? []) {
    statements.push(
      new PolicyStatement({
        sid: `Publish${statements.length}`,
        effect: Effect.ALLOW,
        principals: [new ServicePrincipal(service)],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
      }),
    );
  }
  return new Key(scope, id, {
    description: props.description,
    enableKeyRotation: true,
    removalPolicy: props.removalPolicy,
    policy: new PolicyDocument({ statements }),
  });
}
