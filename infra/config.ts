import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { IncompleteOidcConfigError, InvalidTracingContextError, UnknownStageError } from './errors.js';

/** Deployment stages, chosen with `-c stage=dev|prod` (default dev). */
export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

export function parseStage(value: unknown): StageName {
  // A context value may be any JSON: an object is named as JSON in the error, not '[object Object]'.
  const stage = value === undefined || value === '' ? 'dev' : typeof value === 'string' ? value : JSON.stringify(value);
  if (!(STAGES as readonly string[]).includes(stage)) throw new UnknownStageError(stage, STAGES);
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
  /** X-Ray tracing of every function (Powertools Tracer): `TRACING_BY_DEFAULT`, or context `tracing`. */
  readonly tracing: boolean;
}

/**
 * Tracing is off unless context `tracing=true`: the rule (issue 19) is off by default if it adds
 * more than 30 ms to a cold start, and ingest-webhook's is at that line. `npm run bench`
 * (coldStart.tracing) measures +10 to +28 ms of init CPU per function across runs (ingest: +16 to
 * +28), and the first invocation takes ~2 ms more CPU, which at 256 MB (≈0.15 of a vCPU; the init
 * runs with a burst) is ~14 ms of wall time. It also adds ~128 KB (the tracer and the X-Ray SDK) to
 * each bundle; with tracing off neither is in the bundle.
 */
export const TRACING_BY_DEFAULT = false;

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
    tracing: TRACING_BY_DEFAULT,
  };
}

/** Context `tracing`: `-c tracing=true` (a string) or `"tracing": true` in cdk.json; unset keeps the default. */
export function parseTracing(value: unknown): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InvalidTracingContextError(value);
}

/** The optional OIDC issuer for the read API (context `oidcIssuer` / `oidcAudience`). */
export interface OidcConfig {
  readonly issuer: string;
  readonly audience: string[];
}

export function parseOidc(issuer: unknown, audience: unknown): OidcConfig | undefined {
  const iss = typeof issuer === 'string' ? issuer.trim() : '';
  const aud =
    typeof audience === 'string'
      ? audience
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean)
      : [];
  if (!iss && aud.length === 0) return undefined;
  if (!iss || aud.length === 0) throw new IncompleteOidcConfigError();
  return { issuer: iss, audience: aud };
}
