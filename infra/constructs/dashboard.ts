import { AssetHashType, CfnOutput, DefaultStackSynthesizer, DockerImage, Duration, Fn, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  GeoRestriction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct, type IConstruct } from 'constructs';
import { buildWebSync, WEB_SOURCE } from '../../scripts/build-web.js';
import { listPlans } from '../../shared/plan/catalog.js';
import { CONFIG_FILE, type DashboardConfig } from '../../web/config.js';
import { PAGE_HEADERS, originOf, pageCsp } from '../../web/csp.js';
import type { OidcConfig, StageConfig } from '../config.js';
import { DashboardConfigError } from '../errors.js';
import { acknowledgeNag } from './nag.js';

/** The dashboard's CDK context (`-c key=value`), all optional; see docs/deploy.md. */
export interface DashboardContext {
  /** The OIDC client the page signs in as; one of `oidcAudience` (default: the first). */
  readonly clientId: string;
  readonly scopes: string;
  /** A custom domain and its certificate (ACM in us-east-1; in aws-cn an IAM server certificate is attached by hand). */
  readonly domainName?: string;
  readonly certificateArn?: string;
  /** A WAF web ACL of scope CLOUDFRONT (created in us-east-1) to attach. */
  readonly webAclArn?: string;
  /** ISO 3166 countries allowed to load the page (default CN). */
  readonly countries: string[];
}

