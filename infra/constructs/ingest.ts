import { SecretValue } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.js';
import type { EntryResolver } from '../functions.js';
import { grantSecretValue } from './grants.js';
import { HandlerFunction } from './handler-function.js';
import { acknowledgeNag } from './nag.js';

export interface IngestProps {
  readonly config: StageConfig;
  readonly entryFor: EntryResolver;
  readonly table: ITable;
}

/**
 * Signed webhooks in: the webhook sources (their signing secrets) in Secrets Manager, and the
 * ingest-webhook function, which verifies and stores each message once (a report's audit row, an
 * event message: the outbox records the table's stream carries to the bus). The API construct routes
 * `POST /v1/webhooks/{sourceId}` to it.
 */
export class Ingest extends Construct {
  readonly sourcesSecret: Secret;
  readonly handler: HandlerFunction;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const { config } = props;

    // Starts as an empty registry (every webhook is refused) until the operator sets the sources.
    this.sourcesSecret = new Secret(this, 'SourcesSecret', {
      description: 'Webhook sources and their signing secrets: JSON { "sources": [...] } (shared/ports/sources.ts, docs/deploy.md)',
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ sources: [] })),
      removalPolicy: config.dataRemovalPolicy,
    });
    acknowledgeNag(
      this.sourcesSecret,
      'AwsSolutions-SMG4',
      'Signing secrets are shared with the county systems, so rotation is coordinated with them: the operator adds the new secret beside the old one (two are accepted) and removes the old one later (docs/deploy.md). A rotation Lambda cannot do that.',
    );

    this.handler = new HandlerFunction(this, 'IngestWebhook', {
      name: 'ingest-webhook',
      config,
      entryFor: props.entryFor,
      environment: { SOURCES_SECRET_ARN: this.sourcesSecret.secretArn },
    }).bindTable(props.table);
    grantSecretValue(this.sourcesSecret, this.handler.role);
  }
}
