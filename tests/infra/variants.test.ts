import { Match } from 'aws-cdk-lib/assertions';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOidc, parseStage, parseTracing } from '../../infra/config.js';
import { IncompleteOidcConfigError, InvalidTracingContextError, UnknownStageError } from '../../infra/errors.js';
import { defaultEntryFor } from '../../infra/constructs/handler-function.js';
import { FUNCTION_NAMES } from '../../infra/functions.js';
import { API_ROUTES, routeKey } from '../../shared/api/routes.js';
import {
  FIXTURE_ENTRY,
  actionsOf,
  refId,
  resourcesOf,
  synthesizeWithFixtures,
  unacknowledgedFindings,
  type Statement,
  type Synthesized,
} from './helpers.js';

const ISSUER = 'https://login.example.gov.cn/realms/jining';

describe('prod stage with an OIDC issuer', () => {
  let prod: Synthesized;
  beforeAll(() => {
    prod = synthesizeWithFixtures({
      bundle: false,
      context: { stage: 'prod', oidcIssuer: ISSUER, oidcAudience: 'supervision, bureau-portal', officeClaim: 'cognito:groups=督查室' },
    });
  });
  afterAll(() => rmSync(prod.outdir, { recursive: true, force: true }));

  it('names the stack after the stage', () => {
    expect(prod.stack.stackName).toBe('SupervisionProd');
  });

  it('protects the table from deletion and retains it', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    });
  });

  it('retains the secrets and the KMS keys', () => {
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::KMS::Key']) {
      for (const r of Object.values(resourcesOf(prod.template, type))) expect(r.DeletionPolicy, type).toBe('Retain');
    }
  });

  it('logs at INFO', () => {
    // Every function of ours (CDK's BucketDeployment handler for the dashboard is not one, and has no Powertools).
    const ours = Object.values(resourcesOf(prod.template, 'AWS::Lambda::Function')).filter(
      (fn) => (fn.Properties!.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME,
    );
    expect(ours).toHaveLength(FUNCTION_NAMES.length);
    for (const fn of ours) {
      expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_LOG_LEVEL).toBe('INFO');
    }
  });

  it('puts the read routes behind a JWT authorizer of the issuer and audiences', () => {
    const authorizers = resourcesOf(prod.template, 'AWS::ApiGatewayV2::Authorizer');
    const [jwtId, jwt] = Object.entries(authorizers)[0]!;
    expect(Object.keys(authorizers)).toHaveLength(1);
    expect(jwt.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: ISSUER, Audience: ['supervision', 'bureau-portal'] },
    });
    const routes = Object.values(resourcesOf(prod.template, 'AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties!.RouteKey).sort()).toEqual(API_ROUTES.map(routeKey).sort());
    for (const route of API_ROUTES) {
      const key = routeKey(route);
      const r = routes.find((x) => x.Properties!.RouteKey === key)!;
      if (route.access.kind === 'public') expect(r.Properties!.AuthorizationType, key).toBe('NONE');
      else expect(r.Properties, key).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: jwtId } });
    }
    // The public ones are the webhook (signed) and the API description, nothing else.
    expect(
      API_ROUTES.filter((r) => r.access.kind === 'public')
        .map(routeKey)
        .sort(),
    ).toEqual(['GET /v1/openapi.json', 'POST /v1/webhooks/{sourceId}']);
  });

  it('hands the office claim of context officeClaim to office-api', () => {
    const fns = Object.values(resourcesOf(prod.template, 'AWS::Lambda::Function'));
    const office = fns.find(
      (fn) =>
        (fn.Properties!.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME ===
        'office-api',
    );
    expect((office!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.OFFICE_CLAIM).toBe(
      'cognito:groups=督查室',
    );
  });
});

