import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, renderOpenApiJson } from '../../shared/api/openapi.js';
import { TaskResponse } from '../../shared/api/responses.js';
import { PLAN, FakeStore, setup, request, json, expectError, P } from '../helpers/query-api.js';

// ---------------------------------------------------------------- cross-cutting

describe('authorization', () => {
  const authorize = (event: APIGatewayProxyEventV2) => event.headers.authorization === 'Bearer good';

  it('answers the same 401 for a missing, malformed or wrong token, on every path', async () => {
    const { handler, store } = setup({ authorize });
    const answers = await Promise.all([
      handler(request(P, {}, 'GET', {})),
      handler(request(P, {}, 'GET', { authorization: 'Basic Zm9vOmJhcg==' })),
      handler(request(P, {}, 'GET', { authorization: 'Bearer wrong' })),
      handler(request(`${P}/tasks/T99`, {}, 'GET', {})),
      handler(request('/v1/nowhere', {}, 'GET', {})),
      handler(request(P, {}, 'DELETE', {})),
    ]);
    for (const res of answers) {
      expectError(res, 401, 'unauthorized');
      expect(res.headers?.['www-authenticate']).toBe('Bearer');
      expect(res.body).toBe(answers[0]?.body);
    }
    expect(store.calls.loadPlanState).toBe(0);
  });

  it('serves a request with a good token', async () => {
    const { handler } = setup({ authorize });
    expect((await handler(request(P))).statusCode).toBe(200);
  });

  it('serves the OpenAPI document without a token', async () => {
    const { handler } = setup({ authorize: () => false });
    const res = await handler(request('/v1/openapi.json', {}, 'GET', {}));
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(json(res)).toEqual(buildOpenApiDocument());
    // Byte for byte the generator's text, the same as docs/openapi.json (held to it by openapi.test.ts).
    expect(res.body).toBe(renderOpenApiJson());
  });
});

describe('routing and errors', () => {
  it('answers 404 not_found for an unknown route', async () => {
    const { handler } = setup();
    for (const path of ['/v1/nowhere', '/v1/plans', `${P}/tasks`, `${P}/tasks/T08/reports`, '/']) {
      expectError(await handler(request(path)), 404, 'not_found');
    }
  });

  it('answers 405 with Allow: GET for another method', async () => {
    const { handler } = setup();
    for (const [method, path] of [
      ['POST', P],
      ['DELETE', `${P}/tasks/T08`],
      ['PUT', '/v1/openapi.json'],
    ] as const) {
      const res = await handler(request(path, {}, method));
      expectError(res, 405, 'method_not_allowed');
      expect(res.headers?.allow).toBe('GET');
    }
  });

  it('rejects an unknown query parameter on every route, naming it', async () => {
    const { handler } = setup();
    for (const path of [P, `${P}/kpis`, `${P}/tasks/T08`, `${P}/overdue`, `${P}/rankings`, `${P}/events`, `${P}/snapshots`]) {
      const err = expectError(await handler(request(path, { foo: '1' })), 400, 'invalid_query');
      expect(err.issues).toEqual([{ path: 'foo', message: 'unknown query parameter' }]);
    }
  });

  it('routes on the raw path, whatever the route key, and decodes path segments', async () => {
    const { handler } = setup();
    const body = TaskResponse.parse(json(await handler(request(`/v1/plans/${PLAN}/tasks/%54%30%38`))));
    expect(body.taskId).toBe('T08');
    expectError(await handler(request('/v1/plans/%E0%A4%A')), 404, 'not_found');
  });

  it('answers 500 internal_error when a store fails, and logs it', async () => {
    const store = new FakeStore();
    store.loadPlanState = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const { handler, logger } = setup({ store });
    const res = await handler(request(P));
    expectError(res, 500, 'internal_error');
    expect(res.body).not.toContain('Provisioned');
    expect(logger.error).toHaveBeenCalledWith(
      'query failed',
      expect.objectContaining({ error: expect.stringContaining('ProvisionedThroughputExceededException') }),
    );
  });
});
