import { SecretValue } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.js';
import type { EntryResolver } from '../functions.js';
import { PUBLISHES, TABLE_ACCESS } from '../permissions.js';
import { grantSecretValue, grantPutEvents, grantTableAccess } from './grants.js';
import { HandlerFunction } from './handler-function.js';
import { acknowledgeNag } from './nag.js';

export interface IngestProps {
  readonly config: StageConfig;
  readonly entryFor: EntryResolver;
  readonly table: ITable;
  readonly bus: IEventBus;
}

/**
 * Signed webhooks in: the webhook sources (their signing secrets) in Secrets Manager, and the
 * ingest-webhook function, which verifies, records a receipt (`WEBHOOK#…` items only) and puts the
 * event on the bus. The API construct routes `POST /v1/webhooks/{sourceId}` to it.
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
    acknowledgeNag(this.sourcesSecret, 'AwsSolutions-SMG4', 'Signing secrets are shared with the county systems, so rotation is coordinated with them: the operator adds the new secret beside the old one (two are accepted) and removes the old one later (docs/deploy.md). A rotation Lambda cannot do that.');

    this.handler = new HandlerFunction(this, 'IngestWebhook', {
      name: 'ingest-webhook',
      config,
      entryFor: props.entryFor,
      description: 'Verifies signed webhooks, records receipts and puts the events on the bus',
      environment: {
        TABLE_NAME: props.table.tableName,
        EVENT_BUS_NAME: props.bus.eventBusName,
        SOURCES_SECRET_ARN: this.sourcesSecret.secretArn,
      },
    });
    grantTableAccess(props.table, this.handler.role, TABLE_ACCESS['ingest-webhook']);
    grantPutEvents(props.bus, this.handler.role, PUBLISHES['ingest-webhook'] ?? []);
    grantSecretValue(this.sourcesSecret, this.handler.role);
  }
}
