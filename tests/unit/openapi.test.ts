import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument, renderOpenApiJson } from '../../shared/api/openapi.js';
import { OFFICE_ROUTES, READ_ROUTES } from '../../shared/api/routes.js';
import { OPENAPI_FILE } from '../../scripts/generate-openapi.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- walking a JSON document

const doc = buildOpenApiDocument() as Json;

describe('docs/openapi.json', () => {
  it('is up to date with the zod schemas (run `npx tsx scripts/generate-openapi.ts`)', () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(renderOpenApiJson());
  });

  it('is 2-space JSON with sorted keys and a trailing newline, identical on every build', () => {
    const text = renderOpenApiJson();
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toMatch(/^ {2}"/);
    expect(renderOpenApiJson()).toBe(text);
    const check = (v: unknown): void => {
      if (Array.isArray(v)) return v.forEach(check);
      if (v && typeof v === 'object') {
        const keys = Object.keys(v);
        expect(keys).toEqual([...keys].sort());
        Object.values(v).forEach(check);
      }
    };
    check(JSON.parse(text));
  });
});

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with a bearer JWT scheme for reads and a signature scheme for the webhook', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.components.securitySchemes.webhookSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'webhook-signature' });
  });

  it('has every route, and nothing else', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/v1/openapi.json',
        '/v1/plans/{planId}',
        '/v1/plans/{planId}/amendments',
        '/v1/plans/{planId}/bulletins/{period}',
        '/v1/plans/{planId}/events',
        '/v1/plans/{planId}/kpis',
        '/v1/plans/{planId}/overdue',
        '/v1/plans/{planId}/rankings',
        '/v1/plans/{planId}/reviews',
        '/v1/plans/{planId}/snapshots',
        '/v1/plans/{planId}/tasks/{taskId}',
        '/v1/plans/{planId}/tasks/{taskId}/reviews',
        '/v1/webhooks/{sourceId}',
      ].sort(),
    );
    expect(Object.keys(doc.paths['/v1/webhooks/{sourceId}'])).toEqual(['post']);
    expect(doc.paths['/v1/openapi.json'].get.security).toEqual([]);
  });

  it('says who runs it, under what terms, and where it is served (what the OpenAPI linters ask for)', () => {
    expect(doc.info.contact.name).toContain('督查室');
    // An SPDX expression: `LicenseRef-…` is SPDX's form for a licence it does not list.
    expect(doc.info.license.identifier).toMatch(/^LicenseRef-[A-Za-z0-9.-]+$/);
    expect(doc.servers.map((s: Json) => s.url)).toEqual(['https://{apiId}.execute-api.{region}.{dnsSuffix}', 'http://127.0.0.1:3000']);
    const variables = doc.servers[0].variables as Record<string, Json>;
    expect(Object.keys(variables).sort()).toEqual(['apiId', 'dnsSuffix', 'region']);
    expect(variables.dnsSuffix!.enum).toContain(variables.dnsSuffix!.default);
  });

  it('gives every operation a description and at least one 4xx answer', () => {
    const operations = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => [`${method} ${path}`, op as Json] as const),
    );
    expect(operations.length).toBe(Object.keys(doc.paths).length);
    for (const [name, op] of operations) {
      expect(op.description, name).toEqual(expect.any(String));
      expect(
        Object.keys(op.responses).some((code) => /^4\d\d$/.test(code)),
        name,
      ).toBe(true);
    }
  });

  it.each(READ_ROUTES.map((r) => [r.path, r] as const))(
    'documents GET %s: bearer auth, path and query parameters, its schema, its errors',
    (path, route) => {
      const op = doc.paths[path].get;
      expect(op.operationId).toBe(route.operationId);
      expect(op.security).toEqual([{ bearerAuth: [] }]);
      const names = op.parameters.map((p: Json) => `${p.in}:${p.name}`);
      const pathParams = [...path.matchAll(/\{(\w+)\}/g)].map((m) => `path:${m[1]}`);
      const queryParams = Object.keys(route.query.shape).map((k) => `query:${k}`);
      expect(names.sort()).toEqual([...pathParams, ...queryParams].sort());
      expect(op.responses['200'].content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${route.responseName}` });
      expect(doc.components.schemas[route.responseName]).toBeDefined();
      for (const code of ['400', '401', '404', '500']) expect(op.responses[code]?.$ref).toMatch(/^#\/components\/responses\//);
    },
  );

  it('documents the contract fields of the read responses', () => {
    const s = doc.components.schemas;
    expect(s.PlanResponse.required).toEqual(
      expect.arrayContaining(['planId', 'title', 'year', 'documentNumber', 'flags', 'asOf', 'tasks']),
    );
    expect(s.PlanResponse.properties.tasks.items.required).toEqual(
      expect.arrayContaining(['taskId', 'section', 'title', 'dueDate', 'leadOrgIds', 'supportOrgIds', 'status']),
    );
    expect(s.PlanResponse.properties.tasks.items.properties.status.enum).toEqual(['green', 'yellow', 'red', 'done']);
    expect(s.KpisResponse.properties.kpis.items.required).toEqual(
      expect.arrayContaining(['kpiId', 'taskId', 'name', 'unit', 'target', 'value', 'progress', 'expected', 'status', 'byOrg']),
    );
    expect(s.TaskResponse.properties.reports.required).toEqual(['items', 'nextCursor']);
    expect(s.OverdueResponse.properties.items.items.required).toEqual([
      'taskId',
      'title',
      'dueDate',
      'daysOverdue',
      'workdaysOverdue',
      'orgIds',
    ]);
    expect(s.RankingsResponse.properties.orgs.items.required).toEqual(
      expect.arrayContaining(['orgId', 'name', 'rank', 'score', 'green', 'yellow', 'red', 'done', 'overdue']),
    );
    expect(s.EventsResponse.required).toEqual(['items', 'nextCursor']);
    expect(s.ErrorResponse.properties.error.required).toEqual(['code', 'message']);
  });

  it('documents the webhook: body, Standard Webhooks headers and every answer', () => {
    const op = doc.paths['/v1/webhooks/{sourceId}'].post;
    expect(op.security).toEqual([{ webhookSignature: [] }]);
    const headers = op.parameters.filter((p: Json) => p.in === 'header').map((p: Json) => p.name);
    expect(headers.sort()).toEqual(['webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(op.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/WebhookEnvelope' });
    expect(Object.keys(op.responses).sort()).toEqual(['202', '400', '401', '403', '404', '409', '413', '415', '422', '429', '500', '503']);
    for (const [code, res] of Object.entries<Json>(op.responses)) {
      const content = res.content['application/json'];
      expect(content.schema.$ref).toBe(code === '202' ? '#/components/schemas/WebhookAccepted' : '#/components/schemas/ErrorResponse');
      expect(Object.keys(content.examples).length).toBeGreaterThan(0);
    }
    const envelope = doc.components.schemas.WebhookEnvelope;
    const types = envelope.oneOf.map((v: Json) => v.properties.type.const).sort();
    expect(types).toEqual(['event.registered', 'progress.submitted']);
    // `input` schema: fields with defaults are optional for senders.
    const progressData = envelope.oneOf.find((v: Json) => v.properties.type.const === 'progress.submitted').properties.data;
    expect(progressData.required).not.toContain('metrics');
    expect(progressData.properties.evidence.items.properties.url.pattern).toBe('^(?:https):');
  });

  it.each(OFFICE_ROUTES.map((r) => [r.path, r] as const))(
    'documents the office action POST %s: bearer auth, its body, 403 for a reader, every answer',
    (path, route) => {
      const op = doc.paths[path].post;
      expect(Object.keys(doc.paths[path])).toEqual(['post']);
      expect(op).toMatchObject({ operationId: route.operationId, tags: ['office'], security: [{ bearerAuth: [] }] });
      expect(op.requestBody.content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${route.requestName}` });
      expect(op.responses[String(route.successStatus)].content['application/json'].schema).toEqual({
        $ref: `#/components/schemas/${route.responseName}`,
      });
      const own = route.operationId === 'amendPlan' ? ['422'] : [];
      expect(Object.keys(op.responses).sort()).toEqual(
        // No 503 (issue 18): the office's rows reach the bus through the table's stream; nothing to repeat.
        [String(route.successStatus), '400', '401', '403', '404', '409', '415', '500', ...own].sort(),
      );
      expect(op.responses['403'].content['application/json'].examples.forbidden.value.error.code).toBe('forbidden');
    },
  );

  it('documents the review body: a decision, and a comment (required to return)', () => {
    const body = doc.components.schemas.ReviewRequest;
    expect(body.required).toEqual(['orgId', 'decision']);
    expect(body.properties.decision.enum).toEqual(['approve', 'return']);
    expect(body.additionalProperties).toBe(false);
    expect(doc.components.schemas.ReviewsResponse.properties.items.items.required).toEqual(
      expect.arrayContaining(['taskId', 'orgId', 'claimedAt', 'reportedAt', 'summary', 'evidence', 'kpis']),
    );
  });

  it('has no dangling references', () => {
    const text = JSON.stringify(doc);
    for (const [, kind, name] of text.matchAll(/"#\/components\/(\w+)\/(\w+)"/g)) {
      expect(doc.components[kind!]?.[name!], `${kind}/${name}`).toBeDefined();
    }
    expect(text).not.toContain('"$schema"');
  });
});
