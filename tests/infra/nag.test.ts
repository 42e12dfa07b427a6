import { Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeWithFixtures, unacknowledgedFindings, type Synthesized } from './helpers.js';

/** What CDK's BucketDeployment handler is acknowledged for (infra/constructs/dashboard.ts). */
const DEPLOYMENT_HANDLER_FINDINGS = [
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  'AwsSolutions-L1',
  'AwsSolutions-IAM5[Action::s3:GetObject*]',
  'AwsSolutions-IAM5[Action::s3:GetBucket*]',
  'AwsSolutions-IAM5[Action::s3:List*]',
  'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
  'AwsSolutions-IAM5[Action::s3:Abort*]',
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
  'AwsSolutions-IAM5[Resource::<DashboardSiteAB106610.Arn>/*]',
  'AwsSolutions-IAM5[Resource::*]',
];

// Bundling is skipped here: these tests are about the validation plugins, not the code assets.
describe('cdk-nag through Validations (v3)', () => {
  let prod: Synthesized;
  beforeAll(() => {
    prod = synthesizeWithFixtures({
      bundle: false,
      context: { stage: 'prod', oidcIssuer: 'https://login.example.gov.cn/realms/jining', oidcAudience: 'supervision' },
    });
  });
  afterAll(() => rmSync(prod.outdir, { recursive: true, force: true }));

  it('reports nothing unacknowledged for the prod stage with a JWT authorizer', () => {
    expect(unacknowledgedFindings(prod.report)).toEqual([]);
  });

  it('is registered by the app: a non-compliant resource fails synthesis with its AwsSolutions findings', () => {
    expect(() =>
      synthesizeWithFixtures({
        bundle: false,
        mutate: ({ stack }) => {
          new Queue(stack, 'PlainQueue');
        },
      }),
    ).toThrow(/AwsSolutions-SQS3[\s\S]*PlainQueue|PlainQueue[\s\S]*AwsSolutions-SQS3/);
  });

  it('acknowledges findings only on their own constructs, each with a reason', () => {
    const acknowledged: { path: string; id: string; reason: string }[] = [];
    for (const c of prod.app.node.findAll()) {
      for (const entry of c.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledged.push({ path: c.node.path, id, reason });
          expect(Stack.isStack(c), `${id} acknowledged on a whole stack`).toBe(false);
          expect(c.node.scope, `${id} acknowledged on the app`).toBeDefined();
        }
      }
    }
    for (const a of acknowledged) expect(a.reason.length, `${a.id} at ${a.path}`).toBeGreaterThan(60);
    // CDK names BucketDeployment's singleton handler with a fixed UUID; the test names it without.
    const where = (path: string) =>
      path
        .split('/')
        .slice(1)
        .join('/')
        .replace(/^Custom::CDKBucketDeployment[0-9A-F]{32}$/, 'Custom::CDKBucketDeployment');
    expect(acknowledged.map((a) => `${where(a.path)} ${a.id}`).sort()).toEqual(
      [
        'Api/CursorSecret AwsSolutions-SMG4',
        'Api/HttpApi/GET--v1--openapi.json AwsSolutions-APIG4',
        'Api/HttpApi/POST--v1--webhooks--{sourceId} AwsSolutions-APIG4',
        'Ingest/SourcesSecret AwsSolutions-SMG4',
        'Notifications/RobotSecret AwsSolutions-SMG4',
        'Pipeline/BusTargetDlq AwsSolutions-SQS3',
        'Pipeline/RelayDlq AwsSolutions-SQS3',
        'Schedules/ScheduleDlq AwsSolutions-SQS3',
        // The dashboard (with OIDC only): CloudFront without a web ACL or custom
        // certificate configured, and CDK's BucketDeployment handler with its generated policy.
        'Dashboard/Distribution AwsSolutions-CFR2',
        'Dashboard/Distribution AwsSolutions-CFR4',
        ...DEPLOYMENT_HANDLER_FINDINGS.map((f) => `Custom::CDKBucketDeployment ${f}`),
      ]
        .map((x) => x.replace(' ', ' AwsSolutions::'))
        .sort(),
    );
  });

  it('needs every acknowledgement: without them, exactly those findings are reported', () => {
    let failure = '';
    try {
      synthesizeWithFixtures({
        bundle: false,
        context: { stage: 'prod', oidcIssuer: 'https://login.example.gov.cn/realms/jining', oidcAudience: 'supervision' },
        mutate: ({ app }) => {
          for (const c of app.node.findAll()) {
            // `node.metadata` is a copy; constructs 10 keeps the entries in `_metadata`.
            const node = c.node as unknown as { _metadata?: { type: string }[] };
            node._metadata = node._metadata?.filter((m) => m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
          }
        },
      });
    } catch (e) {
      failure = String(e);
    }
    const findings = [...failure.matchAll(/Acknowledge with '([^']+)'/g)].map((m) => m[1]).sort();
    expect(findings).toEqual(
      [
        ...Array<string>(3).fill('AwsSolutions::AwsSolutions-SMG4'),
        ...Array<string>(3).fill('AwsSolutions::AwsSolutions-SQS3'),
        ...Array<string>(2).fill('AwsSolutions::AwsSolutions-APIG4'),
        'AwsSolutions::AwsSolutions-CFR2',
        'AwsSolutions::AwsSolutions-CFR4',
        ...DEPLOYMENT_HANDLER_FINDINGS.map((f) => `AwsSolutions::${f}`),
      ].sort(),
    );
  });
});
