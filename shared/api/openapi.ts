import * as z from 'zod';
import { WebhookEnvelope } from '../../events/schemas.js';
import { Plan, TaskId } from '../plan/schema.js';
import { WebhookSource } from '../ingest/sources.js';
import { ErrorResponse, WebhookAccepted } from './responses.js';
import { BULLETIN_FORMATS, BULLETIN_MEDIA_TYPES } from './query-params.js';
import { BULLETIN_ROUTE, OFFICE_ROUTES, OPENAPI_PATH, READ_ROUTES, WEBHOOK_PATH, type OfficeRoute } from './routes.js';

/**
 * The OpenAPI 3.1 document of the whole HTTP API — the read routes and the webhook — generated from
 * the zod schemas (`z.toJSONSchema`, JSON Schema 2020-12, which OpenAPI 3.1 uses as is).
 * `scripts/generate-openapi.ts` writes it to `docs/openapi.json`; the query API serves the same
 * text at `GET /v1/openapi.json`.
 */

export const API_VERSION = '1.0.0';
const REF = (name: string) => `#/components/schemas/${name}`;

type Json = Record<string, unknown>;

/** `z.url({ protocol })` becomes a bare `format: uri`; add the protocol as a pattern (as events/json-schema does). */
const override: NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override'] = (ctx) => {
  const def = ctx.zodSchema._zod.def as { format?: string; protocol?: RegExp };
  if (def.format === 'url' && def.protocol instanceof RegExp) {
    const protocol = def.protocol.source.replace(/^\^/, '').replace(/\$$/, '');
    ctx.jsonSchema.pattern = `^(?:${protocol}):`;
  }
};

function stripMeta(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

/** Component schemas: responses as the service writes them (`output`), the webhook body as senders write it (`input`). */
function componentSchemas(): Record<string, Json> {
  const output = z.registry<{ id: string }>();
  output.add(ErrorResponse, { id: 'ErrorResponse' });
  output.add(WebhookAccepted, { id: 'WebhookAccepted' });
  for (const r of READ_ROUTES) output.add(r.response, { id: r.responseName });
  for (const r of OFFICE_ROUTES) output.add(r.response, { id: r.responseName });
  const input = z.registry<{ id: string }>();
  input.add(WebhookEnvelope, { id: 'WebhookEnvelope' });
  for (const r of OFFICE_ROUTES) input.add(r.request, { id: r.requestName });
  const params = { uri: REF, unrepresentable: 'throw', override, target: 'draft-2020-12' } as const;
  const out = z.toJSONSchema(output, { ...params, io: 'output' }).schemas as Record<string, Json>;
  const inp = z.toJSONSchema(input, { ...params, io: 'input' }).schemas as Record<string, Json>;
  const all: Record<string, Json> = {};
  for (const [name, schema] of Object.entries({ ...out, ...inp })) all[name] = stripMeta(schema);
  return all;
}

/** A single field's JSON Schema (for parameters). */
function fieldSchema(schema: z.ZodType): Json {
  return stripMeta(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw', target: 'draft-2020-12' }) as Json);
}

function queryParameters(query: z.ZodObject): Json[] {
  return Object.entries(query.shape).map(([name, field]) => {
    const schema = fieldSchema(field as z.ZodType);
    const { description, ...rest } = schema;
    return { name, in: 'query', required: false, ...(description ? { description } : {}), schema: rest };
  });
}

const planIdParam = { name: 'planId', in: 'path', required: true, description: 'The plan, e.g. `jining-sports-2023`.', schema: fieldSchema(Plan.shape.planId) };
const taskIdParam = { name: 'taskId', in: 'path', required: true, description: 'The task, `T01`…`T27`.', schema: fieldSchema(TaskId) };
const sourceIdParam = { name: 'sourceId', in: 'path', required: true, description: 'The sending system, as registered with the bureau.', schema: fieldSchema(WebhookSource.shape.sourceId) };

function errorExample(code: string, message: string, issues?: Array<{ path: string; message: string; code?: string }>): Json {
  return { value: { error: issues ? { code, message, issues } : { code, message } } };
}

function errorResponse(description: string, examples: Record<string, Json>, headers?: Json): Json {
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { 'application/json': { schema: { $ref: REF('ErrorResponse') }, examples } },
  };
}

const retryAfter = { 'retry-after': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } } };

