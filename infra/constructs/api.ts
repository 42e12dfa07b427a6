import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
  type IHttpRouteAuthorizer,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { formatOfficeRole, type OfficeRole } from '../../shared/api/office-role.js';
import { API_ROUTES, WEBHOOK_ROUTE, routeKey, type RouteFunction } from '../../shared/api/routes.js';
import type { OidcConfig, StageConfig } from '../config.js';
import type { EntryResolver } from '../functions.js';
import { grantSecretValue } from './grants.js';
import { HandlerFunction } from './handler-function.js';
import { acknowledgeNag } from './nag.js';
import { WiringError } from '../errors.js';

export interface ApiProps {
  readonly config: StageConfig;
  readonly entryFor: EntryResolver;
  readonly table: ITable;
  readonly ingest: HandlerFunction;
  /** JWT authorizer on the read and office routes when given; IAM authorization otherwise. */
  readonly oidc?: OidcConfig;
  /** The JWT claim office-api requires for office actions. */
  readonly officeRole: OfficeRole;
}

/**
 * The HTTP API: the routes of `API_ROUTES` (shared/api/routes.ts) to the functions it names, the
 * webhook throttled on its own, default-stage throttling and JSON access logs.
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
    acknowledgeNag(
      this.cursorSecret,
      'AwsSolutions-SMG4',
      'Only signs short-lived pagination cursors; rotating it merely invalidates open cursors, which an operator can do by regenerating the value. Automatic rotation is not worth a rotation Lambda.',
    );

    this.query = new HandlerFunction(this, 'QueryApi', {
      name: 'query-api',
      config,
      entryFor: props.entryFor,
      environment: { CURSOR_SECRET_ARN: this.cursorSecret.secretArn },
    }).bindTable(props.table);
    grantSecretValue(this.cursorSecret, this.query.role);
    this.bulletins = new HandlerFunction(this, 'BulletinApi', {
      name: 'bulletin-api',
      config,
      entryFor: props.entryFor,
    }).bindTable(props.table);

    this.office = new HandlerFunction(this, 'OfficeApi', {
      name: 'office-api',
      config,
      entryFor: props.entryFor,
      environment: { OFFICE_CLAIM: formatOfficeRole(props.officeRole) },
      // No bus: its rows are outbox records, which the table's stream relays (relay-outbox).
    }).bindTable(props.table);

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

    const readAuthorizer: IHttpRouteAuthorizer = props.oidc
      ? new HttpJwtAuthorizer('Jwt', props.oidc.issuer, { jwtAudience: [...props.oidc.audience] })
      : new HttpIamAuthorizer();
    // One integration per function, named as before the route table (their logical IDs stay put).
    const integrations: Record<RouteFunction, HttpLambdaIntegration> = {
      'ingest-webhook': new HttpLambdaIntegration('Ingest', props.ingest.function),
      'query-api': new HttpLambdaIntegration('Query', this.query.function),
      'bulletin-api': new HttpLambdaIntegration('Bulletins', this.bulletins.function),
      'office-api': new HttpLambdaIntegration('Office', this.office.function),
    };
    if (props.ingest.name !== 'ingest-webhook') throw new WiringError(`the webhook route goes to ingest-webhook, not ${props.ingest.name}`);

    // Every route from the one table (shared/api/routes.ts), as the local runtime routes them.
    for (const route of API_ROUTES) {
      const added = this.httpApi.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: integrations[route.function],
        authorizer: route.access.kind === 'public' ? new HttpNoneAuthorizer() : readAuthorizer,
      });
      for (const r of added) {
        if (route.access.kind === 'public') acknowledgeNag(r, 'AwsSolutions-APIG4', route.access.why);
        if (route !== WEBHOOK_ROUTE) continue;
        // The L2 stage has no per-route settings: set them on the CloudFormation stage (the route must exist first).
        const cfnStage = this.stage.node.defaultChild as CfnStage;
        cfnStage.addPropertyOverride(`RouteSettings.${routeKey(route)}`, {
          ThrottlingRateLimit: config.webhookThrottle.rateLimit,
          ThrottlingBurstLimit: config.webhookThrottle.burstLimit,
        });
        cfnStage.node.addDependency(r);
      }
    }
  }

  /** The base URL of the default stage. */
  get url(): string {
    return this.httpApi.apiEndpoint;
  }
}
