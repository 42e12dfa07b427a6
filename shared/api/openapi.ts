import { componentSchemas, type Json } from './openapi/schemas.js';
import { readResponses } from './openapi/error-responses.js';
import { bulletinOperation, readOperations } from './openapi/read-paths.js';
import { officeOperation } from './openapi/office-paths.js';
import { webhookOperation } from './openapi/webhook-path.js';
import { BULLETIN_ROUTE, OFFICE_ROUTES, OPENAPI_PATH, WEBHOOK_PATH } from './routes.js';

/**
 * The OpenAPI 3.1 document of the whole HTTP API — the read routes and the webhook — generated from
 * the zod schemas (`z.toJSONSchema`, JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
 * `scripts/generate-openapi.ts` writes it to `docs/openapi.json`; the query API serves the same
 * text at `GET /v1/openapi.json`. This file puts the document together (info, servers, tags,
 * security) and holds the document route; `openapi/` holds its parts: the schemas and parameters,
 * the shared error answers, and the paths of each area (read, office, webhook).
 */

export const API_VERSION = '1.0.0';

/**
 * What API Gateway itself answers when the stage's throttle (infra/config.ts `apiThrottle`) refuses a
 * request: its own `{ "message": … }` body, before any function runs. Every route can get it; the
 * document route has no other 4xx, so it is documented there.
 */
const gatewayThrottled: Json = {
  description: "Throttled by the HTTP API stage (AWS only); the body is API Gateway's own. Retry later.",
  content: {
    'application/json': {
      schema: { type: 'object', required: ['message'], properties: { message: { type: 'string' } } },
      examples: { throttled: { value: { message: 'Too Many Requests' } } },
    },
  },
};

function openApiOperation(): Json {
  return {
    get: {
      operationId: 'getOpenApi',
      tags: ['meta'],
      summary: 'This document',
      description:
        'The OpenAPI 3.1 document of this API, the same text as docs/openapi.json in the repository. Served without authentication.',
      security: [],
      responses: {
        200: { description: 'The OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } },
        429: gatewayThrottled,
      },
    },
  };
}

/**
 * Where the API is served. Integrators are given the deployed stage's base URL (stack output
 * `ApiUrl`): an HTTP API's default endpoint on the `$default` stage, so no base path. The DNS suffix
 * differs in the China partition, where the bureau's account is expected to be.
 */
const SERVERS: Json[] = [
  {
    url: 'https://{apiId}.execute-api.{region}.{dnsSuffix}',
    description: 'A deployed stage (stack output `ApiUrl`, docs/deploy.md).',
    variables: {
      apiId: { default: 'apiId', description: 'The HTTP API id, the first label of `ApiUrl`.' },
      region: { default: 'cn-north-1', description: 'The AWS region of the stage.' },
      dnsSuffix: {
        default: 'amazonaws.com.cn',
        enum: ['amazonaws.com.cn', 'amazonaws.com'],
        description: '`amazonaws.com.cn` in the China regions, `amazonaws.com` elsewhere.',
      },
    },
  },
  { url: 'http://127.0.0.1:3000', description: 'The local runtime (`npm start`, local/README.md).' },
];

/** Recursively orders object keys, so the text is stable whatever order the document was built in. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** The OpenAPI 3.1 document (keys sorted). */
export function buildOpenApiDocument(): Record<string, unknown> {
  const doc = {
    openapi: '3.1.0',
    info: {
      title: 'Jining sports bureau supervision API (督查督办)',
      version: API_VERSION,
      description:
        "Read API over the 2023 work plan (plan, KPIs, tasks, overdue list, rankings, completion claims, events, snapshots, bulletins), the supervision office's actions (reviews of completion claims) and the signed webhook county systems push to. " +
        'Every JSON error is `{ "error": { "code", "message", "issues"? } }`. See docs/api.md.',
      contact: { name: '济宁市体育局 督查室' },
      // Not published under an open licence: `LicenseRef-` is SPDX's form for a licence it does not list.
      license: { name: 'Proprietary: 济宁市体育局, for the systems it connects', identifier: 'LicenseRef-Proprietary' },
    },
    servers: SERVERS,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'read', description: 'Read API (bearer token)' },
      { name: 'office', description: 'Actions of the supervision office (督查室): bearer token with the office role' },
      { name: 'webhook', description: 'Ingestion from county and office systems (Standard Webhooks signature)' },
      { name: 'meta', description: 'This document' },
    ],
    security: [{ bearerAuth: [] }],
    paths: {
      ...readOperations(),
      [BULLETIN_ROUTE.path]: bulletinOperation(),
      ...Object.fromEntries(OFFICE_ROUTES.map((r) => [r.path, officeOperation(r)])),
      [WEBHOOK_PATH]: webhookOperation(),
      [OPENAPI_PATH]: openApiOperation(),
    },
    components: {
      schemas: componentSchemas(),
      responses: readResponses,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            "In AWS, a JWT from the bureau's OIDC provider (HTTP API JWT authorizer; IAM authorization when none is configured); office actions also need the office claim (context `officeClaim`, default the scope `supervision/office`). Locally, the `API_TOKEN` value, or `OFFICE_TOKEN` for office actions (it reads too).",
        },
        webhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description: 'Standard Webhooks signature (with `webhook-id` and `webhook-timestamp`); see the operation description.',
        },
      },
    },
  };
  return sortKeys(doc) as Record<string, unknown>;
}

/** The document as committed in docs/openapi.json: 2-space JSON with a trailing newline. */
export function renderOpenApiJson(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