/** Reusable answers of the read routes. */
const readResponses: Record<string, Json> = {
  BadRequest: errorResponse('A query parameter is unknown or invalid, or the cursor was altered or belongs to another listing.', {
    invalid_query: errorExample('invalid_query', 'the query parameters are invalid', [{ path: 'limit', message: 'Too big: expected number to be <=100' }]),
    unknown_parameter: errorExample('invalid_query', 'the query parameters are invalid', [{ path: 'page', message: 'unknown query parameter' }]),
    invalid_cursor: errorExample('invalid_cursor', 'the cursor is not valid for this listing'),
  }),
  Unauthorized: errorResponse(
    'The bearer token is missing, malformed or not accepted (the same answer in every case).',
    { unauthorized: errorExample('unauthorized', 'a valid bearer token is required') },
    { 'www-authenticate': { description: '`Bearer`', schema: { type: 'string' } } },
  ),
  NotFound: errorResponse('Unknown plan or task.', {
    plan_not_found: errorExample('plan_not_found', 'no plan nope-2023'),
    task_not_found: errorExample('task_not_found', 'plan jining-sports-2023 has no task T99'),
  }),
  MethodNotAllowed: errorResponse('Only GET is served on this path.', { method_not_allowed: errorExample('method_not_allowed', 'use GET') }, { allow: { schema: { type: 'string' } } }),
  InternalError: errorResponse('The service failed; retry later.', { internal_error: errorExample('internal_error', 'the request could not be served') }),
};

const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/** A GET operation of the read API: bearer auth, the shared error answers, `ok` for 200. */
function readOperation(r: { operationId: string; summary: string; description: string }, parameters: Json[], ok: Json, badRequest: Json = responseRef('BadRequest')): Json {
  return {
    get: {
      operationId: r.operationId,
      tags: ['read'],
      summary: r.summary,
      description: r.description,
      security: [{ bearerAuth: [] }],
      parameters,
      responses: {
        200: ok,
        400: badRequest,
        401: responseRef('Unauthorized'),
        404: responseRef('NotFound'),
        405: responseRef('MethodNotAllowed'),
        500: responseRef('InternalError'),
      },
    },
  };
}

function readOperations(): Record<string, Json> {
  const paths: Record<string, Json> = {};
  for (const r of READ_ROUTES) {
    paths[r.path] = readOperation(r, [planIdParam, ...(r.path.includes('{taskId}') ? [taskIdParam] : []), ...queryParameters(r.query)], {
      description: 'OK',
      content: { 'application/json': { schema: { $ref: REF(r.responseName) } } },
    });
  }
  return paths;
}

function bulletinOperation(): Json {
  const r = BULLETIN_ROUTE;
  const periodParam = {
    name: 'period',
    in: 'path',
    required: true,
    description: 'A month (`2023-06`) or a quarter (`2023-Q2`) of the plan\'s year.',
    schema: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2]|Q[1-4])$' },
  };
  const ok = {
    description: 'The bulletin file.',
    headers: {
      'content-disposition': {
        description: 'RFC 6266: `attachment` (`inline` for html) with an ASCII `filename` and `filename*=UTF-8\'\'通报-<period>.<format>` (percent-encoded).',
        schema: { type: 'string' },
      },
    },
    content: Object.fromEntries(BULLETIN_FORMATS.map((f) => [BULLETIN_MEDIA_TYPES[f], { schema: { type: 'string', ...(f === 'xlsx' ? { format: 'binary' } : {}) } }])),
  };
  const badRequest = errorResponse('The period is malformed, outside the plan\'s year or not begun, or a query parameter is invalid.', {
    invalid_period: errorExample('invalid_period', 'period must be a month (2023-06) or a quarter (2023-Q2), got "2023-13"', [{ path: 'period', message: 'period must be a month (2023-06) or a quarter (2023-Q2), got "2023-13"' }]),
    period_outside_plan: errorExample('period_outside_plan', "period 2024-01 is outside the plan's year 2023", [{ path: 'period', message: "period 2024-01 is outside the plan's year 2023" }]),
    invalid_query: errorExample('invalid_query', 'the query parameters are invalid', [{ path: 'format', message: 'Invalid option: expected one of "xlsx"|"csv"|"html"' }]),
  });
  return readOperation(r, [planIdParam, periodParam, ...queryParameters(r.query)], ok, badRequest);
}