/** The statements of the policies attached to a function's role. */
function roleStatementsOf(s: Synthesized, fnId: string): Statement[] {
  const roleId = refId(resourcesOf(s.template, 'AWS::Lambda::Function')[fnId]!.Properties!.Role);
  return Object.values(resourcesOf(s.template, 'AWS::IAM::Policy'))
    .filter((p) => (p.Properties!.Roles as unknown[]).some((r) => refId(r) === roleId))
    .flatMap((p) => (p.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
}

const XRAY_SOURCES = /aws-xray-sdk-core|@aws-lambda-powertools\/tracer/;

/** The sources esbuild put into a function's bundle (its source map). */
function bundledSources(s: Synthesized, fnId: string): string[] {
  const key = (resourcesOf(s.template, 'AWS::Lambda::Function')[fnId]!.Properties!.Code as { S3Key: string }).S3Key.replace(/\.zip$/, '');
  return (JSON.parse(readFileSync(join(s.outdir, `asset.${key}`, 'index.mjs.map'), 'utf8')) as { sources: string[] }).sources;
}

describe('context tracing=true (X-Ray)', () => {
  let traced: Synthesized;
  let fnIdOf: Map<string, string>;
  beforeAll(() => {
    // apply-progress from its real entry (bundled with the tracer), the others from the fixture.
    traced = synthesizeWithFixtures({
      context: { tracing: 'true' },
      entryFor: (name) => (name === 'apply-progress' ? defaultEntryFor(name) : FIXTURE_ENTRY),
    });
    fnIdOf = new Map(
      Object.entries(resourcesOf(traced.template, 'AWS::Lambda::Function')).map(([id, fn]) => [
        (fn.Properties!.Environment as { Variables: Record<string, string> }).Variables.POWERTOOLS_SERVICE_NAME!,
        id,
      ]),
    );
  }, 120_000);
  afterAll(() => rmSync(traced.outdir, { recursive: true, force: true }));

  it('traces every function actively, with the two X-Ray actions on "*" (their only resource), acknowledged', () => {
    expect([...fnIdOf.keys()].sort()).toEqual([...FUNCTION_NAMES].sort());
    for (const [name, id] of fnIdOf) {
      expect(resourcesOf(traced.template, 'AWS::Lambda::Function')[id]!.Properties!.TracingConfig, name).toEqual({ Mode: 'Active' });
      const xray = roleStatementsOf(traced, id).filter((st) => actionsOf(st).some((a) => a.startsWith('xray:')));
      expect(xray, name).toEqual([{ Effect: 'Allow', Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], Resource: '*' }]);
    }
    expect(unacknowledgedFindings(traced.report)).toEqual([]);
  });

  it('bundles the tracer, and the bundle loads in a Lambda-like environment', () => {
    const id = fnIdOf.get('apply-progress')!;
    expect(bundledSources(traced, id).some((src) => XRAY_SOURCES.test(src))).toBe(true);
    const key = (resourcesOf(traced.template, 'AWS::Lambda::Function')[id]!.Properties!.Code as { S3Key: string }).S3Key.replace(
      /\.zip$/,
      '',
    );
    const out = execFileSync(
      process.execPath,
      [
        '--no-warnings',
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(traced.outdir, `asset.${key}`, 'index.mjs'))}); console.log(typeof m.handler);`,
      ],
      {
        cwd: tmpdir(),
        env: {
          ...process.env,
          AWS_REGION: 'cn-north-1',
          TABLE_NAME: 'supervision',
          AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
          AWS_LAMBDA_FUNCTION_NAME: 'apply-progress',
          POWERTOOLS_LOG_LEVEL: 'SILENT',
        },
        encoding: 'utf8',
      },
    );
    expect(out.trim()).toBe('function');
  });
});

describe('tracing off (the default, or context tracing=false)', () => {
  let plain: Synthesized;
  beforeAll(() => {
    plain = synthesizeWithFixtures({ entryFor: (name) => (name === 'apply-progress' ? defaultEntryFor(name) : FIXTURE_ENTRY) });
  }, 120_000);
  afterAll(() => rmSync(plain.outdir, { recursive: true, force: true }));

  it('neither traces nor grants X-Ray, and leaves the tracer out of the bundle', () => {
    for (const [id, fn] of Object.entries(resourcesOf(plain.template, 'AWS::Lambda::Function'))) {
      expect(fn.Properties!.TracingConfig).toBeUndefined();
      expect(
        roleStatementsOf(plain, id)
          .flatMap(actionsOf)
          .filter((a) => a.startsWith('xray:')),
      ).toEqual([]);
    }
    const id = Object.entries(resourcesOf(plain.template, 'AWS::Lambda::Function')).find(
      ([, fn]) =>
        (fn.Properties!.Environment as { Variables: Record<string, string> }).Variables.POWERTOOLS_SERVICE_NAME === 'apply-progress',
    )![0];
    const sources = bundledSources(plain, id);
    expect(sources.some((src) => src.includes('functions/apply-progress/handler.ts'))).toBe(true);
    expect(sources.filter((src) => XRAY_SOURCES.test(src))).toEqual([]);
  });
});

describe('context parsing', () => {
  it('takes tracing as true or false, unset as the default, and refuses anything else', () => {
    expect(parseTracing(undefined)).toBeUndefined();
    expect(parseTracing('')).toBeUndefined();
    expect(parseTracing('true')).toBe(true);
    expect(parseTracing(true)).toBe(true);
    expect(parseTracing('false')).toBe(false);
    expect(() => parseTracing('yes')).toThrow(InvalidTracingContextError);
  });

  it('defaults to dev and rejects unknown stages', () => {
    expect(parseStage(undefined)).toBe('dev');
    expect(parseStage('prod')).toBe('prod');
    expect(() => parseStage('production')).toThrow(UnknownStageError);
  });

  it('needs the OIDC issuer and audience together', () => {
    expect(parseOidc(undefined, undefined)).toBeUndefined();
    expect(parseOidc(ISSUER, 'a,b')).toEqual({ issuer: ISSUER, audience: ['a', 'b'] });
    expect(() => parseOidc(ISSUER, undefined)).toThrow(IncompleteOidcConfigError);
    expect(() => parseOidc(undefined, 'a')).toThrow(IncompleteOidcConfigError);
  });
});
