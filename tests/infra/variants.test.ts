import { Match } from 'aws-cdk-lib/assertions';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IncompleteOidcConfigError, UnknownStageError, parseOidc, parseStage } from '../../infra/config.js';
import { OFFICE_ROUTES, READ_ROUTES, OPENAPI_ROUTE, WEBHOOK_ROUTE } from '../../infra/constructs/api.js';
import { FUNCTION_NAMES } from '../../infra/functions.js';
import { resourcesOf, synthesizeWithFixtures, type Synthesized } from './helpers.js';

const ISSUER = 'https://login.example.gov.cn/realms/jining';

describe('prod stage with an OIDC issuer', () => {
  let prod: Synthesized;
  beforeAll(() => {
    prod = synthesizeWithFixtures({ bundle: false, context: { stage: 'prod', oidcIssuer: ISSUER, oidcAudience: 'supervision, bureau-portal', officeClaim: 'cognito:groups=督查室' } });
  });
  afterAll(() => rmSync(prod.outdir, { recursive: true, force: true }));

  it('names the stack after the stage', () => {
    expect(prod.stack.stackName).toBe('SupervisionProd');
  });

  it('protects the table from deletion and retains it', () => {
    prod.template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    });
  });

  it('retains the secrets and the KMS keys', () => {
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::KMS::Key']) {
      for (const r of Object.values(resourcesOf(prod.template, type))) expect(r.DeletionPolicy, type).toBe('Retain');
    }
  });

  it('logs at INFO', () => {
    // Every function of ours (CDK's BucketDeployment handler for the dashboard is not one, and has no Powertools).
    const ours = Object.values(resourcesOf(prod.template, 'AWS::Lambda::Function')).filter((fn) => (fn.Properties!.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME);
    expect(ours).toHaveLength(FUNCTION_NAMES.length);
    for (const fn of ours) {
      expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.POWERTOOLS_LOG_LEVEL).toBe('INFO');
    }
  });

  it('puts the read routes behind a JWT authorizer of the issuer and audiences', () => {
    const authorizers = resourcesOf(prod.template, 'AWS::ApiGatewayV2::Authorizer');
    const [jwtId, jwt] = Object.entries(authorizers)[0]!;
    expect(Object.keys(authorizers)).toHaveLength(1);
    expect(jwt.Properties).toMatchObject({ AuthorizerType: 'JWT', JwtConfiguration: { Issuer: ISSUER, Audience: ['supervision', 'bureau-portal'] } });
    const routes = Object.values(resourcesOf(prod.template, 'AWS::ApiGatewayV2::Route'));
    for (const key of [...READ_ROUTES.map((p) => `GET ${p}`), ...OFFICE_ROUTES.map((p) => `POST ${p}`)]) {
      const r = routes.find((x) => x.Properties!.RouteKey === key)!;
      expect(r.Properties, key).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: jwtId } });
    }
    for (const key of [`POST ${WEBHOOK_ROUTE}`, `GET ${OPENAPI_ROUTE}`]) {
      expect(routes.find((x) => x.Properties!.RouteKey === key)!.Properties!.AuthorizationType).toBe('NONE');
    }
  });

  it('hands the office claim of context officeClaim to office-api', () => {
    const fns = Object.values(resourcesOf(prod.template, 'AWS::Lambda::Function'));
    const office = fns.find((fn) => (fn.Properties!.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.POWERTOOLS_SERVICE_NAME === 'office-api');
    expect((office!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables.OFFICE_CLAIM).toBe('cognito:groups=督查室');
  });
});

describe('context parsing', () => {
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
