import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardConfigError } from '../../infra/errors.js';
import { PAGE_HEADERS, pageCsp } from '../../web/csp.js';
import { refId, resourcesOf, synthesizeWithFixtures, unacknowledgedFindings, type Synthesized } from './helpers.js';

const ISSUER = 'https://login.example.gov.cn/realms/jining';
const OIDC = { stage: 'prod', oidcIssuer: ISSUER, oidcAudience: 'supervision, bureau-portal' };
/** CloudFront's managed policies (fixed ids). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

// One synthesis with bundling on: the page is built by the asset's local bundling, as in `cdk synth`.
let synth: Synthesized;
beforeAll(() => {
  synth = synthesizeWithFixtures({ context: OIDC });
}, 120_000);
afterAll(() => rmSync(synth.outdir, { recursive: true, force: true }));

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a template

function only(type: string): [string, Json] {
  const all = Object.entries(resourcesOf(synth.template, type));
  expect(all, type).toHaveLength(1);
  return [all[0]![0], all[0]![1].Properties as Json];
}

const distribution = () => only('AWS::CloudFront::Distribution')[1].DistributionConfig as Json;

/** The staged asset folders of the synthesis that contain `file`. */
function assetsWith(file: string): string[] {
  return readdirSync(synth.outdir)
    .filter((d) => d.startsWith('asset.') && existsSync(join(synth.outdir, d, file)))
    .map((d) => join(synth.outdir, d));
}

describe('the dashboard construct', () => {
  it('synthesizes with nothing unacknowledged by cdk-nag or the CloudFormation validation', () => {
    expect(unacknowledgedFindings(synth.report)).toEqual([]);
  });

  it('keeps the page in a private, encrypted, TLS-only bucket that only this distribution reads (origin access control)', () => {
    const [siteId] = Object.entries(resourcesOf(synth.template, 'AWS::S3::Bucket')).find(
      ([, b]) => (b.Properties as Json).LoggingConfiguration,
    )!;
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 's3/' }),
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    const [oacId, oac] = only('AWS::CloudFront::OriginAccessControl');
    expect(oac.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [distId] = only('AWS::CloudFront::Distribution');
    const policy = Object.values(resourcesOf(synth.template, 'AWS::S3::BucketPolicy')).find(
      (p) => refId((p.Properties as Json).Bucket) === siteId,
    )!.Properties as Json;
    const statements = policy.PolicyDocument.Statement as Json[];
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    const read = statements.find((s) => s.Principal?.Service === 'cloudfront.amazonaws.com')!;
    expect(read).toMatchObject({ Effect: 'Allow', Action: 's3:GetObject' });
    expect(JSON.stringify(read.Condition)).toContain(distId);
    expect(statements.filter((s) => s.Effect === 'Allow' && s.Principal === '*')).toEqual([]);
    const s3Origin = (distribution().Origins as Json[]).find((o) => o.S3OriginConfig)!;
    expect(refId(s3Origin.OriginAccessControlId)).toBe(oacId);
  });

  it('serves the page over HTTPS only, with the CSP of web/csp.ts (the issuer allowed for connect-src) and the security headers', () => {
    const d = distribution();
    expect(d.DefaultRootObject).toBe('index.html');
    expect(d.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
      Compress: true,
    });
    expect(d.Restrictions).toEqual({ GeoRestriction: { Locations: ['CN'], RestrictionType: 'whitelist' } });
    expect(d.Logging).toMatchObject({ Prefix: 'cloudfront/' });
    const policies = resourcesOf(synth.template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const page = policies[refId(d.DefaultCacheBehavior.ResponseHeadersPolicyId)!]!.Properties as Json;
    const sec = page.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(sec.ContentSecurityPolicy).toEqual({
      ContentSecurityPolicy: pageCsp({ connectOrigins: ['https://login.example.gov.cn'] }),
      Override: true,
    });
    expect(sec.ContentSecurityPolicy.ContentSecurityPolicy).toContain("connect-src 'self' https://login.example.gov.cn;");
    expect(sec).toMatchObject({
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31536000, IncludeSubdomains: true, Override: true },
    });
    const custom = Object.fromEntries(
      (page.ResponseHeadersPolicyConfig.CustomHeadersConfig.Items as Json[]).map((h) => [h.Header, h.Value]),
    );
    expect(custom).toEqual({
      'permissions-policy': PAGE_HEADERS['permissions-policy'],
      'cross-origin-opener-policy': PAGE_HEADERS['cross-origin-opener-policy'],
      'cross-origin-resource-policy': PAGE_HEADERS['cross-origin-resource-policy'],
    });
  });

  it('puts the read API on the same origin under /v1/*: HTTPS to the HTTP API, nothing cached, reads only', () => {
    const d = distribution();
    const api = (d.CacheBehaviors as Json[])[0]!;
    expect(d.CacheBehaviors).toHaveLength(1);
    expect(api).toMatchObject({
      PathPattern: '/v1/*',
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST,
    });
    const origin = (d.Origins as Json[]).find((o) => o.Id === api.TargetOriginId)!;
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
    // The host name of the HTTP API's endpoint.
    const apiId = Object.keys(resourcesOf(synth.template, 'AWS::ApiGatewayV2::Api'))[0];
    expect(origin.DomainName).toEqual({ 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] }] }] });
    // The API keeps its own headers' CSP (the printable bulletin has one): no CSP in this policy.
    const apiPolicy = resourcesOf(synth.template, 'AWS::CloudFront::ResponseHeadersPolicy')[refId(api.ResponseHeadersPolicyId)!]!
      .Properties as Json;
    expect(apiPolicy.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy).toBeUndefined();
  });

  it('builds the page at synth time and deploys it with an OIDC config.json for the client the authorizer trusts', () => {
    const built = assetsWith('index.html');
    expect(built).toHaveLength(1);
    const dir = built[0]!;
    const html = readFileSync(join(dir, 'index.html'), 'utf8');
    const js = /src="\/(assets\/app-[\w-]+\.js)"/.exec(html)?.[1];
    expect(js).toBeDefined();
    expect(existsSync(join(dir, js!))).toBe(true);
    // The local build's token config is not in the asset: AWS gets its own.
    expect(existsSync(join(dir, 'config.json'))).toBe(false);
    const configs = assetsWith('config.json').map((d) => JSON.parse(readFileSync(join(d, 'config.json'), 'utf8')) as Json);
    expect(configs).toEqual([
      {
        plans: [{ planId: 'jining-sports-2023', title: '济宁市体育局2023年工作要点' }],
        auth: { mode: 'oidc', issuer: ISSUER, clientId: 'supervision', scopes: 'openid' },
      },
    ]);

    const deployments = Object.values(resourcesOf(synth.template, 'Custom::CDKBucketDeployment')).map((r) => r.Properties as Json);
    expect(deployments).toHaveLength(2);
    const [assets, page] = [deployments.find((d) => !d.DistributionId)!, deployments.find((d) => d.DistributionId)!];
    expect(assets).toMatchObject({
      Prune: false,
      Include: ['assets/*'],
      SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
    });
    expect(page).toMatchObject({
      Prune: false,
      Exclude: ['assets/*'],
      SystemMetadata: { 'cache-control': 'no-cache' },
      DistributionPaths: ['/', '/index.html', '/config.json'],
    });
  });

  it('outputs the dashboard URL', () => {
    const outputs = synth.template.toJSON().Outputs as Json;
    const url = Object.entries(outputs).find(([k]) => k.startsWith('DashboardUrl'))?.[1];
    expect(JSON.stringify(url?.Value)).toContain('DomainName');
  });
});

