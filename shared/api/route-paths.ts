/**
 * The route paths that need no schema, the shape of a route, and how a path matches one: what a
 * handler on the hot path (ingest-webhook) needs to know its route without bundling the read API's
 * schemas that shared/api/routes.ts imports (about 18 KB minified). The route table itself is
 * `API_ROUTES` in routes.ts, which re-exports these.
 */

export const OPENAPI_PATH = '/v1/openapi.json';
export const WEBHOOK_PATH = '/v1/webhooks/{sourceId}';
/** The bulletin (通报) of a month or quarter: also named in the reminder that says it is ready (shared/reminders/bulletin-ready.ts). */
export const BULLETIN_PATH = '/v1/plans/{planId}/bulletins/{period}';

/** The functions that serve routes (by their names in the registry, infra/functions.ts). */
export type RouteFunction = 'ingest-webhook' | 'query-api' | 'bulletin-api' | 'office-api';

/**
 * One route of the HTTP API. `authorizer`: behind the API's JWT (or IAM) authorizer, which admits
 * every signed-in reader (office-api then checks the office claim itself); `public`: no authorizer,
 * and why that is safe.
 */
export interface ApiRoute {
  method: 'GET' | 'POST';
  path: string;
  function: RouteFunction;
  access: { kind: 'authorizer' } | { kind: 'public'; why: string };
}

/** The webhook route: public, the function verifies the Standard Webhooks signature. */
export const WEBHOOK_ROUTE: ApiRoute = {
  method: 'POST',
  path: WEBHOOK_PATH,
  function: 'ingest-webhook',
  access: {
    kind: 'public',
    why: 'Webhooks are authenticated by their Standard Webhooks HMAC signature, verified by ingest-webhook against the source secrets; county systems hold no AWS or OIDC identity.',
  },
};

/** API Gateway's route key: `POST /v1/webhooks/{sourceId}`. */
export const routeKey = (route: ApiRoute): string => `${route.method} ${route.path}`;

/** A concrete path from a route template and its parameters (encoded): the inverse of `matchTemplate`. */
export function fillTemplate(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`${template}: no value for {${name}}`);
    return encodeURIComponent(value);
  });
}

/** Matches a concrete path against a route template; returns the (decoded) path parameters. */
export function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const m = new RegExp(`^${pattern}/?$`).exec(path);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  try {
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? '');
    });
  } catch {
    return undefined;
  }
  return params;
}
