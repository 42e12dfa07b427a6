import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, type FunctionOf } from '../../infra/functions.js';
import type { HttpFunction, LocalFunctions } from '../../local/registry.js';
import { startRuntime, type Runtime } from '../../local/runtime.js';
import { buildOpenApiDocument } from '../../shared/api/openapi.js';
import { API_ROUTES, fillTemplate, matchRoute, matchTemplate, routeKey, type ApiRoute } from '../../shared/api/routes.js';
import { fixedClock } from '../../shared/time/clocks.js';

/** A concrete path for a route's template: `{planId}` → `planId%201` (a space, to see decoding). */
const concrete = (route: ApiRoute) => fillTemplate(route.path, expectedParams(route));
const expectedParams = (route: ApiRoute) => Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, `${m[1]} 1`]));

describe('the route table (shared/api/routes.ts)', () => {
  it('routes every HTTP function of the registry, and only those', () => {
    const http = (Object.keys(FUNCTIONS) as Array<keyof typeof FUNCTIONS>).filter((n) => FUNCTIONS[n].trigger === 'http');
    expect([...new Set(API_ROUTES.map((r) => r.function))].sort()).toEqual(http.sort());
  });

  it('has no two routes that a request could both take: each route’s request matches its own template only', () => {
    for (const route of API_ROUTES) {
      const takers = API_ROUTES.filter(
        (other) => other.method === route.method && matchTemplate(other.path, concrete(route)) !== undefined,
      );
      expect(takers, routeKey(route)).toEqual([route]);
      expect(matchRoute(route.method, concrete(route))?.route, routeKey(route)).toBe(route);
    }
  });

  it('is what the OpenAPI document describes, route for route', () => {
    const paths = buildOpenApiDocument().paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual(API_ROUTES.map(routeKey).sort());
  });
});

describe('the local runtime routes by the table', () => {
  let dataDir: string;
  let runtime: Runtime;
  const seen: Array<{ fn: string; event: APIGatewayProxyEventV2 }> = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'local-routes-'));
    const recorder =
      (fn: string): HttpFunction =>
      async (event) => {
        seen.push({ fn, event });
        return { statusCode: 200, body: '{}' };
      };
    const http: Record<FunctionOf<'http'>, HttpFunction> = {
      'ingest-webhook': recorder('ingest-webhook'),
      'query-api': recorder('query-api'),
      'bulletin-api': recorder('bulletin-api'),
      'office-api': recorder('office-api'),
    };
    const functions: LocalFunctions = http;
    runtime = await startRuntime(
      {
        port: 0,
        dataDir,
        apiToken: 't',
        clock: fixedClock('2023-06-01T01:00:00Z'),
        schedules: false,
        log: () => undefined,
        webDir: join(dataDir, 'no-site'),
      },
      functions,
    );
  });
  afterAll(async () => {
    await runtime.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it.each(API_ROUTES.map((r) => [routeKey(r), r] as const))(
    '%s goes to the function the table names, with its route key and path parameters',
    async (_key, route) => {
      seen.length = 0;
      const res = await fetch(`${runtime.url}${concrete(route)}`, {
        method: route.method,
        ...(route.method === 'POST' ? { body: '{}' } : {}),
      });
      expect(res.status).toBe(200);
      expect(seen).toHaveLength(1);
      expect(seen[0]!.fn).toBe(route.function);
      expect(seen[0]!.event.routeKey).toBe(routeKey(route));
      const params = expectedParams(route);
      expect(seen[0]!.event.pathParameters).toEqual(Object.keys(params).length > 0 ? params : undefined);
    },
  );

  it('answers a request outside the table as API Gateway does (404 Not Found), invoking nothing', async () => {
    seen.length = 0;
    for (const [method, path] of [
      ['GET', '/v1/plans/jining-sports-2023/tasks'],
      ['POST', '/v1/plans/jining-sports-2023'],
      ['GET', '/v1/webhooks/rencheng'],
      ['GET', '/v1/plans/jining-sports-2023/tasks/T01/reviews'],
    ] as const) {
      const res = await fetch(`${runtime.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(await res.json()).toEqual({ message: 'Not Found' });
    }
    expect(seen).toEqual([]);
  });
});
