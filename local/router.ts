import type { IncomingMessage, ServerResponse } from 'node:http';
import { matchRoute, routeKey } from '../shared/api/routes.js';
import type { AdminApi } from './admin.js';
import { MAX_BODY_BYTES, discardBody, readBody } from './body.js';
import { NotWiredError, PayloadTooLargeError } from './errors.js';
import { allowedHost } from './host-check.js';
import { errorBody, toApiGatewayEvent, writeApiGatewayResult, writeJson, type RouteMatch } from './http-event.js';
import { lambdaContext, withTimeout } from './lambda-context.js';
import type { HttpFunction, LocalFunctions } from './registry.js';
import type { StaticSite } from './static.js';

export interface RouterOptions {
  fns: LocalFunctions;
  host: string;
  /** The port the server listens on (the Host check accepts only it). */
  port: () => number;
  region: string;
  httpTimeoutMs: number;
  maxBodyBytes?: number;
  admin: AdminApi;
  site: StaticSite;
  log: (line: string) => void;
}

/**
 * The HTTP side of the local runtime, in the order it decides: the Host check (DNS rebinding), the
 * body limit, `/health`, the admin API, the routes of the one route table (shared/api/routes.ts) to
 * the functions it names, as the HTTP API invokes them, then the dashboard page; 404 otherwise.
 */
export function createRouter(options: RouterOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { fns, host, region, httpTimeoutMs, admin, site, log } = options;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;

  async function invokeHttp(
    fn: HttpFunction | undefined,
    name: string,
    req: IncomingMessage,
    res: ServerResponse,
    route: RouteMatch,
    body: Buffer,
  ): Promise<void> {
    if (!fn) return writeJson(res, 501, errorBody('not_implemented', new NotWiredError(name).message));
    const event = toApiGatewayEvent(req, body, route, req.headers.host ?? `${host}`);
    let result;
    try {
      result = await withTimeout(fn(event, lambdaContext(name, httpTimeoutMs, region)), name, httpTimeoutMs);
    } catch (err) {
      log(`${name} failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      const timedOut = err instanceof Error && err.name === 'InvocationTimeoutError';
      return writeJson(res, timedOut ? 503 : 500, { message: timedOut ? 'Service Unavailable' : 'Internal Server Error' });
    }
    writeApiGatewayResult(res, result);
  }

  return async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHost(req.headers.host, options.port())) {
      discardBody(req);
      return writeJson(
        res,
        403,
        errorBody('host_not_allowed', 'the local runtime answers only requests to localhost, 127.0.0.1 or [::1]'),
        { connection: 'close' },
      );
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch (err) {
      if (err instanceof PayloadTooLargeError) {
        discardBody(req);
        return writeJson(res, 413, errorBody('payload_too_large', `request body is over ${maxBodyBytes} bytes`), { connection: 'close' });
      }
      throw err;
    }
    if (method === 'GET' && path === '/health') return writeJson(res, 200, { status: 'ok' });
    if (path === '/v1/admin' || path.startsWith('/v1/admin/')) return admin(req, res, path, body);
    // As the HTTP API routes it: the one route table (shared/api/routes.ts) names the function.
    const matched = matchRoute(method, path);
    if (matched) {
      const { route, pathParameters } = matched;
      // API Gateway leaves pathParameters out of a route without parameters.
      const params = Object.keys(pathParameters).length > 0 ? { pathParameters } : {};
      return invokeHttp(fns[route.function], route.function, req, res, { routeKey: routeKey(route), ...params }, body);
    }
    if ((method === 'GET' || method === 'HEAD') && (await site(req, res, path))) return;
    return writeJson(res, 404, { message: 'Not Found' });
  };
}
