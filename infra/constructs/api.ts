import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
  type HttpRoute,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { formatOfficeRole, type OfficeRole } from '../../shared/api/office-role.js';
import { OFFICE_ROUTES as OFFICE_ROUTE_TABLE } from '../../shared/api/routes.js';
import type { OidcConfig, StageConfig } from '../config.js';
import type { EntryResolver } from '../functions.js';
import { PUBLISHES, TABLE_ACCESS } from '../permissions.js';
import { grantPutEvents, grantSecretValue, grantTableAccess } from './grants.js';
import { HandlerFunction } from './handler-function.js';
import { acknowledgeNag } from './nag.js';

/** The webhook route: no authorizer (the function verifies the Standard Webhooks signature). */
export const WEBHOOK_ROUTE = '/v1/webhooks/{sourceId}';
export const WEBHOOK_ROUTE_KEY = `POST ${WEBHOOK_ROUTE}`;
/** Read routes served by query-api behind the JWT (or IAM) authorizer. */
export const READ_ROUTES = [
  '/v1/plans/{planId}',
  '/v1/plans/{planId}/kpis',
  '/v1/plans/{planId}/tasks/{taskId}',
  '/v1/plans/{planId}/overdue',
  '/v1/plans/{planId}/rankings',
  '/v1/plans/{planId}/reviews',
  '/v1/plans/{planId}/events',
  '/v1/plans/{planId}/snapshots',
] as const;
/** The bulletin route, served by bulletin-api behind the same authorizer (its xlsx writer stays out of query-api). */
export const BULLETIN_ROUTES = ['/v1/plans/{planId}/bulletins/{period}'] as const;
/** The supervision office's actions (POST), served by office-api behind the same authorizer; the office role is checked in the function. */
export const OFFICE_ROUTES: readonly string[] = OFFICE_ROUTE_TABLE.map((r) => r.path);
/** The API description, public. */
export const OPENAPI_ROUTE = '/v1/openapi.json';

export interface ApiProps {
  readonly config: StageConfig;
  readonly entryFor: EntryResolver;
  readonly table: ITable;
  readonly bus: IEventBus;
  readonly ingest: HandlerFunction;
  /** JWT authorizer on the read and office routes when given; IAM authorization otherwise. */
  readonly oidc?: OidcConfig;
  /** The JWT claim office-api requires for office actions. */
  readonly officeRole: OfficeRole;
}

/**
 * The HTTP API: the webhook route to ingest-webhook, the read routes to query-api, the office's
 * actions to office-api (writes, kept out of the read-only query-api), default-stage throttling and
 * JSON access logs.
 */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly query: HandlerFunction;
  readonly bulletins: HandlerFunction;
  readonly office: HandlerFunction;
  readonly cursorSecret: Secret;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { config } = props;

    this.cursorSecret = new Secret(this, 'CursorSecret', {
      description: 'Key that signs the read API pagination cursors',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: config.dataRemovalPolicy,
    });
    acknowledgeNag(this.cursorSecret, 'AwsSolutions-SMG4', 'Only signs short-lived pagination cursors; rotating it merely invalidates open cursors, which an operator can do by regenerating the value. Automatic rotation is not worth a rotation Lambda.');

    this.query = new HandlerFunction(this, 'QueryApi', {
      name: 'query-api',
      config,
      entryFor: props.entryFor,
      environment: { TABLE_NAME: props.table.tableName, CURSOR_SECRET_ARN: this.cursorSecret.secretArn },
    });
    grantTableAccess(props.table, this.query.role, TABLE_ACCESS['query-api']);
    grantSecretValue(this.cursorSecret, this.query.role);
    this.bulletins = new HandlerFunction(this, 'BulletinApi', {
      name: 'bulletin-api',
      config,
      entryFor: props.entryFor,
      environment: { TABLE_NAME: props.table.tableName },
    });
    grantTableAccess(props.table, this.bulletins.role, TABLE_ACCESS['bulletin-api']);

    this.office = new HandlerFunction(this, 'OfficeApi', {
      name: 'office-api',
      config,
      entryFor: props.entryFor,
      environment: { TABLE_NAME: props.table.tableName, EVENT_BUS_NAME: props.bus.eventBusName, OFFICE_CLAIM: formatOfficeRole(props.officeRole) },
    });
    grantTableAccess(props.table, this.office.role, TABLE_ACCESS['office-api']);
    grantPutEvents(props.bus, this.office.role, PUBLISHES['office-api'] ?? []);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: `Supervision API (${config.stage})`,
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetention,
      removalPolicy: config.logRemovalPolicy,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      autoDeploy: true,
      throttle: config.apiThrottle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const ingestIntegration = new HttpLambdaIntegration('Ingest', props.ingest.function);
    const queryIntegration = new HttpLambdaIntegration('Query', this.query.function);
    const bulletinIntegration = new HttpLambdaIntegration('Bulletins', this.bulletins.function);
    const officeIntegration = new HttpLambdaIntegration('Office', this.office.function);
    const readAuthorizer: IHttpRouteAuthorizer = props.oidc
      ? new HttpJwtAuthorizer('Jwt', props.oidc.issuer, { jwtAudience: [...props.oidc.audience] })
      : new HttpIamAuthorizer();

    for (const route of this.httpApi.addRoutes({
      path: WEBHOOK_ROUTE,
      methods: [HttpMethod.POST],
      integration: ingestIntegration,
      authorizer: new HttpNoneAuthorizer(),
    })) {
      acknowledgePublicRoute(route, 'Webhooks are authenticated by their Standard Webhooks HMAC signature, verified by ingest-webhook against the source secrets; county systems hold no AWS or OIDC identity.');
      // The L2 stage has no per-route settings: set them on the CloudFormation stage (the route must exist first).
      const cfnStage = this.stage.node.defaultChild as CfnStage;
      cfnStage.addPropertyOverride(`RouteSettings.${WEBHOOK_ROUTE_KEY}`, {
        ThrottlingRateLimit: config.webhookThrottle.rateLimit,
        ThrottlingBurstLimit: config.webhookThrottle.burstLimit,
      });
      cfnStage.node.addDependency(route);
    }
    for (const path of READ_ROUTES) {
      this.httpApi.addRoutes({ path, methods: [HttpMethod.GET], integration: queryIntegration, authorizer: readAuthorizer });
    }
    for (const path of BULLETIN_ROUTES) {
      this.httpApi.addRoutes({ path, methods: [HttpMethod.GET], integration: bulletinIntegration, authorizer: readAuthorizer });
    }
    // The authorizer admits every signed-in reader; office-api then requires the office claim (403 otherwise).
    for (const path of OFFICE_ROUTES) {
      this.httpApi.addRoutes({ path, methods: [HttpMethod.POST], integration: officeIntegration, authorizer: readAuthorizer });
    }
    for (const route of this.httpApi.addRoutes({
      path: OPENAPI_ROUTE,
      methods: [HttpMethod.GET],
      integration: queryIntegration,
      authorizer: new HttpNoneAuthorizer(),
    })) {
      acknowledgePublicRoute(route, 'The OpenAPI description of the API is public documentation and carries no data.');
    }
  }

  /** The base URL of the default stage. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}

function acknowledgePublicRoute(route: HttpRoute, reason: string): void {
  acknowledgeNag(route, 'AwsSolutions-APIG4', reason);
}
