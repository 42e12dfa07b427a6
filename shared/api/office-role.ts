import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { InvalidOfficeRoleError } from '../config/errors.js';

/**
 * Who may act as the supervision office (督查室): reviews of completion claims and plan amendments.
 * The read API's JWT authorizer lets every signed-in reader through; office actions also need a claim
 * of the token, named by configuration (CDK context `officeClaim`, docs/deploy.md): by default the
 * OAuth scope `supervision/office`, or e.g. the group `督查室` in `cognito:groups`.
 */
export interface OfficeRole {
  /** The JWT claim to read (`scope`, `scp`, `groups`, `cognito:groups`, `roles`, …). */
  claim: string;
  /** The value it must contain. */
  value: string;
}

export const DEFAULT_OFFICE_ROLE: OfficeRole = { claim: 'scope', value: 'supervision/office' };

/** The caller of an office action: the office (with who it is, for the audit row), a reader, or nobody. */
export type OfficeCaller = { kind: 'office'; actor: string } | { kind: 'reader' } | { kind: 'anonymous' };

/** `<claim>=<value>` (the CDK context and the function's `OFFICE_CLAIM`), e.g. `cognito:groups=督查室`. */
export function parseOfficeRole(text: string | undefined): OfficeRole {
  if (text === undefined || text.trim() === '') return DEFAULT_OFFICE_ROLE;
  const at = text.indexOf('=');
  const claim = at < 0 ? '' : text.slice(0, at).trim();
  const value = at < 0 ? '' : text.slice(at + 1).trim();
  if (!claim || !value || /\s/.test(value))
    throw new InvalidOfficeRoleError(
      `office role must be <claim>=<value> with a value without spaces, e.g. scope=supervision/office, got "${text}"`,
    );
  return { claim, value };
}

export function formatOfficeRole(role: OfficeRole): string {
  return `${role.claim}=${role.value}`;
}

/**
 * The values of a claim as API Gateway hands them over: a string (space-separated for `scope`), an
 * array, or an array flattened to a string (`[a b]`, as HTTP APIs pass JWT arrays).
 */
function claimValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  // A number or boolean claim reads as its text; an object names no role.
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (typeof value !== 'string') return [];
  const inner = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  return inner.split(/[\s,]+/).filter(Boolean);
}

interface JwtAuthorizer {
  jwt?: { claims?: Record<string, unknown>; scopes?: string[] | null };
  iam?: { userArn?: string; userId?: string; caller?: string };
}

/**
 * The caller in AWS, from the authorizer's context of the HTTP API event:
 * - JWT (an OIDC issuer is configured): the office when the token's `role.claim` contains `role.value`,
 *   a reader otherwise; the actor is the token's `sub`.
 * - IAM (no issuer): API Gateway already checked `execute-api:Invoke` on this very route, so the IAM
 *   policy that lets a principal call `POST /v1/plans/…` is the office role; the actor is its ARN.
 * - No authorizer context at all: nobody (the route was deployed without an authorizer).
 */
export function officeCallerFromAuthorizer(event: APIGatewayProxyEventV2, role: OfficeRole): OfficeCaller {
  const authorizer = (event.requestContext as { authorizer?: JwtAuthorizer }).authorizer;
  const jwt = authorizer?.jwt;
  if (jwt) {
    const claims = jwt.claims ?? {};
    const values = [...claimValues(claims[role.claim]), ...(role.claim === 'scope' ? (jwt.scopes ?? []) : [])];
    if (!values.includes(role.value)) return { kind: 'reader' };
    const sub = typeof claims.sub === 'string' && claims.sub ? claims.sub : 'unknown';
    return { kind: 'office', actor: `jwt:${sub}` };
  }
  const iam = authorizer?.iam;
  if (iam) return { kind: 'office', actor: `iam:${iam.userArn ?? iam.caller ?? iam.userId ?? 'unknown'}` };
  return { kind: 'anonymous' };
}