function text(scope: IConstruct, key: string): string | undefined {
  const v: unknown = scope.node.tryGetContext(key);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Reads the dashboard's context; the client must be one the JWT authorizer accepts. */
export function dashboardContext(scope: IConstruct, oidc: OidcConfig): DashboardContext {
  const clientId = text(scope, 'dashboardClientId') ?? oidc.audience[0]!;
  if (!oidc.audience.includes(clientId)) {
    throw new DashboardConfigError(
      `dashboardClientId ${clientId} is not one of oidcAudience (${oidc.audience.join(', ')}): the API would refuse the page's tokens`,
    );
  }
  const domainName = text(scope, 'dashboardDomain');
  const certificateArn = text(scope, 'dashboardCertificateArn');
  if (Boolean(domainName) !== Boolean(certificateArn))
    throw new DashboardConfigError('dashboardDomain and dashboardCertificateArn must be given together');
  const countries = (text(scope, 'dashboardCountries') ?? 'CN')
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  if (countries.length === 0 || countries.some((c) => !/^[A-Z]{2}$/.test(c)))
    throw new DashboardConfigError('dashboardCountries is a comma-separated list of ISO 3166 alpha-2 codes, e.g. CN,HK');
  const webAclArn = text(scope, 'dashboardWebAclArn');
  return {
    clientId,
    scopes: text(scope, 'dashboardScopes') ?? 'openid',
    countries,
    ...(domainName ? { domainName } : {}),
    ...(certificateArn ? { certificateArn } : {}),
    ...(webAclArn ? { webAclArn } : {}),
  };
}

export interface DashboardProps {
  readonly config: StageConfig;
  readonly httpApi: IHttpApi;
  readonly oidc: OidcConfig;
}

/**
 * The office's dashboard in AWS: the built page in a private S3 bucket behind CloudFront (origin
 * access control, TLS, security headers), and the read API on the same origin under `/v1/*` — so
 * the page calls it without CORS, and the API keeps its own authorizer and throttling. The page
 * signs in with OpenID Connect (code + PKCE) against the issuer the API's JWT authorizer trusts.
 */
export class Dashboard extends Construct {
  readonly bucket: Bucket;
  readonly logs: Bucket;
  readonly distribution: Distribution;
  readonly pageHeaders: ResponseHeadersPolicy;
  readonly url: string;
  readonly settings: DashboardContext;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const { config, oidc } = props;
    const settings = dashboardContext(this, oidc);
    this.settings = settings;

    this.logs = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(config.logRetention) }],
      removalPolicy: config.logRemovalPolicy,
    });

    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: this.logs,
      serverAccessLogsPrefix: 's3/',
      removalPolicy: config.dataRemovalPolicy,
    });

    const pageHeaders = { ...PAGE_HEADERS } as Record<string, string>;
    // These three are CloudFront security headers of their own; the rest go as custom headers.
    delete pageHeaders['x-content-type-options'];
    delete pageHeaders['x-frame-options'];
    delete pageHeaders['referrer-policy'];
    const security = {
      contentTypeOptions: { override: true },
      frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
      referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
    };
    this.pageHeaders = new ResponseHeadersPolicy(this, 'PageHeaders', {
      comment: 'Dashboard page: CSP and security headers (web/csp.ts)',
      securityHeadersBehavior: {
        ...security,
        contentSecurityPolicy: { contentSecurityPolicy: pageCsp({ connectOrigins: [originOf(oidc.issuer)] }), override: true },
      },
      customHeadersBehavior: { customHeaders: Object.entries(pageHeaders).map(([header, value]) => ({ header, value, override: true })) },
    });
    // The API answers JSON and files; the printable bulletin brings a CSP of its own, which stays.
    const apiHeaders = new ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment: 'Read API through the dashboard origin: security headers',
      securityHeadersBehavior: security,
    });

    // https://{apiId}.execute-api.{region}.{suffix} → the host name.
    const apiDomain = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    const certificate = settings.certificateArn ? Certificate.fromCertificateArn(this, 'Certificate', settings.certificateArn) : undefined;

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `督查督办 dashboard (${config.stage})`,
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      geoRestriction: GeoRestriction.allowlist(...settings.countries),
      enableLogging: true,
      logBucket: this.logs,
      logFilePrefix: 'cloudfront/',
      ...(certificate && settings.domainName
        ? { certificate, domainNames: [settings.domainName], minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
      ...(settings.webAclArn ? { webAclId: settings.webAclArn } : {}),
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.pageHeaders,
        compress: true,
      },
      additionalBehaviors: {
        '/v1/*': {
          origin: new HttpOrigin(apiDomain, {
            protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          }),
          viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
          // Reads only: webhooks go to the API directly. Nothing cached; the Authorization header
          // reaches the API (allowed in an origin request policy when caching is disabled).
          allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
          cachePolicy: CachePolicy.CACHING_DISABLED,
          originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: apiHeaders,
          compress: true,
        },
      },
    });
    if (!settings.webAclArn) {
      acknowledgeNag(
        this.distribution,
        'AwsSolutions-CFR2',
        'A CloudFront web ACL must be created in us-east-1 while this stack is region-agnostic (and aws-cn has none for CloudFront); the page is static and its only dynamic path is the read API behind its JWT authorizer and stage throttling. Attach one with -c dashboardWebAclArn=<arn>.',
      );
    }
    if (!certificate) {
      acknowledgeNag(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain the distribution serves the *.cloudfront.net default certificate, whose minimum TLS version cannot be set; production sets -c dashboardDomain and -c dashboardCertificateArn, which pins TLSv1.2_2021.',
      );
    }

    const dashboardConfig: DashboardConfig = {
      plans: listPlans().map((p) => ({ planId: p.planId, title: p.title })),
      auth: { mode: 'oidc', issuer: oidc.issuer, clientId: settings.clientId, scopes: settings.scopes },
    };
    // The page is built at synth time by the project's esbuild (never Docker); the asset hash is the
    // output's, so a change in web/, shared/ or ECharts reaches the bucket.
    const page = Source.asset(WEB_SOURCE, {
      assetHashType: AssetHashType.OUTPUT,
      bundling: {
        image: DockerImage.fromRegistry('none'),
        local: {
          tryBundle(outputDir: string) {
            buildWebSync(outputDir, { config: null });
            return true;
          },
        },
      },
    });
    const deployLogs = new LogGroup(this, 'DeployLogs', { retention: config.logRetention, removalPolicy: config.logRemovalPolicy });
    // Hashed assets first, cached for a year; then index.html and config.json, never cached, which
    // name them. Earlier assets stay (prune off), so a page open during a deploy still loads.
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [page],
      destinationBucket: this.bucket,
      include: ['assets/*'],
      exclude: ['*'],
      prune: false,
      cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
      logGroup: deployLogs,
    });
    const entry = new BucketDeployment(this, 'DeployPage', {
      sources: [page, Source.jsonData(CONFIG_FILE, dashboardConfig)],
      destinationBucket: this.bucket,
      exclude: ['assets/*'],
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/', '/index.html', `/${CONFIG_FILE}`],
      logGroup: deployLogs,
    });
    entry.node.addDependency(assets);
    acknowledgeDeploymentHandler(this, this.bucket);

    this.url = settings.domainName ? `https://${settings.domainName}` : `https://${this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'Url', {
      value: this.url,
      description: 'The dashboard; register <Url>/ as a redirect URI (and web origin) of the OIDC client',
    });
  }
}

/**
 * BucketDeployment's handler is one function per stack (a singleton beside this construct), with
 * the AWS-managed basic execution policy and the role policy CDK generates: read the asset from the
 * bootstrap bucket, write the site bucket's objects, invalidate the distribution.
 */
function acknowledgeDeploymentHandler(scope: Construct, site: Bucket): void {
  const stack = Stack.of(scope);
  const siteId = stack.resolve((site.node.defaultChild as CfnBucket).logicalId) as string;
  const assetBucket = `arn:<AWS::Partition>:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-<AWS::Region>/*`;
  const wildcards: Array<[string, string]> = [
    ['Action::s3:GetObject*', 'reads the built page from the CDK asset bucket'],
    ['Action::s3:GetBucket*', "reads the asset and site buckets' metadata while copying"],
    ['Action::s3:List*', 'lists the site bucket to compare what is deployed'],
    ['Action::s3:DeleteObject*', 'replaces the page files in the site bucket'],
    ['Action::s3:Abort*', 'aborts a failed multipart upload of a page file'],
    [`Resource::${assetBucket}`, 'the asset objects CDK uploaded for this deployment, in the bootstrap bucket'],
    [`Resource::<${siteId}.Arn>/*`, "the site bucket's objects, which it owns"],
    ['Resource::*', 'cloudfront:CreateInvalidation and GetInvalidation take no resource narrower than *'],
  ];
  for (const c of stack.node.children) {
    if (!c.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    acknowledgeNag(
      c,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      "CDK's BucketDeployment handler uses AWSLambdaBasicExecutionRole for its own CloudWatch Logs; it runs only during a deployment.",
    );
    acknowledgeNag(
      c,
      'AwsSolutions-L1',
      "The runtime of CDK's BucketDeployment handler is chosen and updated by aws-cdk-lib, not by this app.",
    );
    for (const [finding, why] of wildcards) {
      acknowledgeNag(
        c,
        `AwsSolutions-IAM5[${finding}]`,
        `CDK's BucketDeployment handler copies the dashboard into its bucket during a deployment: it ${why}.`,
      );
    }
  }
}