describe('dashboard context', () => {
  it('pins TLS 1.2 on a custom domain and attaches a web ACL when given, acknowledging neither finding then', () => {
    const s = synthesizeWithFixtures({
      bundle: false,
      context: {
        ...OIDC,
        dashboardDomain: 'dubanban.jining.gov.cn',
        dashboardCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100',
        dashboardWebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/dashboard/0a1b2c3d',
        dashboardCountries: 'cn, hk',
        dashboardClientId: 'bureau-portal',
      },
    });
    try {
      expect(unacknowledgedFindings(s.report)).toEqual([]);
      const d = Object.values(resourcesOf(s.template, 'AWS::CloudFront::Distribution'))[0]!.Properties!.DistributionConfig as Json;
      expect(d.Aliases).toEqual(['dubanban.jining.gov.cn']);
      expect(d.ViewerCertificate).toMatchObject({ MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
      expect(d.WebACLId).toMatch(/webacl\/dashboard/);
      expect(d.Restrictions.GeoRestriction.Locations).toEqual(['CN', 'HK']);
      expect(s.stack.dashboard?.settings.clientId).toBe('bureau-portal');
      const acks = s.stack.dashboard!.distribution.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
      expect(acks).toEqual([]);
    } finally {
      rmSync(s.outdir, { recursive: true, force: true });
    }
  });

  it('is not built without OIDC (the page could not sign in to an IAM-authorized API)', () => {
    const s = synthesizeWithFixtures({ bundle: false });
    try {
      expect(s.stack.dashboard).toBeUndefined();
      s.template.resourceCountIs('AWS::CloudFront::Distribution', 0);
    } finally {
      rmSync(s.outdir, { recursive: true, force: true });
    }
  });

  it('refuses a client the authorizer does not trust, a domain without its certificate, and bad country codes', () => {
    const attempt = (extra: Record<string, string>) => () => synthesizeWithFixtures({ bundle: false, context: { ...OIDC, ...extra } });
    expect(attempt({ dashboardClientId: 'someone-else' })).toThrow(DashboardConfigError);
    expect(attempt({ dashboardDomain: 'dubanban.jining.gov.cn' })).toThrow(/together/);
    expect(attempt({ dashboardCountries: 'China' })).toThrow(/ISO 3166/);
  });
});
