import { Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthesizeWithFixtures, unacknowledgedFindings, type Synthesized } from './helpers.js';

// Bundling is skipped here: these tests are about the validation plugins, not the code assets.
describe('cdk-nag through Validations (v3)', () => {
  let prod: Synthesized;
  beforeAll(() => {
    prod = synthesizeWithFixtures({ bundle: false, context: { stage: 'prod', oidcIssuer: 'https://login.example.gov.cn/realms/jining', oidcAudience: 'supervision' } });
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
    expect(acknowledged.map((a) => `${a.path.split('/').slice(1).join('/')} ${a.id}`).sort()).toEqual(
      [
        'Api/CursorSecret AwsSolutions-SMG4',
        'Api/HttpApi/GET--v1--openapi.json AwsSolutions-APIG4',
        'Api/HttpApi/POST--v1--webhooks--{sourceId} AwsSolutions-APIG4',
        'Ingest/SourcesSecret AwsSolutions-SMG4',
        'Notifications/RobotSecret AwsSolutions-SMG4',
        'Pipeline/BusTargetDlq AwsSolutions-SQS3',
        'Schedules/ScheduleDlq AwsSolutions-SQS3',
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
        ...Array<string>(2).fill('AwsSolutions::AwsSolutions-SQS3'),
        ...Array<string>(2).fill('AwsSolutions::AwsSolutions-APIG4'),
      ].sort(),
    );
  });
});
