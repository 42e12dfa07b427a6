import { App, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseOfficeRole } from '../shared/api/office-role.js';
import { parseOidc, parseStage, parseTracing, stageConfig } from './config.js';
import type { EntryResolver } from './functions.js';
import { SupervisionStack } from './stack.js';

export interface CreateAppOptions {
  /** Passed to `new App` (tests give `outdir` and `context`). */
  readonly appProps?: AppProps;
  readonly entryFor?: EntryResolver;
}

export interface SupervisionApp {
  readonly app: App;
  readonly stack: SupervisionStack;
}

/** `SupervisionDev`, `SupervisionProd`. */
export function stackName(stage: string): string {
  return `Supervision${stage[0]!.toUpperCase()}${stage.slice(1)}`;
}

/**
 * The CDK app: one stack for the stage given by context `stage` (dev|prod, default dev), the read
 * API's authorizer from context `oidcIssuer`/`oidcAudience`, the office role from `officeClaim`,
 * X-Ray tracing from context `tracing`, cdk-nag's AWS Solutions checks as a validation plugin.
 * Environment-agnostic: the account and region (and partition, aws-cn too) are the ones
 * `cdk deploy` targets.
 */
export function createApp(options: CreateAppOptions = {}): SupervisionApp {
  const app = new App(options.appProps);
  const stage = stageConfig(parseStage(app.node.tryGetContext('stage')));
  const config = { ...stage, tracing: parseTracing(app.node.tryGetContext('tracing')) ?? stage.tracing };
  const oidc = parseOidc(app.node.tryGetContext('oidcIssuer'), app.node.tryGetContext('oidcAudience'));
  // The JWT claim that makes a caller the supervision office (docs/deploy.md), e.g. cognito:groups=督查室.
  const officeRole = parseOfficeRole(app.node.tryGetContext('officeClaim') as string | undefined);
  const stack = new SupervisionStack(app, stackName(config.stage), {
    config,
    officeRole,
    ...(oidc ? { oidc } : {}),
    ...(options.entryFor ? { entryFor: options.entryFor } : {}),
    description: `督查督办 supervision backend (${config.stage})`,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
