import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

/** Deployment stages, chosen with `-c stage=dev|prod` (default dev). */
export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

export class UnknownStageError extends Error {
  constructor(stage: string) {
    super(`unknown stage "${stage}": expected one of ${STAGES.join(', ')}`);
    this.name = 'UnknownStageError';
  }
}

export function parseStage(value: unknown): StageName {
  const stage = value === undefined || value === '' ? 'dev' : String(value);
  if (!(STAGES as readonly string[]).includes(stage)) throw new UnknownStageError(stage);
  return stage as StageName;
}

/** What differs between stages. Everything else is the same template. */
export interface StageConfig {
  readonly stage: StageName;
  /** Table, KMS keys and secrets: RETAIN in prod (data outlives a stack deletion). */
  readonly dataRemovalPolicy: RemovalPolicy;
  readonly tableDeletionProtection: boolean;
  /** Log groups: kept in prod, deleted with a dev stack. */
  readonly logRemovalPolicy: RemovalPolicy;
  readonly logRetention: RetentionDays;
  readonly powertoolsLogLevel: 'DEBUG' | 'INFO';
  /** Default-stage throttling of the HTTP API. */
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Throttling of the webhook route alone (all sources together), so that a flood of webhooks cannot
   * starve the read API, and the reverse. Each source is also held to its own budget by ingest-webhook.
   */
  readonly webhookThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /** How long the bus archive keeps events for replay. */
  readonly archiveRetention: Duration;
}

export function stageConfig(stage: StageName): StageConfig {
  const prod = stage === 'prod';
  return {
    stage,
    dataRemovalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    tableDeletionProtection: prod,
    logRemovalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    logRetention: prod ? RetentionDays.ONE_YEAR : RetentionDays.ONE_MONTH,
    powertoolsLogLevel: prod ? 'INFO' : 'DEBUG',
    apiThrottle: prod ? { rateLimit: 100, burstLimit: 200 } : { rateLimit: 20, burstLimit: 40 },
    webhookThrottle: prod ? { rateLimit: 50, burstLimit: 100 } : { rateLimit: 10, burstLimit: 20 },
    archiveRetention: prod ? Duration.days(400) : Duration.days(30),
  };
}

/** The optional OIDC issuer for the read API (context `oidcIssuer` / `oidcAudience`). */
export interface OidcConfig {
  readonly issuer: string;
  readonly audience: string[];
}

export class IncompleteOidcConfigError extends Error {
  constructor() {
    super('context oidcIssuer and oidcAudience must be given together');
    this.name = 'IncompleteOidcConfigError';
  }
}

export function parseOidc(issuer: unknown, audience: unknown): OidcConfig | undefined {
  const iss = typeof issuer === 'string' ? issuer.trim() : '';
  const aud = typeof audience === 'string' ? audience.split(',').map((a) => a.trim()).filter(Boolean) : [];
  if (!iss && aud.length === 0) return undefined;
  if (!iss || aud.length === 0) throw new IncompleteOidcConfigError();
  return { issuer: iss, audience: aud };
}