/** What each office action answers besides 200/201, with examples (the codes of functions/office-api). */
const OFFICE_ERRORS: Record<OfficeRoute['operationId'], Record<string, Json>> = {
  reviewClaim: {
    400: errorResponse('Malformed JSON or a body against the contract (every issue with its path); a return without a comment.', {
      malformed_json: errorExample('malformed_json', 'body is not valid JSON'),
      comment_required: errorExample('invalid_body', 'the body does not match the contract', [{ path: 'comment', message: 'a comment is required when returning a claim (退回意见)' }]),
    }),
    404: errorResponse('Unknown plan or task, or the unit is not a unit of the task.', {
      task_not_found: errorExample('task_not_found', 'plan jining-sports-2023 has no task T99'),
      unit_not_found: errorExample('unit_not_found', '370811 is not a lead or support unit of T22'),
    }),
    409: errorResponse('The unit has no completion claim pending review: its latest status is not `completed`, or this claim was already decided (by someone else, or otherwise).', {
      no_pending_claim: errorExample('no_pending_claim', 'jn-lottery-center has no completion claim on T22 (its latest status is in_progress)'),
      decided: errorExample('no_pending_claim', 'the claim of jn-sports-economy on T22 was already approved (销号)'),
    }),
  },
  amendPlan: {
    400: errorResponse('Malformed JSON or a body against the contract (every issue with its path): an unknown `op`, a field it does not take, no change.', {
      malformed_json: errorExample('malformed_json', 'body is not valid JSON'),
      invalid_body: errorExample('invalid_body', 'the body does not match the contract', [{ path: 'changes.0.op', message: 'Invalid input' }]),
    }),
    404: errorResponse('Unknown plan.', { plan_not_found: errorExample('plan_not_found', 'no plan nope-2023') }),
    409: errorResponse('Another amendment took the version at the same moment, three times running: send it again.', {
      version_conflict: errorExample('version_conflict', 'version 3 of jining-sports-2023 was taken by another amendment; send it again'),
    }),
    422: errorResponse('A change the plan refuses: nothing was applied. Every issue is listed with the path of its change.', {
      invalid_amendment: errorExample('invalid_amendment', 'the amendment cannot be applied; nothing was changed', [
        { path: 'changes.0.dueDate', message: 'T08-M1 would be due 2024年1月31日, after its task T08 (2023年12月31日)' },
        { path: 'changes.1.kpiId', message: 'plan jining-sports-2023 has no KPI nope' },
        { path: 'changes.2.leadOrgIds.0', message: 'jn-nowhere is not in the directory of units' },
      ]),
    }),
  },
};

function officeOperation(r: OfficeRoute): Json {
  const pathParams = [planIdParam, ...(r.path.includes('{taskId}') ? [taskIdParam] : [])];
  return {
    post: {
      operationId: r.operationId,
      tags: ['office'],
      summary: r.summary,
      description: r.description,
      security: [{ bearerAuth: [] }],
      parameters: pathParams,
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: REF(r.requestName) } } } },
      responses: {
        [r.successStatus]: { description: r.successStatus === 201 ? 'Created' : 'OK', content: { 'application/json': { schema: { $ref: REF(r.responseName) } } } },
        ...OFFICE_ERRORS[r.operationId],
        401: responseRef('Unauthorized'),
        403: errorResponse('The token is valid but not the office\'s: a reader may not act (AWS: the JWT lacks the office claim, `officeClaim`; locally: the read token, not `OFFICE_TOKEN`).', {
          forbidden: errorExample('forbidden', 'this action is reserved to the supervision office (督查室)'),
        }),
        415: errorResponse('Content type is not application/json.', { unsupported_media_type: errorExample('unsupported_media_type', 'content-type must be application/json') }),
        500: responseRef('InternalError'),
        503: errorResponse('Recorded, but its event is not on the bus yet: repeat the same request (it answers as the first should have and publishes it).', {
          bus_unavailable: errorExample('bus_unavailable', 'recorded, but its event is not on the bus yet; repeat the same request to publish it'),
        }),
      },
    },
  };
}

const progressExample = {
  type: 'progress.submitted',
  timestamp: '2023-06-20T10:00:05+08:00',
  data: {
    planId: 'jining-sports-2023',
    taskId: 'T08',
    orgId: '370811',
    reportedAt: '2023-06-20T10:00:00+08:00',
    period: '2023-06',
    status: 'in_progress',
    percentComplete: 40,
    metrics: [{ kpiId: 'sports-clubs', value: 40 }],
    summary: '新增俱乐部5家',
    evidence: [{ title: '任城区体育俱乐部名录', url: 'https://rencheng.example.gov.cn/clubs.pdf' }],
  },
};

const eventExample = {
  type: 'event.registered',
  timestamp: '2023-10-01T08:00:00+08:00',
  data: {
    planId: 'jining-sports-2023',
    eventId: 'evt-2023-011',
    orgId: 'jn-mass-sports',
    name: '2023济宁国际马拉松',
    category: 'marathon',
    level: 'international',
    startDate: '2023-11-05',
    endDate: '2023-11-05',
    venue: '济宁市体育中心',
    expectedParticipants: 20000,
    taskIds: ['T13'],
    status: 'planned',
  },
};

function webhookOperation(): Json {
  const header = (name: string, description: string, schema: Json) => ({ name, in: 'header', required: true, description, schema });
  return {
    post: {
      operationId: 'postWebhook',
      tags: ['webhook'],
      summary: 'Push a progress report or a sports event (Standard Webhooks)',
      description:
        'Signed with Standard Webhooks: HMAC-SHA256 over `webhook-id.webhook-timestamp.rawBody` with the source secret (`whsec_` + base64; the base64 part is the key). ' +
        'The timestamp must be within ±5 minutes of the service clock. 202 means the message is durably stored (it reaches the event bus from there); an exact resend (same webhook-id, same body) answers 202 again and is not stored or published twice.',
      security: [{ webhookSignature: [] }],
      parameters: [
        sourceIdParam,
        header('webhook-id', 'Unique message id; the idempotency key (reuse it, unchanged, when retrying).', { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$' }),
        header('webhook-timestamp', 'Unix seconds when the message was signed.', { type: 'string', pattern: '^\\d{1,12}$' }),
        header('webhook-signature', 'Space-separated list of `v1,<base64 signature>` (two during secret rotation).', { type: 'string', pattern: '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$' }),
      ],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: { $ref: REF('WebhookEnvelope') },
            examples: { progress: { value: progressExample }, event: { value: eventExample } },
          },
        },
      },
      responses: {
        202: {
          description: 'Accepted: the message is durably stored and goes on to the event bus (or this exact message was already accepted).',
          content: { 'application/json': { schema: { $ref: REF('WebhookAccepted') }, examples: { accepted: { value: { id: 'msg_2Nq0t3' } } } } },
        },
        400: errorResponse('Malformed JSON, unknown `type`, or a schema violation (every violation with its path).', {
          malformed_json: errorExample('malformed_json', 'body is not valid JSON'),
          unknown_type: errorExample('unknown_type', 'type must be one of progress.submitted, event.registered', [{ path: 'type', message: 'unknown type "progress.created"' }]),
          invalid_body: errorExample('invalid_body', 'the body does not match the contract', [
            { path: 'data.metrics.0.value', message: 'Too small: expected number to be >=0' },
            { path: 'data.evidence.0.url', message: 'evidence url must be https' },
          ]),
        }),
        401: errorResponse('Signature missing or wrong, or timestamp outside the window (no hint which).', {
          unauthorized: errorExample('unauthorized', 'signature missing or invalid, or timestamp outside the accepted window'),
        }),
        403: errorResponse('The source may not report for that unit, or may not send that type.', {
          org_not_allowed: errorExample('org_not_allowed', 'source rencheng may not report for 370812'),
          type_not_allowed: errorExample('type_not_allowed', 'source rencheng may not send event.registered'),
        }),
        404: errorResponse('Unknown source.', { unknown_source: errorExample('unknown_source', 'unknown source nosuch') }),
        409: errorResponse('The webhook-id was already used for a different body (for a report: a report of the same task and `reportedAt`; a webhook-id reused for another report is another message).', {
          webhook_id_conflict: errorExample('webhook_id_conflict', 'webhook-id msg_2Nq0t3 was already used for a different body'),
        }),
        413: errorResponse('Body over 256 KiB.', { payload_too_large: errorExample('payload_too_large', 'body exceeds 262144 bytes') }),
        415: errorResponse('Content type is not application/json.', { unsupported_media_type: errorExample('unsupported_media_type', 'content-type must be application/json') }),
        422: errorResponse(
          'Well-formed, but wrong against the plan or the time of receipt; nothing was stored. Each issue has its own `code` and path; the answer\'s `code` is the first issue\'s: `unknown_reference` (plan, task, KPI, milestone or linked task the plan does not have), `unit_not_assigned` (the unit is not a unit of the task, does not report the KPI, or links an event to another unit\'s task), `time_out_of_range` (`reportedAt` or `timestamp` later than receipt + 5 min, or outside the plan\'s year ± 1), `invalid_period` (not the task\'s cycle, not the plan\'s year, or not begun on the report\'s date), `evidence_required` (a completion claim, `status: "completed"`, without evidence: the office reviews claims against their 佐证材料).',
          {
            unknown_reference: errorExample('unknown_reference', 'the message names what the plan does not have', [
              { code: 'unknown_reference', path: 'data.metrics.0.kpiId', message: 'city-games-held is not a KPI of T08' },
            ]),
            unit_not_assigned: errorExample('unit_not_assigned', 'the unit is not assigned to what the message reports on', [
              { code: 'unit_not_assigned', path: 'data.orgId', message: 'jn-zone-gaoxin is not a lead or support unit of T17' },
            ]),
            time_out_of_range: errorExample('time_out_of_range', "a time in the message is in the future or outside the plan's years", [
              {
                code: 'time_out_of_range',
                path: 'data.reportedAt',
                message: '2099-01-01T00:00:00Z is later than the time of receipt (2023-06-25T02:20:00.250Z); send the time the report was made, with its real UTC offset',
              },
            ]),
            invalid_period: errorExample('invalid_period', 'the period is not one this task reports for at the time of the report', [
              { code: 'invalid_period', path: 'data.period', message: "period 2023-12 has not begun on the report's date 2023-06-25" },
            ]),
            evidence_required: errorExample('evidence_required', 'a completion claim must carry evidence (佐证材料)', [
              { code: 'evidence_required', path: 'data.evidence', message: 'a completion claim (status completed, 申请办结) must carry at least one evidence item (佐证材料) for the office to review' },
            ]),
          },
        ),
        429: errorResponse('Too many requests from this source; retry after `retry-after` seconds.', { rate_limited: errorExample('rate_limited', 'too many requests from this source') }, retryAfter),
        500: errorResponse('Unexpected failure; retry with the same webhook-id and body.', { internal_error: errorExample('internal_error', 'the request could not be served') }),
        503: errorResponse(
          'Not accepted: the message could not be stored (or the sources could not be read); retry with the same webhook-id and body.',
          {
            unavailable: errorExample('unavailable', 'not accepted: try again with the same webhook-id'),
          },
          retryAfter,
        ),
      },
    },
  };
}

/**
 * What API Gateway itself answers when the stage's throttle (infra/config.ts `apiThrottle`) refuses a
 * request: its own `{ "message": … }` body, before any function runs. Every route can get it; the
 * document route has no other 4xx, so it is documented there.
 */
const gatewayThrottled: Json = {
  description: 'Throttled by the HTTP API stage (AWS only); the body is API Gateway\'s own. Retry later.',
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
      description: 'The OpenAPI 3.1 document of this API, the same text as docs/openapi.json in the repository. Served without authentication.',
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
      dnsSuffix: { default: 'amazonaws.com.cn', enum: ['amazonaws.com.cn', 'amazonaws.com'], description: '`amazonaws.com.cn` in the China regions, `amazonaws.com` elsewhere.' },
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
        'Read API over the 2023 work plan (plan, KPIs, tasks, overdue list, rankings, completion claims, events, snapshots, bulletins), the supervision office\'s actions (reviews of completion claims) and the signed webhook county systems push to. ' +
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
